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
