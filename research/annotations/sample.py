"""The random, city-stratified sample of units coded a second time for agreement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SECOND_PASS_SHARE = 0.4
SECOND_PASS_SEED = 20_211  # fixed: the sample must not change between runs


def second_pass_sample(units: pd.DataFrame, share: float = SECOND_PASS_SHARE,
                       seed: int = SECOND_PASS_SEED) -> pd.DataFrame:
    """At least ``share`` of each city's units, drawn at random with a fixed seed, in corpus order."""
    rng = np.random.default_rng(seed)
    picked = []
    for city in sorted(units.city.unique()):
        group = units[units.city == city].sort_values("order")
        n = math.ceil(share * len(group))
        idx = rng.choice(len(group), size=n, replace=False)
        picked.append(group.iloc[np.sort(idx)])
    return pd.concat(picked).sort_values(["doc_id", "order"]).reset_index(drop=True)
