"""``python -m research study PATH... --out DIR``: a whole study of any collection of documents.

The stages run in this order, each one function with named inputs and outputs; a stage reads
what the earlier ones wrote into the study folder and never runs another:

1. corpus (:func:`research.corpus.build.corpus_stage`): documents -> ``corpus/`` (units,
   dropped spans, tables, table cells, cleaning report) and inferred metadata;
2. labels (:mod:`~research.study.labels`): units -> ``labels.csv`` (human labels where a unit
   has one, else the classifier; probabilities per unit);
3. topics (:mod:`~research.study.topics`): units + labels -> ``topics/`` (unseeded and seeded LDA);
4. emphasis (:mod:`~research.study.emphasis`): labels + metadata -> shares per group and document;
5. independence (:mod:`~research.study.independence`): chi-square test and residuals;
6. evaluation (:mod:`~research.study.evaluation`): human labels, classifier and topics side by side;
7. outputs (:mod:`~research.study.outputs`): LaTeX, figures (:mod:`~research.study.figure_set`:
   two print sizes, captions beside them), notebooks, ``report.html``.

Metadata (:mod:`~research.study.metadata`) comes from ``--meta`` or is inferred from the
documents.  :func:`~research.study.run.run_study` runs the stages;
:func:`~research.study.folder.load_study` reads a finished study folder.
"""

from research.study.run import run_study

__all__ = ["run_study"]
