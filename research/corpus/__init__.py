"""The corpus: reading documents, cleaning captures, segmenting plans into paragraph units."""

from research.corpus.build import build_corpus, load_units, process_document, read_manifest
from research.corpus.clean import clean_text
from research.corpus.reader import read_document
from research.corpus.segment import segment

__all__ = ["build_corpus", "clean_text", "load_units", "process_document", "read_document",
           "read_manifest", "segment"]
