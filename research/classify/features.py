"""Feature steps of the classifier: text is segmented once, every feature reads the result.

Model inputs, :class:`Doc` and the analyzers live in :mod:`research.classify.inputs` (no
scikit-learn there); they are imported here under their old names.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
from scipy import sparse
from sklearn.base import BaseEstimator, TransformerMixin

from research import codebook
from research.classify.inputs import (CONTEXT_SEP, Doc, body_chars, body_words, compose,  # noqa: F401
                                     path_words, segment_inputs, split_input)
from research.text import Tokenizer


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
        return np.array(segment_inputs(X, self.tokenizer or Tokenizer(), bool(self.use_context)), dtype=object)


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
