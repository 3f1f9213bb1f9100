"""The classifier as one scikit-learn ``Pipeline`` from raw paragraph strings to labels.

:func:`build_pipeline` gives the unfitted pipeline; :func:`fit_model` fits it on labelled units
with context dropout and sentence augmentation (:mod:`research.classify.augment`), which is how
the shipped model and every fold of the evaluation are trained.
"""

from __future__ import annotations

import json

from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.naive_bayes import ComplementNB
from sklearn.pipeline import Pipeline
from sklearn.svm import LinearSVC

from research import paths
from research.classify.augment import training_rows
from research.classify.features import (CodebookTerms, HeadingArea, SentenceEmbedding, Segment, Union,
                                       body_chars, body_words, path_words)
from research.text import Tokenizer

#: Hyper-parameters used when no trained model records the chosen ones.  Nothing in the default
#: was read off the seeds: jieba's own dictionary (``dictionary="jieba"``), no codebook term lists
#: (``terms=0``), no heading patterns (``heading=0``).
DEFAULT_PARAMS = {"model": "logreg", "C": 10.0, "use_context": True, "words": True, "chars": False,
                  "dictionary": "jieba", "terms": 0.0, "term_source": "national", "heading": 0.0,
                  "embeddings": 0.0, "context_dropout": True, "sentence_weight": 0.5}


def make_classifier(model: str, C: float = 1.0, alpha: float = 0.3):
    """``logreg`` (multinomial logistic regression), ``svm`` (linear SVM calibrated with
    sigmoid scaling) or ``cnb`` (complement naive Bayes)."""
    if model == "logreg":
        return LogisticRegression(C=C, max_iter=2000, tol=1e-4, solver="newton-cg",
                                  class_weight="balanced")
    if model == "svm":
        return CalibratedClassifierCV(LinearSVC(C=C, class_weight="balanced", max_iter=20000),
                                      method="sigmoid", cv=3)
    if model == "cnb":
        return ComplementNB(alpha=alpha)
    raise ValueError(f"unknown model {model!r}: use logreg, svm or cnb")


def make_tokenizer(params: dict) -> Tokenizer:
    """jieba's own dictionary (``"jieba"``), or with the project's domain dictionary
    (``"domain"``, read off the seeds: in-sample vocabulary)."""
    dictionary = params.get("dictionary", "jieba")
    if dictionary not in ("jieba", "domain"):
        raise ValueError(f"unknown dictionary {dictionary!r}: use 'jieba' or 'domain'")
    return Tokenizer(user_dict=dictionary == "domain")


def build_pipeline(params: dict | None = None, **overrides) -> Pipeline:
    """The classifier, unfitted.  Without ``params`` it uses the hyper-parameters chosen by
    nested cross-validation when the shipped model was trained (``models/metrics.json``)."""
    chosen = dict(DEFAULT_PARAMS)
    chosen.update(params if params is not None else chosen_params())
    chosen.update(overrides)
    features = []
    if chosen.get("words", True):
        features.append(("words", TfidfVectorizer(analyzer=body_words, sublinear_tf=True, min_df=2)))
    if chosen.get("chars", True):
        features.append(("chars", TfidfVectorizer(analyzer=body_chars, sublinear_tf=True, min_df=2)))
    if chosen.get("use_context", True):
        features.append(("path", TfidfVectorizer(analyzer=path_words, sublinear_tf=True, min_df=1)))
        if chosen.get("heading", 0):
            features.append(("heading", HeadingArea(weight=float(chosen["heading"]))))
    if chosen.get("terms", 0):
        features.append(("terms", CodebookTerms(weight=float(chosen["terms"]),
                                                source=chosen.get("term_source", "national"))))
    if chosen.get("embeddings", 0):
        features.append(("embeddings", SentenceEmbedding(weight=float(chosen["embeddings"]))))
    return Pipeline([
        ("segment", Segment(tokenizer=make_tokenizer(chosen), use_context=bool(chosen.get("use_context", True)))),
        ("features", Union(features)),
        ("classify", make_classifier(chosen["model"], C=float(chosen.get("C", 1.0)),
                                     alpha=float(chosen.get("alpha", 0.3)))),
    ])


def fit_model(params: dict, texts, section_paths, labels) -> Pipeline:
    """Fit :func:`build_pipeline` on labelled units, with context dropout and sentence
    augmentation as ``params`` say (``context_dropout``, ``sentence_weight``)."""
    full = {**DEFAULT_PARAMS, **params}
    X, y, weight = training_rows(texts, section_paths, labels,
                                 context_dropout=bool(full["context_dropout"]),
                                 sentence_weight=float(full["sentence_weight"]))
    model = build_pipeline(full)
    fit_params = {"classify__sample_weight": weight} if full["model"] != "svm" else {}
    return model.fit(X, y, **fit_params)


def chosen_params() -> dict:
    """Hyper-parameters recorded with the shipped model, or the defaults."""
    metrics = paths.MODELS / "metrics.json"
    if metrics.exists():
        recorded = json.loads(metrics.read_text(encoding="utf-8")).get("chosen_params", {})
        return {**DEFAULT_PARAMS, **recorded}
    return dict(DEFAULT_PARAMS)
