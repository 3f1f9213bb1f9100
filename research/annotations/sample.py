"""The random, city-stratified sample of units coded a second time for agreement."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

SECOND_PASS_SHARE = 0.4
SECOND_PASS_SEED = 20_211  # fixed: the sample must not change between runs

#: Units that entered the corpus after the sample was drawn (a cleaning fix recovered their text).
#: The sample is drawn from the corpus without them, and each of them is coded twice as well.
ADDED_AFTER_SAMPLING = {
    "wuhan-145d6a195a": "issue #13: the plan's preamble, once lost with the table of contents",
}


def second_pass_sample(units: pd.DataFrame, share: float = SECOND_PASS_SHARE,
                       seed: int = SECOND_PASS_SEED) -> pd.DataFrame:
    """At least ``share`` of each city's units, drawn at random with a fixed seed, in corpus order
    (units added after the draw, :data:`ADDED_AFTER_SAMPLING`, are all in it)."""
    rng = np.random.default_rng(seed)
    added = units[units.unit_id.isin(ADDED_AFTER_SAMPLING)]
    units = units[~units.unit_id.isin(ADDED_AFTER_SAMPLING)]
    picked = [added]
    for city in sorted(units.city.unique()):
        group = units[units.city == city].sort_values("order")
        n = math.ceil(share * len(group))
        idx = rng.choice(len(group), size=n, replace=False)
        picked.append(group.iloc[np.sort(idx)])
    return pd.concat(picked).sort_values(["doc_id", "order"]).reset_index(drop=True)
