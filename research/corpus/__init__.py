"""The corpus: reading documents, cleaning captures, segmenting plans into paragraph units.

One stage (:func:`corpus_stage`) turns documents into the corpus files; :func:`build_corpus`
runs it on the seeds' manifest; :func:`read_units` reads the units back (it never builds them).
"""

from research.corpus.build import build_corpus, manifest_documents, read_manifest
from research.corpus.clean import clean_text
from research.corpus.document import corpus_document, process_document, try_process_document
from research.corpus.files import read_units
from research.corpus.reader import read_document
from research.corpus.segment import segment
from research.corpus.stage import CorpusResult, corpus_stage

__all__ = ["CorpusResult", "build_corpus", "clean_text", "corpus_document", "corpus_stage",
           "manifest_documents", "process_document", "read_document", "read_manifest", "read_units",
           "segment", "try_process_document"]
