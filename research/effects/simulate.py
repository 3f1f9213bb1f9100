"""Recovery of known covariate effects in simulated collections built from the seeds' labelled units.

Each simulated document draws its area composition from a Dirichlet distribution around an
expected composition that depends on its covariates, ``mu(x) = softmax(log pi0 + B x)``, where
``pi0`` is the gold labels' share of each area over the seeds (``research/annotations/gold.csv``)
and ``B`` the known effects; the Dirichlet's concentration sets how much documents differ beyond
their covariates (as real plans do).  Its units are then drawn from that composition, each unit
a gold-labelled seed unit of the drawn area (so a collection can be written out as documents:
:func:`write_collection`).  Covariates: ``pilot`` (yes/no) raises payment, ``gdp`` (numeric, one
SD per unit) raises supervision and lowers ``other``; ``region`` (east/west) and ``placebo``
(numeric) have no effect.

The true effect of a term on an area's expected share is the population average of the
difference (categorical) or of the derivative (numeric) of ``mu``, computed on 200,000 draws of
the covariates.  :func:`recovery` fits :func:`research.effects.model.effects_table` to each of
``n_collections`` collections and reports the coverage of the 95% intervals for the true
effects, the share of null intervals (region, placebo) that include 0, the bias of the
estimates and the time per collection.
"""

from __future__ import annotations

import time

import numpy as np
import pandas as pd

from research import codebook, paths
from research.effects.model import design, effects_table

FORMULA = "~ pilot + gdp + region + placebo"
#: Known effects on the log-odds scale of the softmax: term -> {area: coefficient}.
EFFECTS = {"pilot": {"payment": 0.9}, "gdp": {"supervision": 0.4, "other": -0.3}, "region": {}, "placebo": {}}
NULL_TERMS = ("region", "placebo")
CONCENTRATION = 30.0
SEED = 2023


def base_shares() -> np.ndarray:
    """Each area's share of the gold-labelled seed units (codebook order)."""
    from research.annotations.check import read_annotations

    labels = read_annotations(paths.GOLD).label
    return labels.value_counts(normalize=True).reindex(codebook.codes(), fill_value=0).to_numpy(dtype=float)


def covariates(n: int, rng: np.random.Generator) -> pd.DataFrame:
    return pd.DataFrame({"pilot": rng.choice(["no", "yes"], n), "gdp": rng.normal(size=n),
                         "region": rng.choice(["east", "west"], n), "placebo": rng.normal(size=n)})


def _logits(data: pd.DataFrame, pi0: np.ndarray) -> np.ndarray:
    codes = codebook.codes()
    eta = np.tile(np.log(pi0), (len(data), 1))
    for term, effects in EFFECTS.items():
        x = (data[term] == "yes").to_numpy(float) if term == "pilot" else (
            (data[term] == "east").to_numpy(float) if term == "region" else data[term].to_numpy(float))
        for area, b in effects.items():
            eta[:, codes.index(area)] += b * x
    return eta


