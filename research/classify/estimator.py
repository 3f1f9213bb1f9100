"""The "1+4+2" paragraph classifier as one scikit-learn estimator on raw strings.

>>> model = ParagraphClassifier(C=10.0).fit(inputs, labels)      # doctest: +SKIP
>>> model.predict(["推进医保支付方式改革。"])                        # doctest: +SKIP
array(['payment'], dtype=object)

An input is a paragraph, a sentence, or a paragraph with its section path
(:func:`~research.classify.features.compose`).  ``fit`` augments its training inputs itself
(context dropout and sentence augmentation, :mod:`research.classify.augment`), so ``clone``,
``GridSearchCV`` and ``cross_val_predict`` with ``LeaveOneGroupOut`` train every fold exactly as
the shipped model is trained.  Inside, a scikit-learn ``Pipeline`` segments each input once
(jieba), builds the feature blocks and fits a logistic regression.
"""

from __future__ import annotations

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.utils.validation import check_is_fitted

from research.classify.augment import augment
from research.classify.features import (CodebookTerms, HeadingArea, Segment, Union, body_chars,
                                       body_words, path_words)
from research.classify.inputs import as_texts as _texts
from research.numerics import one_blas_thread
from research.text import Tokenizer

DICTIONARIES = ("jieba", "domain")
TERM_SOURCES = ("national", "codebook")


class ParagraphClassifier(ClassifierMixin, BaseEstimator):
    """Label raw paragraph strings with a codebook code.

    The defaults are the shipped model's (the grid of :mod:`research.classify.crossval` searches
    ``C`` and ``context_dropout``).  Nothing in the default was read off the seeds: jieba's own
    dictionary, no codebook term lists, no heading patterns.

    Parameters
    ----------
    C : float
        Inverse regularization strength of the logistic regression.
    context_dropout : bool
        Train on every input with a section path also without it.
    sentence_weight : float
        Weight of each sentence of a multi-sentence input entering training alone (0: none).
    use_context : bool
        Read the section path (``False``: a model of paragraphs alone).
    words, chars : bool
        TF-IDF of word uni- and bigrams; of character 2-3-grams.
    terms : float
        Weight of the codebook-term counts (0: left out); ``term_source`` ``"national"`` (the
        framework's wording) or ``"codebook"`` (read off the seed plans: in-sample).
    heading : float
        Weight of the area the section path's headings name (0: left out; in-sample patterns).
    dictionary : str
        ``"jieba"`` (jieba's own) or ``"domain"`` (with the project's domain dictionary, read
        off the seeds: in-sample).
    """

    def __init__(self, C: float = 10.0, context_dropout: bool = False, sentence_weight: float = 0.5,
                 use_context: bool = True, words: bool = True, chars: bool = False, terms: float = 0.0,
                 term_source: str = "national", heading: float = 0.0, dictionary: str = "jieba"):
        self.C = C
        self.context_dropout = context_dropout
        self.sentence_weight = sentence_weight
        self.use_context = use_context
        self.words = words
        self.chars = chars
        self.terms = terms
        self.term_source = term_source
        self.heading = heading
        self.dictionary = dictionary

    def _pipeline(self) -> Pipeline:
        if self.dictionary not in DICTIONARIES:
            raise ValueError(f"unknown dictionary {self.dictionary!r}: use 'jieba' or 'domain'")
        if self.term_source not in TERM_SOURCES:
            raise ValueError(f"unknown term source {self.term_source!r}: use 'national' or 'codebook'")
        features = []
        if self.words:
            features.append(("words", TfidfVectorizer(analyzer=body_words, sublinear_tf=True, min_df=2)))
        if self.chars:
            features.append(("chars", TfidfVectorizer(analyzer=body_chars, sublinear_tf=True, min_df=2)))
        if self.use_context:
            features.append(("path", TfidfVectorizer(analyzer=path_words, sublinear_tf=True, min_df=1)))
            if self.heading:
                features.append(("heading", HeadingArea(weight=float(self.heading))))
        if self.terms:
            features.append(("terms", CodebookTerms(weight=float(self.terms), source=self.term_source)))
        if not features:
            raise ValueError("no feature block: set words, chars, use_context or terms")
        tokenizer = Tokenizer(user_dict=self.dictionary == "domain")
        return Pipeline([
            ("segment", Segment(tokenizer=tokenizer, use_context=bool(self.use_context))),
            ("features", Union(features)),
            ("classify", LogisticRegression(C=float(self.C), max_iter=2000, tol=1e-4, solver="newton-cg",
                                            class_weight="balanced")),
        ])

    def fit(self, X, y):
        """Fit on model inputs ``X`` and their labels ``y``, augmented (context dropout,
        sentences) from these inputs only."""
        texts = _texts(X)
        y = np.asarray(y, dtype=object)
        if y.ndim != 1 or len(y) != len(texts):
            raise ValueError(f"y must hold one label per input: {len(texts)} inputs, y of shape {y.shape}")
        if len(set(y)) < 2:
            raise ValueError("y must hold at least two labels")
        rows, labels, weights = augment(texts, y, bool(self.context_dropout), float(self.sentence_weight))
        # One BLAS thread: on problems this small, more threads only cost (about 3 times the CPU
        # time here), and the floats do not depend on the machine's number of cores.
        with one_blas_thread():
            self.pipeline_ = self._pipeline().fit(rows, labels, classify__sample_weight=weights)
        self.classes_ = self.pipeline_.classes_
        return self

    def predict_proba(self, X) -> np.ndarray:
        """Probability of each class (``classes_`` order) for each input."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict_proba(_texts(X))

    def predict(self, X) -> np.ndarray:
        """The most probable label of each input."""
        check_is_fitted(self, "pipeline_")
        return self.pipeline_.predict(_texts(X))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.two_d_array = False
        tags.input_tags.string = True
        return tags
