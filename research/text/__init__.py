"""Text processing: jieba tokenization with the domain dictionary, stop words."""

from research.text.tokenize import Tokenizer, domain_terms, special_terms, stopwords

__all__ = ["Tokenizer", "domain_terms", "special_terms", "stopwords"]
