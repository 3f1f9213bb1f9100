"""Area shares corrected for the misclassification measured on a validated random sample.

The sample gives, for each unit, the true code ``y``, the classifier's label and probabilities,
and its weight (inverse inclusion probability).  For the units of a group the classifier gives
labels and probabilities; their shares are corrected by one of:

- ``ratio`` (default): post-stratification on the predicted label (calibrated classify and
  count): share_i = sum_j q_j P(true i | predicted j), with q the group's predicted shares and
  P estimated on the sample.  It assumes the sample and the group share P(true | predicted),
  as a random sample of the same collection does, and inverts nothing;
- ``acc``: adjusted classify and count (Forman 2008): q = M'p with M_ij = P(predicted j |
  true i) measured on the sample, solved for p >= 0 summing to 1 (non-negative least
  squares); it assumes P(predicted | true) is shared (Hopkins and King 2010 for the idea);
- ``pacc``: its probabilistic form (Bella et al. 2010): M_ij the mean probability of j over
  the sample's units of true code i, q the group's mean probabilities.

Codes never seen in the sample's truth cannot be estimated by ``acc``/``pacc`` (share 0);
``ratio`` keeps a predicted label the sample never shows as it is.  Intervals: each of the
``n_draws`` draws resamples the validation sample within its strata (the uncertainty of the
measured confusion) and the group's units (:func:`research.stats.resample_counts`); 95%
intervals (:func:`research.stats.interval`).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.optimize import nnls

from research import stats

METHODS = ("ratio", "difference", "pdifference", "acc", "pacc")


def _onehot(index: np.ndarray, k: int) -> np.ndarray:
    return np.eye(k)[index]


def _solve(M: np.ndarray, q: np.ndarray) -> np.ndarray:
    """p >= 0, sum 1, minimising |M'p - q| (codes with an empty row of M get 0)."""
    seen = M.sum(axis=1) > 0
    p = np.zeros(len(M))
    if seen.any():
        A = np.vstack([M[seen].T, 10.0 * np.ones(seen.sum())])
        sol = nnls(A, np.append(q, 10.0))[0]
        p[seen] = sol / sol.sum() if sol.sum() > 0 else sol
    return p


def _estimate(method: str, y, pred, proba, w, q_label, q_proba) -> np.ndarray:
    """Corrected shares (groups x codes) for one weighting ``w`` of the sample."""
    k = proba.shape[1]
    Y = _onehot(y, k) * w[:, None]
    if method == "ratio":
        joint = _onehot(pred, k).T @ Y  # predicted j x true i
        rows = joint.sum(axis=1, keepdims=True)
        rates = np.where(rows > 0, joint / np.where(rows > 0, rows, 1), np.eye(k))
        return q_label @ rates
    if method == "difference":
        return q_label + ((Y - _onehot(pred, k) * w[:, None]).sum(axis=0) / w.sum())[None]
    if method == "pdifference":
        return q_proba + ((Y - proba * w[:, None]).sum(axis=0) / w.sum())[None]
    if method == "acc":
        M, q = Y.T @ _onehot(pred, k), q_label
    else:
        M, q = Y.T @ proba, q_proba
    M = M / np.maximum(M.sum(axis=1, keepdims=True), 1e-300)
    return np.array([_solve(M, row) for row in q])


def corrected_shares(sample: dict, target: dict, method: str = "ratio", n_draws: int = stats.N_DRAWS,
                     seed: int = stats.SEED) -> dict:
    """Corrected shares of each group of ``target`` with 95% intervals.

    ``sample``: ``y`` and ``pred`` (code indices), ``proba`` (units x codes), ``weights`` and
    ``strata``; ``target``: ``pred``, ``proba`` and ``groups`` (0..G-1).  Returns ``share``,
    ``ci_low``, ``ci_high`` (groups x codes) and the uncorrected ``count`` and ``probability``
    shares."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    y, pred, proba = (np.asarray(sample[k]) for k in ("y", "pred", "proba"))
    w = np.asarray(sample["weights"], dtype=float)
    k = proba.shape[1]
    groups = np.asarray(target["groups"])
    G = _onehot(groups, target.get("n_groups", groups.max() + 1))
    t_label, t_proba = _onehot(np.asarray(target["pred"]), k), np.asarray(target["proba"], dtype=float)

    def group_shares(counts):
        size = np.maximum(counts @ G, 1e-300)[:, None]  # a group without units gets shares of 0
        return (G * counts[:, None]).T @ t_label / size, (G * counts[:, None]).T @ t_proba / size

    ones = np.ones(len(groups))
    q_label, q_proba = group_shares(ones)
    point = _estimate(method, y, pred, proba, w, q_label, q_proba)
    s_draws = stats.resample_counts(sample.get("strata"), len(y), n_draws, seed)
    t_draws = stats.resample_counts(groups, len(groups), n_draws, seed + 1)
    draws = np.array([_estimate(method, y, pred, proba, w * s, *group_shares(t))
                      for s, t in zip(s_draws, t_draws)])
    low, high = stats.interval(draws)
    return {"share": point, "ci_low": low, "ci_high": high, "count": q_label, "probability": q_proba}


def shares_table(result: dict, group_names: list, codes: list[str], method: str) -> pd.DataFrame:
    """``group, area, uncorrected_count, uncorrected_probability, corrected, ci_low, ci_high, method``."""
    rows = [{"group": g, "area": c, "uncorrected_count": result["count"][i, j],
             "uncorrected_probability": result["probability"][i, j], "corrected": result["share"][i, j],
             "ci_low": result["ci_low"][i, j], "ci_high": result["ci_high"][i, j], "method": method}
            for i, g in enumerate(group_names) for j, c in enumerate(codes)]
    return pd.DataFrame(rows)
