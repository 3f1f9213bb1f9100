"""Covariate effects on emphasis (areas) and on topic prevalence, with intervals: the model
(:mod:`research.effects.model`), the study's stage (:mod:`research.study.effects`) and the
simulation that measures recovery and coverage (:mod:`research.effects.simulate`)."""
