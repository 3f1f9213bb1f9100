"""Text processing: jieba tokenization with the domain dictionary, stop words, and the text
patterns every module shares (:mod:`research.text.patterns`)."""

from research.text.tokenize import Tokenizer, domain_terms, special_terms, stopwords

__all__ = ["Tokenizer", "domain_terms", "special_terms", "stopwords"]
