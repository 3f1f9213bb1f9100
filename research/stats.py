"""Every statistic with uncertainty the project reports, with one policy for random draws.

- :func:`group_means`: the mean of unit values (one-hot labels, probabilities, topic
  proportions) per group with percentile intervals, resampling units within each group
  (optionally weighted, optionally over several runs of a model);
- :func:`classification_scores`: macro-F1, accuracy and top-2 accuracy of predictors with
  intervals, resampling units (or clusters of rows, e.g. a unit's sentences) and the paired
  difference to a reference predictor on the same draws;
- :func:`share_correlation`: Pearson r between two views' group x area shares, with an interval;
- :func:`independence_test`: chi-square test of group and area with a Monte Carlo p-value,
  Cramér's V and adjusted residuals;
- :func:`coefficient_draws`: draws of a model's coefficients from the normal approximation of
  each fit (one fit, or several fits of an outcome measured with error, e.g. topic chains), for
  intervals of any function of the coefficients (the method of composition of R's ``stm``).

Random draws: every function takes ``seed`` (default :data:`SEED`) and ``n_draws`` (default
:data:`N_DRAWS`) and makes its own generator from them, so a result never depends on what ran
before it.  Intervals are 95% percentile intervals (:func:`interval`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: One seed and one number of draws for every bootstrap and Monte Carlo draw of the project.
SEED = 20211
N_DRAWS = 2000
LEVEL = 0.95
#: How :func:`interval` makes an interval, in words (captions name it).
METHOD = {"en": "bootstrap percentile", "zh": "自助法百分位"}
#: Largest number of resampled values held at once (draws x units x columns), to bound memory.
_BLOCK_VALUES = 4_000_000


def generator(seed: int = SEED) -> np.random.Generator:
    """The random generator of a statistic (a fresh one per call: results do not depend on order)."""
    return np.random.default_rng(seed)


def interval(draws, axis: int = 0, level: float = LEVEL) -> tuple[np.ndarray, np.ndarray]:
    """Percentile interval of bootstrap draws along ``axis`` (NaN draws ignored)."""
    tail = 100 * (1 - level) / 2
    low, high = np.nanpercentile(np.asarray(draws, dtype=float), [tail, 100 - tail], axis=axis)
    return low, high


def draw_counts(idx: np.ndarray, n: int) -> np.ndarray:
    """How often each of ``n`` units is drawn in each row of ``idx`` (draws x drawn positions):
    a draw's mean of unit values is then one matrix product, without copying the values drawn."""
    rows = idx.shape[0]
    flat = (np.arange(rows)[:, None] * n + idx).ravel()
    return np.bincount(flat, minlength=rows * n).reshape(rows, n).astype(float)


def group_members(groups) -> tuple[list, list[np.ndarray]]:
    """The groups of ``groups`` (one per unit) sorted as strings, and each one's unit indices in
    ascending order (missing values, None or NaN, are one group)."""
    codes, uniques = pd.factorize(np.asarray(groups, dtype=object), use_na_sentinel=False)
    rank = sorted(range(len(uniques)), key=lambda i: str(uniques[i]))
    where = np.split(np.argsort(codes, kind="stable"), np.cumsum(np.bincount(codes, minlength=len(uniques)))[:-1])
    return [uniques[i] for i in rank], [where[i] for i in rank]


# --- means per group -------------------------------------------------------------------------

