"""Validating the labels of a user's own collection, one stage a module, each with named
inputs and outputs (``python -m research validate ...``):

1. :mod:`~research.validate.design` (``sample``): a study's units -> ``sample.csv``, a
   reproducible sample with each unit's inclusion probability; :mod:`~research.validate.sheets`
   writes the blind coding sheets and the Label Studio and doccano import files;
2. :mod:`~research.validate.codings` and :mod:`~research.validate.agreement` (``agreement``):
   the coders' sheets or tool exports -> agreement tables and ``adjudication.csv``;
3. :mod:`~research.validate.evaluate` and :mod:`~research.validate.correct` (``evaluate``): the
   adjudicated sample and the study's labels -> accuracy with intervals, confusion,
   calibration and error-corrected shares beside the uncorrected ones;
4. :mod:`~research.validate.simulate` and :mod:`~research.validate.learning` (``simulate``): the
   same steps on the seeds, each city in turn treated as a user's collection.
"""

#: The share corrections of :mod:`~research.validate.correct` (the first is the default), here so
#: that the CLI offers them without importing numpy or scipy.
METHODS = ("composite", "calibrated", "hierarchical", "ratio", "bayes", "temperature", "difference", "pdifference", "acc", "pacc")
DEFAULT = METHODS[0]
#: The corrections that also read the labelling model's held-out predictions (``loco_predictions.csv``).
REFERENCE_METHODS = ("calibrated", "hierarchical")
