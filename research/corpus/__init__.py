"""The corpus: reading documents, cleaning captures, segmenting plans into paragraph units.

One stage (:func:`corpus_stage`) turns documents into the corpus files; :func:`build_corpus`
runs it on the seeds' manifest; :func:`read_units` reads the units back (it never builds them).
The names are imported when first used, so that a command reading one document (``classify``)
does not import pandas.
"""

import importlib

from research.corpus.segment import segment  # eager: the function, not the submodule of that name

_WHERE = {"build_corpus": "build", "manifest_documents": "build", "read_manifest": "build",
          "clean_text": "clean", "corpus_document": "document", "process_document": "document",
          "try_process_document": "document", "read_units": "files", "read_document": "reader",
          "CorpusResult": "stage", "corpus_stage": "stage"}

__all__ = sorted([*_WHERE, "segment"])


def __getattr__(name: str):
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"research.corpus.{_WHERE[name]}"), name)