def expected(data: pd.DataFrame, pi0: np.ndarray) -> np.ndarray:
    """Expected composition of each document (documents x areas)."""
    eta = _logits(data, pi0)
    e = np.exp(eta - eta.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def true_effects(pi0: np.ndarray, n: int = 200_000, seed: int = SEED) -> pd.DataFrame:
    """The population effect of every term on every area's expected share: term, area, truth."""
    codes = codebook.codes()
    data = covariates(n, np.random.default_rng(seed + 1))
    rows = []
    for term in EFFECTS:
        if term in ("pilot", "region"):
            high, low = ("yes", "no") if term == "pilot" else ("west", "east")
            diff = (expected(data.assign(**{term: high}), pi0) - expected(data.assign(**{term: low}), pi0)).mean(axis=0)
        else:
            mu = expected(data, pi0)
            b = np.array([EFFECTS[term].get(c, 0.0) for c in codes])
            diff = (mu * (b[None] - (mu * b[None]).sum(axis=1, keepdims=True))).mean(axis=0)
        rows.extend({"term": term, "outcome": c, "truth": float(v)} for c, v in zip(codes, diff))
    return pd.DataFrame(rows)


def collection(n_documents: int, n_units: int, pi0: np.ndarray, rng: np.random.Generator):
    """One simulated collection: covariates (documents) and unit counts per area (documents x areas)."""
    data = covariates(n_documents, rng)
    mu = expected(data, pi0)
    counts = np.array([rng.multinomial(n_units, rng.dirichlet(CONCENTRATION * m)) for m in mu])
    return data, counts


def recovery(n_collections: int = 200, n_documents: int = 40, n_units: int = 30, seed: int = SEED,
             n_draws: int | None = None) -> dict:
    """Fit ``n_collections`` simulated collections; return coverage, null coverage, bias, timings."""
    from research import stats

    pi0, codes = base_shares(), codebook.codes()
    truth = true_effects(pi0)
    rng = np.random.default_rng(seed)
    tables, seconds = [], []
    for i in range(n_collections):
        data, counts = collection(n_documents, n_units, pi0, rng)
        start = time.perf_counter()
        table = effects_table(counts / n_units, codes, design(FORMULA, data), curve_points=0,
                              n_draws=n_draws or stats.N_DRAWS, seed=stats.SEED + i)
        seconds.append(time.perf_counter() - start)
        tables.append(table[table.kind == "effect"].assign(collection=i))
    rows = pd.concat(tables).merge(truth, on=["term", "outcome"])
    rows = rows[rows.note == ""]
    rows["covered"] = (rows.ci_low <= rows.truth) & (rows.truth <= rows.ci_high)
    real = rows[~rows.term.isin(NULL_TERMS)]
    null = rows[rows.term.isin(NULL_TERMS)]
    bias = rows.assign(error=rows.estimate - rows.truth).groupby(["term", "outcome"]).error.mean()
    marked = int(sum(len(t[(t.kind == "effect") & (t.note != "")]) for t in tables))
    return {"collections": n_collections, "documents": n_documents, "units_per_document": n_units,
            "formula": FORMULA, "concentration": CONCENTRATION, "seed": seed,
            "coverage": round(float(real.covered.mean()), 4), "coverage_intervals": int(len(real)),
            "null_includes_zero": round(float(null.covered.mean()), 4), "null_intervals": int(len(null)),
            "max_abs_bias": round(float(bias.abs().max()), 4),
            "payment_pilot_truth": round(float(truth.set_index(["term", "outcome"]).truth[("pilot", "payment")]), 4),
            "payment_pilot_mean_estimate": round(float(real[(real.term == "pilot") & (real.outcome == "payment")]
                                                       .estimate.mean()), 4),
            "coverage_by_term": {t: round(float(v), 4) for t, v in rows.groupby("term").covered.mean().items()},
            "marked_rows": marked, "seconds_per_collection": round(float(np.mean(seconds)), 3),
            "bias": {f"{t}:{o}": round(float(v), 4) for (t, o), v in bias.items()}}


def write_collection(folder, data: pd.DataFrame, counts: np.ndarray, units: pd.DataFrame, rng: np.random.Generator):
    """Write a simulated collection as documents: ``folder/doc_NNN.txt`` (each a title line, then
    gold-labelled seed units of the drawn areas as paragraphs) and ``folder/meta.csv`` (the
    covariates with the study's metadata columns).  ``units``: unit_id, label, text."""
    from pathlib import Path

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    codes = codebook.codes()
    pools = {c: units[units.label == c].text.tolist() for c in codes}
    rows = []
    for d, row in enumerate(counts):
        chosen = [pools[codes[j]][k] for j, n in enumerate(row) for k in rng.integers(0, len(pools[codes[j]]), n)]
        city = f"City{d:03d}"
        name = f"doc_{d:03d}.txt"
        (folder / name).write_text(f"{city}市医疗保障事业发展“十四五”规划\n\n" + "\n\n".join(chosen) + "\n",
                                   encoding="utf-8")
        rows.append({"file": name, "city": city, "province": "P", "year": 2022, "type": "plan",
                     **data.iloc[d].to_dict()})
    pd.DataFrame(rows).to_csv(folder / "meta.csv", index=False)
    return folder / "meta.csv"
