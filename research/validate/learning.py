"""Learning curves per sampling strategy, in simulation: which units to label next?

For each seed city: half its units (fixed seed) are the test set, the other half the pool a
user labels from.  ``k`` units of the pool, chosen by each strategy of
:mod:`research.validate.design` (``random``: several draws; ``uncertainty``: the smallest
margins of the classifier trained without the city, from ``models/loco_predictions.csv``;
``diversity``: k-means medoids), are added with their gold codes to the other cities' units;
the shipped model's parameters are fitted on them and scored on the test set (macro-F1 over
the codes present, accuracy).  ``k`` is capped at the pool's size (Lishui's pool has 7 units).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research import stats
from research.progress import progress
from research.validate.design import PROBA, diverse, margin

SIZES = (0, 5, 10, 20)
RANDOM_REPS = 3


def _picks(pool: pd.DataFrame, k: int, seed: int) -> dict[str, list[np.ndarray]]:
    if k == 0:
        return {"none": [np.array([], dtype=int)]}
    return {"random": [stats.generator(seed + r).choice(len(pool), size=k, replace=False) for r in range(RANDOM_REPS)],
            "uncertainty": [np.argsort(margin(pool[PROBA].to_numpy(float)), kind="stable")[:k]],
            "diversity": [diverse(list(pool.text), k, seed)]}


def learning_curves(units_csv: Path, loco: pd.DataFrame, params: dict, sizes=SIZES, seed: int = stats.SEED) -> dict:
    """Mean over cities (and random draws) of macro-F1 and accuracy per strategy and ``k``,
    and the same per city; ``params``: the classifier's (the shipped model's chosen ones)."""
    from research.classify.crossval import macro_f1
    from research.classify.estimator import ParagraphClassifier
    from research.classify.features import compose
    from research.classify.labelled import corpus_units, training_data

    data = training_data(corpus_units(units_csv)).merge(loco[["unit_id", *PROBA]], on="unit_id", how="left")
    data["X"] = [compose(t, p) for t, p in zip(data.text, data.section_path)]
    rows = []
    jobs = []
    for city in sorted(data.city.unique()):
        units = data[data.city == city].reset_index(drop=True)
        order = stats.generator(seed).permutation(len(units))
        test, pool = units.iloc[order[: len(units) // 2]], units.iloc[order[len(units) // 2:]].reset_index(drop=True)
        for k in sizes:
            for strategy, draws in _picks(pool, min(k, len(pool)), seed).items():
                jobs += [(city, test, pool, k, strategy, pick) for pick in draws]
    for city, test, pool, k, strategy, pick in progress(jobs, total=len(jobs), desc="learning curve"):
        train = pd.concat([data[data.city != city], pool.iloc[pick]])
        model = ParagraphClassifier(**params).fit(list(train.X), train.label.to_numpy(dtype=object))
        pred = model.predict(list(test.X))
        rows.append({"city": city, "k": k, "labelled": len(pick), "strategy": strategy,
                     "macro_f1": macro_f1(test.label, pred), "accuracy": float(np.mean(pred == test.label))})
    frame = pd.DataFrame(rows)
    base = frame[frame.strategy == "none"].drop(columns="strategy")
    frame = pd.concat([frame[frame.strategy != "none"]]
                      + [base.assign(strategy=s) for s in ("random", "uncertainty", "diversity")])
    per_city = frame.groupby(["strategy", "k", "city"], as_index=False)[["labelled", "macro_f1", "accuracy"]].mean()
    mean = per_city.groupby(["strategy", "k"], as_index=False)[["macro_f1", "accuracy"]].mean()
    return {"design": {"test": "half of each city's units (fixed seed)", "pool": "the other half",
                       "sizes": list(sizes), "random_draws": RANDOM_REPS, "seed": seed, "params": params},
            "mean_over_cities": mean.to_dict("records"), "per_city": per_city.to_dict("records")}
