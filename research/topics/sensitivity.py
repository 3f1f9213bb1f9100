"""How much the guided model's scores depend on its settings (``topics fit --seeded --sensitivity``).

The published settings were fixed after trying a handful of variants scored against gold, so the
spread over reasonable variants (other chain seeds, free topics, prior strengths, how terms are
split into seed words) is reported beside the published figure in ``seeded/sensitivity.csv``.
"""

from __future__ import annotations

import pandas as pd

from research import codebook, stats
from research.topics.guided import GuidedLDA
from research.topics.tomotopy_lda import Chain

VARIANTS = {  # name -> GuidedLDA keyword arguments (national_terms, path+text)
    "published": {},
    "chains seeded 1-5": {"seeds": (1, 2, 3, 4, 5)},
    "chains seeded 101-105": {"seeds": (101, 102, 103, 104, 105)},
    "one chain": {"seeds": (11,)},
    "no free topic": {"n_free": 0},
    "4 free topics": {"n_free": 4},
    "other-topic prior 0.01": {"other_prior": 0.01},
    "seed prior 5": {"seed_prior": 5.0},
    "split terms: parts of 3+ characters": {"min_part": 3},
    "whole terms only": {"min_part": 99},
    "400 iterations": {"chain": Chain(burn=300, snapshots=5, gap=20)},
}


def guided_sensitivity(docs, labels, groups, jobs: int = 1) -> pd.DataFrame:
    """Macro-F1 (95% interval) and share correlation of each variant on the same units."""
    rows = []
    for name, params in VARIANTS.items():
        model = GuidedLDA("national_terms", **params).fit(docs, jobs=jobs)
        score = stats.classification_scores(labels, {name: model.predict()}, codebook.codes()).iloc[0]
        share = stats.share_correlation(model.area_weights(), codebook.onehot(labels), groups)
        rows.append({"variant": name, "seed_words": sum(len(v) for v in model.seed_words_.values()),
                     "macro_f1": score.macro_f1, "f1_low": score.macro_f1_low, "f1_high": score.macro_f1_high,
                     "accuracy": score.accuracy, "share_r": share["r"], "share_r_low": share["r_low"],
                     "share_r_high": share["r_high"]})
    return pd.DataFrame(rows)
