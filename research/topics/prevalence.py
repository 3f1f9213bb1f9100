"""Per-city topic prevalence with bootstrap intervals, and the topic-to-area mapping."""

from __future__ import annotations

import numpy as np
import pandas as pd

N_BOOT, BOOT_SEED = 2000, 7


def bootstrap_shares(values: np.ndarray, groups: np.ndarray, n_boot: int = N_BOOT,
                     seed: int = BOOT_SEED) -> pd.DataFrame:
    """Mean of ``values`` (units x columns) per group with 95% percentile intervals,
    resampling units within each group (the analogue of stm's estimateEffect)."""
    rng = np.random.default_rng(seed)
    rows = []
    for group in sorted(pd.unique(groups)):
        block = values[groups == group]
        n = len(block)
        idx = rng.integers(0, n, size=(n_boot, n))
        boots = block[idx].mean(axis=1)  # (n_boot, columns)
        low, high = np.percentile(boots, [2.5, 97.5], axis=0)
        for col, (share, lo, hi) in enumerate(zip(block.mean(axis=0), low, high)):
            rows.append({"group": group, "column": col, "share": share, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)


def topic_area_mapping(doc_topics: np.ndarray, labels: pd.Series, codes: list[str]) -> pd.DataFrame:
    """Each topic's mean weight in units of each gold label, as a share per topic (rows sum
    to 1); the topic's area is the label with the highest lift over its overall share."""
    labels = np.asarray(labels)
    base = np.array([(labels == c).mean() for c in codes])
    rows = []
    for t in range(doc_topics.shape[1]):
        weight = np.array([doc_topics[labels == c, t].sum() for c in codes])
        share = weight / weight.sum() if weight.sum() else weight
        lift = np.divide(share, base, out=np.zeros_like(share), where=base > 0)
        rows.append({"topic": t, "area": codes[int(np.argmax(lift))],
                     **{f"share_{c}": round(float(s), 4) for c, s in zip(codes, share)}})
    return pd.DataFrame(rows)


def bootstrap_runs(run_values: np.ndarray, groups: np.ndarray, n_boot: int = N_BOOT,
                   seed: int = BOOT_SEED) -> pd.DataFrame:
    """Like :func:`bootstrap_shares` for ``run_values`` (runs x units x columns, runs aligned):
    the share is the mean over runs, and each draw takes one run at random and resamples units
    within the group, so the interval holds the variation between runs as well as over units."""
    rng = np.random.default_rng(seed)
    runs = run_values.shape[0]
    rows = []
    for group in sorted(pd.unique(groups)):
        block = run_values[:, groups == group]  # runs x n x columns
        n = block.shape[1]
        pick = rng.integers(0, runs, size=n_boot)
        idx = rng.integers(0, n, size=(n_boot, n))
        boots = block[pick[:, None], idx].mean(axis=1)  # (n_boot, columns)
        low, high = np.percentile(boots, [2.5, 97.5], axis=0)
        for col, (share, lo, hi) in enumerate(zip(block.mean(axis=(0, 1)), low, high)):
            rows.append({"group": group, "column": col, "share": share, "ci_low": lo, "ci_high": hi})
    return pd.DataFrame(rows)
