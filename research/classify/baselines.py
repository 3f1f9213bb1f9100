"""The seeded-LDA baseline: each unit's most probable seeded topic, read as its label.

The seeded topic model never sees a gold label (its topics are tied to labels only through the
codebook's seed terms), so its predictions are out-of-sample for every city.
"""

from __future__ import annotations

import json

import pandas as pd

from research import paths
from research.classify.evaluate import seeded_lda_baseline


def seeded_lda_predictions(data: pd.DataFrame):
    """Predictions aligned with ``data``, or None when the seeded topics were not fitted
    (``python -m research topics fit --seeded``) or miss a unit."""
    folder = paths.DATA / "topics" / "seeded"
    if not (folder / "doc_topics.csv").exists():  # topics are an earlier step; not run from here
        return None
    doc_topics = pd.read_csv(folder / "doc_topics.csv").set_index("unit_id")
    if not data.unit_id.isin(doc_topics.index).all():
        return None
    labels = json.loads((folder / "summary.json").read_text(encoding="utf-8"))["topic_labels"]
    return seeded_lda_baseline(doc_topics.loc[data.unit_id].reset_index(), labels)
