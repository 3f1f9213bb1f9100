"""Token streams and the gensim dictionary for the topic models."""

from __future__ import annotations

from collections.abc import Iterable

from gensim.corpora import Dictionary

from research.text import Tokenizer

NO_BELOW, NO_ABOVE = 3, 0.4


def topic_tokenizer() -> Tokenizer:
    """jieba with the domain dictionary, minus function words and policy boilerplate."""
    return Tokenizer(user_dict=True, stop="topic", min_len=2)


def tokenize_all(texts: Iterable[str]) -> list[list[str]]:
    """Token lists of ``texts``; every distinct word is one string object, shared by all lists
    (memory grows with the number of tokens, not with their characters)."""
    tokenizer = topic_tokenizer()
    words: dict[str, str] = {}
    return [[words.setdefault(w, w) for w in tokenizer(text)] for text in texts]


def build_dictionary(docs: list[list[str]], no_below: int = NO_BELOW,
                     no_above: float = NO_ABOVE) -> Dictionary:
    """Vocabulary of words in at least ``no_below`` units and at most ``no_above`` of them."""
    dictionary = Dictionary(docs)
    dictionary.filter_extremes(no_below=no_below, no_above=no_above, keep_n=None)
    dictionary.compactify()
    return dictionary