def group_means(values: np.ndarray, groups, weights=None, n_draws: int = N_DRAWS,
                seed: int = SEED) -> pd.DataFrame:
    """Mean of ``values`` per group with a 95% interval from resampling units within the group.

    ``values`` is units x columns, or runs x units x columns for a model fitted several times
    (aligned runs): then the mean is over runs and units, and each draw takes one run at random
    as well as resampling units, so the interval holds the variation between runs.  ``weights``
    (one per unit, e.g. characters) weight the mean.  Returns one row per group and column:
    ``group, column, share, ci_low, ci_high, n_units`` (groups sorted).
    """
    values = np.asarray(values, dtype=float)
    runs = values if values.ndim == 3 else values[None]
    groups = np.asarray(groups)
    weights = np.ones(runs.shape[1]) if weights is None else np.asarray(weights, dtype=float)
    rng = generator(seed)
    rows = []
    for group, mask in zip(*group_members(groups)):
        block, w = runs[:, mask], weights[mask]
        n, k = block.shape[1], block.shape[2]
        point = np.einsum("n,rnk->k", w, block) / (w.sum() * len(runs))
        draws = np.empty((n_draws, k))
        step = max(1, min(n_draws, _BLOCK_VALUES // max(1, n * k)))
        for start in range(0, n_draws, step):
            size = min(step, n_draws - start)
            run = rng.integers(0, len(runs), size=size) if len(runs) > 1 else np.zeros(size, dtype=int)
            drawn = draw_counts(rng.integers(0, n, size=(size, n)), n) * w  # weight drawn per unit
            sums = np.empty((size, k))
            for r in np.unique(run):
                sums[run == r] = drawn[run == r] @ block[r]
            draws[start:start + size] = sums / drawn.sum(axis=1, keepdims=True)
        low, high = interval(draws)
        for col in range(k):
            rows.append({"group": group, "column": col, "share": point[col], "ci_low": low[col],
                         "ci_high": high[col], "n_units": int(n)})
    return pd.DataFrame(rows, columns=["group", "column", "share", "ci_low", "ci_high", "n_units"])


# --- classification scores -------------------------------------------------------------------

def _encode(values, codes: list[str]) -> np.ndarray:
    index = {c: i for i, c in enumerate(codes)}
    return np.array([index[v] for v in values], dtype=int)


def _macro_f1(confusion: np.ndarray) -> np.ndarray:
    """Macro-F1 per confusion matrix (draws x true x predicted) over labels present in truth."""
    tp = np.diagonal(confusion, axis1=1, axis2=2)
    support, predicted = confusion.sum(axis=2), confusion.sum(axis=1)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(tp.shape), where=denom > 0)
    present = support > 0
    return (f1 * present).sum(axis=1) / np.maximum(present.sum(axis=1), 1)


def _confusions(y: np.ndarray, pred: np.ndarray, weights: np.ndarray, k: int) -> np.ndarray:
    """Weighted confusion matrices, one per row of ``weights`` (draws x rows)."""
    cell = y * k + pred
    out = np.empty((len(weights), k * k))
    for d, w in enumerate(weights):
        out[d] = np.bincount(cell, weights=w, minlength=k * k)
    return out.reshape(len(weights), k, k)


def classification_scores(y, predictions: dict, codes: list[str], top2: dict | None = None,
                          clusters=None, reference: str | None = None, n_draws: int = N_DRAWS,
                          seed: int = SEED) -> pd.DataFrame:
    """Macro-F1 and accuracy (and top-2 accuracy where ``top2`` gives a predictor's hits) of
    each predictor with 95% intervals, one row per predictor.

    Draws resample ``clusters`` with replacement (default: each row its own cluster; pass a
    unit's index for its sentences, so they are drawn together); every predictor is scored on
    the same draws, so with ``reference`` the paired difference of macro-F1 to that predictor
    and its interval are given too.
    """
    y_codes = _encode(y, codes)
    clusters = np.arange(len(y_codes)) if clusters is None else np.asarray(clusters)
    ids, members = np.unique(clusters, return_inverse=True)
    counts = generator(seed).multinomial(len(ids), np.full(len(ids), 1 / len(ids)), size=n_draws)
    weights = counts[:, members].astype(float)  # draws x rows: how often each row is drawn
    k = len(codes)
    rows, f1_draws = [], {}
    for name, pred in predictions.items():
        p_codes = _encode(pred, codes)
        point = _macro_f1(_confusions(y_codes, p_codes, np.ones((1, len(y_codes))), k))[0]
        f1_draws[name] = _macro_f1(_confusions(y_codes, p_codes, weights, k))
        hit = (p_codes == y_codes).astype(float)
        acc_draws = weights @ hit / weights.sum(axis=1)
        row = {"predictor": name, "n": int(len(y_codes)), "macro_f1": float(point),
               "macro_f1_low": float(interval(f1_draws[name])[0]), "macro_f1_high": float(interval(f1_draws[name])[1]),
               "accuracy": float(hit.mean()), "accuracy_low": float(interval(acc_draws)[0]),
               "accuracy_high": float(interval(acc_draws)[1])}
        if top2 is not None and name in top2:
            hits = np.asarray(top2[name], dtype=float)
            top_draws = weights @ hits / weights.sum(axis=1)
            row.update(top2_accuracy=float(hits.mean()), top2_accuracy_low=float(interval(top_draws)[0]),
                       top2_accuracy_high=float(interval(top_draws)[1]))
        rows.append(row)
    table = pd.DataFrame(rows)
    if reference is not None:
        base = f1_draws[reference]
        table["diff_vs_reference"] = table.macro_f1 - float(table.macro_f1[table.predictor == reference].iloc[0])
        table["diff_low"] = [float(interval(f1_draws[n] - base)[0]) for n in predictions]
        table["diff_high"] = [float(interval(f1_draws[n] - base)[1]) for n in predictions]
    return table


# --- shares of two views ---------------------------------------------------------------------

def share_correlation(weights: np.ndarray, reference: np.ndarray, groups, n_draws: int = N_DRAWS,
                      seed: int = SEED) -> dict:
    """Pearson r between the group x area shares of two views of the same units (``weights``
    and ``reference``: units x areas, one-hot labels or probabilities), over all group x area
    cells, with a 95% interval from resampling units within each group (the same units for
    both views in a draw)."""
    weights, reference, groups = np.asarray(weights, float), np.asarray(reference, float), np.asarray(groups)
    in_group = group_members(groups)[1]
    point = _rowwise_r(np.concatenate([weights[m].mean(axis=0) for m in in_group])[None],
                       np.concatenate([reference[m].mean(axis=0) for m in in_group])[None])[0]
    rng = generator(seed)
    k = weights.shape[1]
    a, b = np.empty((n_draws, len(in_group) * k)), np.empty((n_draws, len(in_group) * k))
    for g, m in enumerate(in_group):  # one group's draws at a time, in blocks (those of ``rng.choice(m, ...)``)
        step = max(1, _BLOCK_VALUES // (4 * len(m)))
        for start in range(0, n_draws, step):
            drawn = draw_counts(rng.integers(0, len(m), size=(min(step, n_draws - start), len(m))), len(m)) / len(m)
            a[start:start + len(drawn), g * k:(g + 1) * k] = drawn @ weights[m]
            b[start:start + len(drawn), g * k:(g + 1) * k] = drawn @ reference[m]
    step = max(1, _BLOCK_VALUES // (8 * a.shape[1]))  # r of a block of draws at a time: its temporaries stay small
    low, high = interval(np.concatenate([_rowwise_r(a[i:i + step], b[i:i + step]) for i in range(0, n_draws, step)]))
    return {"r": float(point), "r_low": float(low), "r_high": float(high),
            "cells": int(len(in_group) * weights.shape[1])}


def _rowwise_r(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


# --- independence of group and area ----------------------------------------------------------

def independence_test(table: pd.DataFrame, n_draws: int = N_DRAWS, seed: int = SEED) -> dict:
    """Chi-square test of independence of the rows (groups) and columns (areas) of a count
    table: statistic, degrees of freedom, asymptotic and Monte Carlo p-values (permutations
    with fixed margins; the one to quote when many expected counts are below 5), Cramér's V
    and adjusted standardized residuals (|r| > 2: the group over- or under-weights the area).
    Every column is kept; a column with no count gets residuals of 0 and does not count
    towards the degrees of freedom."""
    from scipy import stats as st

    from research.errors import ResearchError

    observed = table.to_numpy(dtype=float)
    used = observed.sum(axis=0) > 0
    if observed.shape[0] < 2 or used.sum() < 2:
        raise ResearchError(f"the independence test needs at least two groups and two areas "
                            f"with units (here {observed.shape[0]} and {int(used.sum())})")
    kept = observed[:, used]
    chi2, p, dof, expected = st.chi2_contingency(kept, correction=False)
    n = kept.sum()
    r, c = kept.shape
    row = kept.sum(axis=1, keepdims=True) / n
    col = kept.sum(axis=0, keepdims=True) / n
    residuals = np.zeros_like(observed)
    residuals[:, used] = (kept - expected) / np.sqrt(expected * (1 - row) * (1 - col))
    rng = generator(seed)
    rows_idx = np.repeat(np.arange(r), kept.sum(axis=1).astype(int))
    cols_idx = np.repeat(np.arange(c), kept.sum(axis=0).astype(int))
    exceed = 0
    for _ in range(n_draws):
        perm = np.bincount(rows_idx * c + rng.permutation(cols_idx), minlength=r * c).reshape(r, c)
        exceed += float(((perm - expected) ** 2 / expected).sum()) >= chi2 - 1e-9
    return {"chi2": float(chi2), "dof": int(dof), "p_value": float(p),
            "p_value_monte_carlo": (exceed + 1) / (n_draws + 1), "n_monte_carlo": n_draws,
            "cramers_v": float(np.sqrt(chi2 / (n * (min(r, c) - 1)))), "n": int(n),
            "share_expected_below_5": float((expected < 5).mean()),
            "residuals": pd.DataFrame(residuals, index=table.index, columns=table.columns)}


# --- draws of model coefficients -------------------------------------------------------------

def coefficient_draws(means, covariances, n_draws: int = N_DRAWS, seed: int = SEED) -> np.ndarray:
    """``n_draws`` x p draws of coefficients: each draw takes one fit at random (``means``: fits x
    p, ``covariances``: fits x p x p; one fit for an outcome without measurement error) and draws
    from the normal distribution of its estimate, so the draws hold the variation between fits
    (e.g. topic-model chains) as well as each fit's sampling error."""
    means, covariances = np.asarray(means, dtype=float), np.asarray(covariances, dtype=float)
    rng = generator(seed)
    which = rng.integers(0, len(means), size=n_draws) if len(means) > 1 else np.zeros(n_draws, dtype=int)
    draws = np.empty((n_draws, means.shape[1]))
    for fit in np.unique(which):
        rows = which == fit
        draws[rows] = rng.multivariate_normal(means[fit], covariances[fit], size=int(rows.sum()),
                                              method="eigh")
    return draws


# --- resampling designs and weighted scores (validation samples) ----------------------------

def resample_counts(strata=None, n_units: int | None = None, n_draws: int = N_DRAWS,
                    seed: int = SEED) -> np.ndarray:
    """draws x units: how often each unit is drawn when units are resampled with replacement
    within each stratum (``strata``: one value per unit; None: one stratum of ``n_units``)."""
    strata = np.zeros(n_units, dtype=int) if strata is None else np.asarray(strata)
    counts = np.zeros((n_draws, len(strata)))
    rng = generator(seed)
    for stratum in sorted(pd.unique(strata), key=str):
        members = np.flatnonzero(strata == stratum)
        counts[:, members] = rng.multinomial(len(members), np.full(len(members), 1 / len(members)),
                                             size=n_draws)
    return counts


def bootstrap(statistic, n_units: int, strata=None, n_draws: int = N_DRAWS, seed: int = SEED) -> dict:
    """A statistic of units (``statistic(index)`` -> float, ``index`` the units drawn, with
    repeats) at all units and its 95% interval from resampling units (within ``strata``)."""
    counts = resample_counts(strata, n_units, n_draws, seed).astype(int)
    units = np.arange(n_units)
    draws = np.array([statistic(np.repeat(units, row)) for row in counts], dtype=float)
    low, high = interval(draws)
    return {"value": float(statistic(units)), "ci_low": float(low), "ci_high": float(high)}


def weighted_scores(y, pred, codes: list[str], weights=None, strata=None, n_draws: int = N_DRAWS,
                    seed: int = SEED) -> dict:
    """Accuracy, macro-F1 and each code's precision and recall of ``pred`` against ``y``, with
    units weighted by ``weights`` (inverse inclusion probabilities of a sample; default equal),
    each with a 95% interval from resampling units within ``strata`` (the sampling design)."""
    y_codes, p_codes = _encode(y, codes), _encode(pred, codes)
    weights = np.ones(len(y_codes)) if weights is None else np.asarray(weights, dtype=float)
    draws = resample_counts(strata, len(y_codes), n_draws, seed) * weights
    k = len(codes)
    both = _confusions(y_codes, p_codes, np.vstack([weights, draws]), k)
    tp = np.diagonal(both, axis1=1, axis2=2)
    with np.errstate(invalid="ignore", divide="ignore"):
        measures = {"accuracy": tp.sum(axis=1) / both.sum(axis=(1, 2)), "macro_f1": _macro_f1(both),
                    "precision": tp / both.sum(axis=1), "recall": tp / both.sum(axis=2)}
    out = {}
    for name, values in measures.items():
        low, high = interval(values[1:])
        if values.ndim == 1:
            out[name] = {"value": float(values[0]), "ci_low": float(low), "ci_high": float(high)}
        else:
            out[name] = {c: {"value": float(values[0, j]), "ci_low": float(low[j]), "ci_high": float(high[j])}
                         for j, c in enumerate(codes)}
    return out
