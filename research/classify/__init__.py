"""The "1+4+2" paragraph classifier: one scikit-learn estimator, its evaluation, the shipped model.

>>> from research.classify import load_model, compose
>>> model = load_model()
>>> model.predict(["推进按疾病诊断相关分组付费改革，完善医保支付方式。"])  # doctest: +SKIP

Importing this package imports neither scikit-learn nor skops: ``load_model`` gives the
compiled classifier (numpy only); ``ParagraphClassifier`` is imported when first named.
"""

from research.classify.inputs import compose
from research.classify.model_io import cached_model, load_estimator, load_model, save_model

__all__ = ["ParagraphClassifier", "cached_model", "compose", "load_estimator", "load_model", "save_model"]


def __getattr__(name: str):
    if name == "ParagraphClassifier":
        from research.classify.estimator import ParagraphClassifier

        return ParagraphClassifier
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
