"""``python -m research study PATH... --out DIR``: a whole study of any collection of plans.

The stages, one module each, run in this order and pass files one way:

1. :mod:`~research.study.corpus` documents -> ``corpus/units.csv`` (+ dropped spans, tables)
2. :mod:`~research.study.labels` units -> ``labels.csv`` (gold where a unit has one, else the
   shipped classifier; source and probabilities per unit)
3. :mod:`~research.study.topics` units + labels -> ``topics/`` (unseeded and seeded LDA)
4. :mod:`~research.study.emphasis` labels + metadata -> shares per document and group
5. :mod:`~research.study.independence` chi-square test, Monte Carlo p, residuals
6. :mod:`~research.study.outputs` -> ``tables/``, ``figures/``, ``notebooks/``, ``report.html``

Metadata (:mod:`~research.study.metadata`) comes from ``--meta`` or is inferred from the
documents.  :func:`~research.study.run.run_study` runs the stages; no stage runs another.
"""

from research.study.run import run_study

__all__ = ["run_study"]
