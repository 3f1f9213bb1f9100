"""Evidence in simulation (``python -m research validate simulate``): each seed city in turn is
a user's collection.

Input: ``models/loco_predictions.csv`` (every unit's probabilities from the classifier trained
without its city, and its gold code).  For each city and each of ``reps`` repetitions, a random
sample of ``size`` of its units (at most half) is the validated sample, its gold codes the
coders' labels; the rest of the city is the collection whose area shares are estimated:
uncorrected (labels counted, ``count``; probabilities averaged, ``probability``) and corrected
by each method of :mod:`research.validate.correct`, with 95% intervals (``calibrated``'s
reference: the other cities' rows of the same file, so the city's own gold codes enter only
through its sample).  Reported, pooled over
cities, areas and repetitions and per city: the coverage of the intervals (share of city x
area cells whose true share of the rest lies inside) and the mean absolute error of every
estimate; the same pooled figures for other sample sizes (``SIZES``, ``half``: half of each
city), to show from which size a correction pays.  The learning curve per sampling strategy
(:mod:`research.validate.learning`) is added when the corpus units are given.  Output: ``models/validation_simulation.json``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, paths, stats
from research.atomic import round_significant, write_text
from research.progress import progress
from research.validate import correct
from research.validate.design import PROBA, draw_sample, read_loco

SIZE, REPS, DRAWS = 30, 100, 500
#: Sample sizes of the error-by-size table (``None``: half of each city).
SIZES = (10, 20, 30, None)


def one_run(city: pd.DataFrame, n: int, seed: int, methods, n_draws: int, reference: dict | None = None) -> list[dict]:
    """City x area cells of one validated sample: true share of the rest, every estimate and
    the corrected intervals (``reference``: the other cities' held-out predictions)."""
    codes = codebook.codes()
    index = {c: i for i, c in enumerate(codes)}
    drawn = draw_sample(city, n, "random", seed=seed)
    picked = city.unit_id.isin(drawn.unit_id)
    s, rest = city[picked], city[~picked]
    sample = {"y": s.gold.map(index).to_numpy(), "pred": s.classifier_label.map(index).to_numpy(),
              "proba": s[PROBA].to_numpy(float), "weights": np.full(len(s), len(city) / n), "strata": None}
    target = {"pred": rest.classifier_label.map(index).to_numpy(), "proba": rest[PROBA].to_numpy(float),
              "groups": np.zeros(len(rest), dtype=int)}
    truth = (rest.gold.to_numpy()[:, None] == np.array(codes)).mean(axis=0)
    cells = {"truth": truth}
    for method in methods:
        r = correct.corrected_shares(sample, target, method, n_draws=n_draws, seed=seed, reference=reference)
        cells.update({"count": r["count"][0], "probability": r["probability"][0], method: r["share"][0],
                      f"{method}_low": r["ci_low"][0], f"{method}_high": r["ci_high"][0]})
        for key in ("weight", "prior_units"):
            if key in r:
                cells[f"{method}_{key}"] = np.full(len(codes), np.ravel(r[key])[0])
    return [{"area": c, **{k: float(v[j]) for k, v in cells.items()}} for j, c in enumerate(codes)]


def summarise(cells: pd.DataFrame, methods) -> dict:
    """Coverage, interval width and mean absolute error of each estimate."""
    out = {"cells": int(len(cells))}
    for name in ("count", "probability", *methods):
        out[f"mae_{name}"] = float((cells[name] - cells.truth).abs().mean())
    for method in methods:
        inside = (cells[f"{method}_low"] <= cells.truth + 1e-9) & (cells.truth <= cells[f"{method}_high"] + 1e-9)
        out[f"coverage_{method}"] = float(inside.mean())
        out[f"width_{method}"] = float((cells[f"{method}_high"] - cells[f"{method}_low"]).mean())
        for key in ("weight", "prior_units"):
            if f"{method}_{key}" in cells:
                out[f"{key}_{method}"] = float(cells[f"{method}_{key}"].mean())
    return out


def simulated_cells(loco: pd.DataFrame, size: int | None, reps: int, n_draws: int, methods, seed: int) -> pd.DataFrame:
    """Every city x area cell of ``reps`` samples per city of ``min(size, half the city)`` units
    (``size`` None: half)."""
    rows = []
    cities = sorted(loco.city.unique())
    # each city's units, and its reference: the other cities' held-out predictions
    parts = {c: (loco[loco.city == c].reset_index(drop=True), correct.reference_predictions(loco[loco.city != c]))
             for c in cities}
    jobs = [(c, r) for c in cities for r in range(reps)]
    for city_name, rep in progress(jobs, total=len(jobs), desc=f"simulation, {size or 'half'}"):
        city, reference = parts[city_name]
        n = len(city) // 2 if size is None else min(size, len(city) // 2)
        for cell in one_run(city, n, seed + rep, methods, n_draws, reference):
            rows.append({"city": city_name, "rep": rep, "units": len(city), "sample": n, **cell})
    return pd.DataFrame(rows)


def simulate(loco_csv: Path = paths.MODELS / "loco_predictions.csv", units_csv: Path | None = None,
             size: int = SIZE, reps: int = REPS, n_draws: int = DRAWS, methods=correct.METHODS,
             seed: int = stats.SEED, sizes=SIZES) -> dict:
    """The simulation's results (module docstring); the learning curve needs ``units_csv``."""
    loco = read_loco(loco_csv)
    cells = simulated_cells(loco, size, reps, n_draws, methods, seed)
    result = {
        "command": "python -m research validate simulate",
        "design": {"loco_predictions": "models/loco_predictions.csv", "sample_size": size,
                   "sample_rule": f"min({size}, half the city's units), simple random sample",
                   "repetitions": reps, "bootstrap_draws": n_draws, "seed": seed, "methods": list(methods),
                   "default_method": correct.DEFAULT, "level": stats.LEVEL},
        "pooled": summarise(cells, methods),
        "per_city": {c: {"units": int(g.units.iloc[0]), "sample": int(g["sample"].iloc[0]),
                         "rest": int(g.units.iloc[0] - g["sample"].iloc[0]), **summarise(g, methods)}
                     for c, g in cells.groupby("city")},
    }
    big = cells[cells.units - cells["sample"] >= 20]
    result["pooled_rest_20_or_more"] = {"cities": sorted(big.city.unique()), **summarise(big, methods)}
    result["by_sample_size"] = [
        {"size": n or "half", "validated_per_city": {c: int(g["sample"].iloc[0]) for c, g in by.groupby("city")},
         **summarise(by, methods)}
        for n, by in ((n, cells if n == size else simulated_cells(loco, n, reps, n_draws, methods, seed))
                      for n in sizes)]
    if units_csv is not None:
        from research.validate.learning import learning_curves

        metrics = json.loads((Path(loco_csv).parent / "metrics.json").read_text(encoding="utf-8"))
        result["learning_curve"] = learning_curves(units_csv, loco, metrics["chosen_params"], seed=seed)
    return round_significant_tree(result)


def round_significant_tree(value):
    """Floats rounded to the significant digits every table keeps, inside dicts and lists."""
    if isinstance(value, dict):
        return {k: round_significant_tree(v) for k, v in value.items()}
    if isinstance(value, list):
        return [round_significant_tree(v) for v in value]
    return float(round_significant(value)) if isinstance(value, float) else value


def write_simulation(result: dict, out: Path) -> None:
    write_text(out, json.dumps(result, ensure_ascii=False, indent=1) + "\n")
