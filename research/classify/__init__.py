"""The "1+4+2" paragraph classifier: pipeline, evaluation, shipped model, application.

>>> from research.classify import load_model
>>> model = load_model()
>>> model.predict(["推进按疾病诊断相关分组付费改革，完善医保支付方式。"])  # doctest: +SKIP
"""

from research.classify.features import compose
from research.classify.model_io import load_model, save_model
from research.classify.pipeline import build_pipeline

__all__ = ["build_pipeline", "compose", "load_model", "save_model"]
