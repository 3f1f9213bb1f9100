"""The "1+4+2" paragraph classifier: one scikit-learn estimator, its evaluation, the shipped model.

>>> from research.classify import load_model, compose
>>> model = load_model()
>>> model.predict(["推进按疾病诊断相关分组付费改革，完善医保支付方式。"])  # doctest: +SKIP
"""

from research.classify.estimator import ParagraphClassifier
from research.classify.features import compose
from research.classify.model_io import cached_model, load_model, save_model

__all__ = ["ParagraphClassifier", "cached_model", "compose", "load_model", "save_model"]
