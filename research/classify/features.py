"""Feature steps of the classifier: text is segmented once, every feature reads the result.

A model input is a raw paragraph string, optionally preceded by its section path and
``CONTEXT_SEP`` (see :func:`compose`); a paragraph pasted alone simply has no context.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from research import codebook
from research.text import Tokenizer

#: Separates a unit's section path from its text in a model input (ASCII record separator).
CONTEXT_SEP = "\x1e"


def compose(text: str, section_path: str = "") -> str:
    """Model input for a paragraph and, when known, its section path."""
    return f"{section_path}{CONTEXT_SEP}{text}" if section_path else text


def split_input(model_input: str) -> tuple[str, str]:
    """``(section_path, text)`` of a model input (the path is "" for a paragraph alone)."""
    path, _, text = str(model_input).rpartition(CONTEXT_SEP)
    return path, text


class Doc:
    """A paragraph segmented once: body and path text and their words."""

    __slots__ = ("body", "path", "body_words", "path_words")

    def __init__(self, body: str, path: str, body_words: list[str], path_words: list[str]):
        self.body, self.path, self.body_words, self.path_words = body, path, body_words, path_words


class Union(BaseEstimator, TransformerMixin):
    """Feature blocks side by side (like ``FeatureUnion``, without its per-call job
    dispatch, which costs more than the blocks themselves on one paragraph batch)."""

    def __init__(self, transformer_list):
        self.transformer_list = transformer_list

    def fit(self, X, y=None):
        for _, transformer in self.transformer_list:
            transformer.fit(X, y)
        return self

    def transform(self, X):
        blocks = [sparse.csr_matrix(t.transform(X)) for _, t in self.transformer_list]
        return sparse.hstack(blocks, format="csr")

    def fit_transform(self, X, y=None, **fit_params):
        return self.fit(X, y).transform(X)

    def __sklearn_is_fitted__(self) -> bool:
        from sklearn.exceptions import NotFittedError
        from sklearn.utils.validation import check_is_fitted

        try:
            for _, transformer in self.transformer_list:
                check_is_fitted(transformer)
        except NotFittedError:
            return False
        return True

    def get_feature_names_out(self, input_features=None):
        return np.concatenate([[f"{name}__{f}" for f in t.get_feature_names_out()]
                               for name, t in self.transformer_list])


class Segment(BaseEstimator, TransformerMixin):
    """Raw strings -> :class:`Doc` records (jieba runs here, once per paragraph).

    ``use_context=False`` ignores any section path, for a model of paragraphs alone.
    """

    def __init__(self, tokenizer: Tokenizer | None = None, use_context: bool = True):
        self.tokenizer = tokenizer
        self.use_context = use_context

    def fit(self, X, y=None):
        return self

    def __sklearn_is_fitted__(self) -> bool:
        return True  # stateless

    def transform(self, X):
        tokenizer = self.tokenizer or Tokenizer()
        docs, path_words = [], {}  # section paths repeat: segment each once
        for raw in X:
            path, body = split_input(raw)
            if not self.use_context:
                path = ""
            if path not in path_words:
                path_words[path] = tokenizer(path) if path else []
            docs.append(Doc(body, path, tokenizer(body), path_words[path]))
        return np.array(docs, dtype=object)


def body_words(doc: Doc) -> list[str]:
    """Word unigrams and bigrams of the paragraph."""
    words = doc.body_words
    return words + list(map("{} {}".format, words, words[1:]))


def path_words(doc: Doc) -> list[str]:
    """Words of the section path, marked so they never mix with body words ("§" alone: none)."""
    return [f"§{w}" for w in doc.path_words] or ["§"]


def body_chars(doc: Doc, low: int = 2, high: int = 3) -> list[str]:
    """Character n-grams of the paragraph (robust to segmentation errors and new wording)."""
    text = doc.body
    return [text[i:i + n] for n in range(low, high + 1) for i in range(len(text) - n + 1)]


@lru_cache(maxsize=4)
def _terms_pattern(terms: tuple[tuple[str, ...], ...]):
    """One regex over every label's terms (longest first) and each term's label index."""
    owner = {t: i for i, group in enumerate(terms) for t in group}
    ordered = sorted(owner, key=len, reverse=True)
    return re.compile("|".join(re.escape(t) for t in ordered)), owner


class CodebookTerms(BaseEstimator, TransformerMixin):
    """Per label, log(1 + count) of its terms in the paragraph and in its path.

    ``source="national"`` takes the terms from the framework's national wording only (safe to
    evaluate on the seeds); ``"codebook"`` takes the lists read off the seed plans (in-sample
    vocabulary: on the seeds, its evaluation is optimistic).
    """

    def __init__(self, weight: float = 1.0, source: str = "national"):
        self.weight = weight
        self.source = source

    def fit(self, X, y=None):
        self.codes_ = codebook.codes()
        attr = "national_terms" if self.source == "national" else "terms"
        self.terms_ = [getattr(label, attr) for label in codebook.labels()]
        return self

    def transform(self, X):
        pattern, owner = _terms_pattern(tuple(tuple(t) for t in self.terms_))
        n = len(self.terms_)
        counts = np.zeros((len(X), 2 * n))
        paths: dict[str, list[int]] = {}
        for i, doc in enumerate(X):
            counts[i, :n] = self._count(pattern, owner, doc.body, n)
            if doc.path not in paths:
                paths[doc.path] = self._count(pattern, owner, doc.path, n)
            counts[i, n:] = paths[doc.path]
        return sparse.csr_matrix(np.log1p(counts) * self.weight)

    @staticmethod
    def _count(pattern, owner, text: str, n: int) -> list[int]:
        row = [0] * n
        for term in pattern.findall(text):
            row[owner[term]] += 1
        return row

    def get_feature_names_out(self, input_features=None):
        return np.array([f"terms_body_{c}" for c in self.codes_] + [f"terms_path_{c}" for c in self.codes_])


class HeadingArea(BaseEstimator, TransformerMixin):
    """One-hot of the area the section path names (the heading-based silver label)."""

    def __init__(self, weight: float = 1.0):
        self.weight = weight

    def fit(self, X, y=None):
        self.codes_ = codebook.codes()
        return self

    def transform(self, X):
        from research.annotations.silver import silver_label

        rows = np.zeros((len(X), len(self.codes_)))
        for i, doc in enumerate(X):
            code = silver_label(doc.path) if doc.path else ""
            if code:
                rows[i, self.codes_.index(code)] = self.weight
        return sparse.csr_matrix(rows)

    def get_feature_names_out(self, input_features=None):
        return np.array([f"heading_{c}" for c in self.codes_])
