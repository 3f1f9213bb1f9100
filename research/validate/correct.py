"""Area shares corrected for the misclassification measured on a validated random sample.

The sample gives, for each unit, the true code ``y``, the classifier's label and probabilities,
and its weight (inverse inclusion probability).  For the units of a group the classifier gives
labels and probabilities; their shares are corrected by one of:

- ``composite`` (default): the uncorrected count shares moved toward the ``ratio`` shares by a
  data-determined weight (James-Stein / composite estimation of small areas, Schaible 1979):
  with ``d`` the group's correction (``ratio`` minus count, a vector over codes) and ``V`` the
  bootstrap covariance of ``d`` over the same draws, ``share = count + w d`` with
  ``w = max(0, 1 - tr(V) / |d|^2)``, the plug-in estimate of the weight that minimises the
  expected squared error ``E|w d - delta|^2 = w^2 tr(V) + (1 - w)^2 |delta|^2`` (``delta`` the
  true correction; ``|d|^2 - tr(V)`` estimates ``|delta|^2``).  No free parameter: a correction
  that is small against its own noise is dropped (``w`` = 0), a large precise one kept
  (``w`` near 1).  Its interval is the ``ratio`` interval widened to hold the point: the
  shrunk estimator's own draws centre on the uncorrected shares and would not carry the bias
  they keep, so the interval stays that of the unshrunk correction;
- ``ratio``: post-stratification on the predicted label (calibrated classify and
  count): share_i = sum_j q_j P(true i | predicted j), with q the group's predicted shares and
  P estimated on the sample.  It assumes the sample and the group share P(true | predicted),
  as a random sample of the same collection does, and inverts nothing;
- ``acc``: adjusted classify and count (Forman 2008): q = M'p with M_ij = P(predicted j |
  true i) measured on the sample, solved for p >= 0 summing to 1 (non-negative least
  squares); it assumes P(predicted | true) is shared (Hopkins and King 2010 for the idea);
- ``pacc``: its probabilistic form (Bella et al. 2010): M_ij the mean probability of j over
  the sample's units of true code i, q the group's mean probabilities;
- ``temperature``: the classifier's probabilities recalibrated by one temperature (Guo et al.
  2017), ``p^b`` renormalised with ``b`` minimising the sample's weighted log-loss (convex in
  ``b``; Newton's method, ``b`` in [0.01, 100]), then averaged over the group's units
  (probabilistic classify and count with calibrated probabilities);
- ``calibrated``: ``temperature`` with the temperature fitted on the sample pooled with the
  model's own held-out predictions (``reference``: the units of its training data, each
  predicted by the model trained without its city, ``loco_predictions.csv``), every unit
  counting once (the sample's weights scaled to its size).  The held-out predictions say how
  over- or under-confident the model is on a city it has not seen; the sample adds how it
  fares on this collection.  Calibrated probabilities averaged are the expected shares given
  the classifier's output, with no noisy matrix to estimate or invert: one parameter, pinned by
  hundreds of units.  Without a reference it is ``temperature``;
- ``hierarchical``: ``ratio`` with P(true | predicted) from an empirical-Bayes prior learnt on
  the model's held-out predictions (``reference``), updated by the sample
  (:mod:`research.validate.prior`): the prior's mean is the confusion of the cities the model
  was not trained on, its strength how much those cities' confusions differ from each other;
- ``bayes``: ``ratio`` with a Dirichlet prior on P(true | predicted j) centred on the
  classifier's mean probabilities over the collection's units predicted j, with the weight of
  one unit (a unit-information prior, Kass and Wasserman 1995), fixed before any result.

Chosen before the simulation was run (``validate simulate`` reports every method): ``composite``
is the default because its weight is the plug-in of the weight that minimises the squared error
of a combination of the two estimates it combines, so it should err less than ``ratio`` and
than the uncorrected count unless ``|d|^2`` estimates the true correction badly (small
samples), and its interval is at least as wide as ``ratio``'s, whose coverage the simulation
measures.

``calibrated`` was added after the simulation had shown every earlier correction erring more
than the count.  The rule written with it, before it was simulated: it becomes the default if
its pooled mean absolute error is below the count's and its intervals cover at least 0.90 of
the cells; otherwise ``composite`` stays the default.  It did not meet the rule (mean absolute error
0.0286 against the count's 0.0267, coverage 0.861); ``hierarchical`` was then added under the
same rule, also before it was simulated.

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

from research import codebook, stats
from research.validate import DEFAULT, METHODS  # noqa: F401  (re-exported: correct.METHODS)

#: Weight of the ``bayes`` prior, in units per predicted code (a unit-information prior).
PRIOR_UNITS = 1.0
#: Range of the ``temperature`` method's exponent ``b`` (``p^b``), and Newton's iterations.
BETA_RANGE, NEWTON_STEPS = (0.01, 100.0), 50


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


def _sharpen(logp: np.ndarray, beta) -> np.ndarray:
    """Probabilities ``p^beta`` renormalised (``logp``: units x codes; ``beta``: a number, or
    one per row of a leading axis)."""
    z = np.multiply.outer(np.asarray(beta, dtype=float), logp)
    z = np.exp(z - z.max(axis=-1, keepdims=True))
    return z / z.sum(axis=-1, keepdims=True)


def temperatures(logp: np.ndarray, y: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """For each row of ``weights`` (draws x units) the exponent ``b`` minimising the weighted
    log-loss of ``p^b`` renormalised: Newton's method on a convex function of ``b``."""
    weights = np.atleast_2d(weights)
    beta = np.ones(len(weights))
    s_y = logp[np.arange(len(y)), y]
    low, high = BETA_RANGE
    for _ in range(NEWTON_STEPS):
        p = _sharpen(logp, beta)  # draws x units x codes
        mean = (p * logp).sum(axis=-1)
        grad = (weights * (mean - s_y)).sum(axis=1)
        hess = (weights * ((p * logp ** 2).sum(axis=-1) - mean ** 2)).sum(axis=1)
        step = np.where(hess > 1e-12, grad / np.maximum(hess, 1e-12), -np.sign(grad) * beta)
        new = np.clip(beta - np.clip(step, -3 * beta, 3 * beta), low, high)
        if np.allclose(new, beta, rtol=1e-9, atol=0):
            break
        beta = new
    return beta


class _Target:
    """The target's units under one weighting ``counts`` (1 each, or a bootstrap draw): each
    group's mean of unit values (``mean``), of labels (``label``) and probabilities (``proba``),
    and the mean probabilities over the units predicted each code, all groups (``prior``)."""

    def __init__(self, onehot_groups, label, proba, counts):
        self.G, self.t_label, self.t_proba, self.counts = onehot_groups, label, proba, counts
        self.size = np.maximum(counts @ onehot_groups, 1e-300)[:, None]  # a group without units: 0
        self.label, self.proba = self.mean(label), self.mean(proba)

    def mean(self, values: np.ndarray) -> np.ndarray:
        return (self.G * self.counts[:, None]).T @ values / self.size

    def prior(self) -> np.ndarray:
        by_label = (self.t_label * self.counts[:, None]).T @ self.t_proba
        seen = by_label.sum(axis=1, keepdims=True)
        return np.where(seen > 0, by_label / np.where(seen > 0, seen, 1), np.eye(len(by_label)))


def _estimate(method: str, y, pred, proba, w, target: _Target, logp=None, beta=None) -> np.ndarray:
    """Corrected shares (groups x codes) for one weighting ``w`` of the sample and one of the
    target; ``beta``: the fitted temperature (``temperature``) or confusion (``hierarchical``)."""
    k = proba.shape[1]
    if method == "hierarchical":
        return target.label @ beta
    Y = _onehot(y, k) * w[:, None]
    if method in ("ratio", "bayes"):
        joint = _onehot(pred, k).T @ Y  # predicted j x true i
        if method == "bayes":  # in units: the sample's weights scaled to its size
            joint = joint * len(y) / w.sum() + PRIOR_UNITS * target.prior()
        rows = joint.sum(axis=1, keepdims=True)
        rates = np.where(rows > 0, joint / np.where(rows > 0, rows, 1), np.eye(k))
        return target.label @ rates
    if method == "temperature":
        return target.mean(_sharpen(logp, beta))
    if method == "difference":
        return target.label + ((Y - _onehot(pred, k) * w[:, None]).sum(axis=0) / w.sum())[None]
    if method == "pdifference":
        return target.proba + ((Y - proba * w[:, None]).sum(axis=0) / w.sum())[None]
    if method == "acc":
        M, q = Y.T @ _onehot(pred, k), target.label
    else:
        M, q = Y.T @ proba, target.proba
    M = M / np.maximum(M.sum(axis=1, keepdims=True), 1e-300)
    return np.array([_solve(M, row) for row in q])


def shrinkage_weights(d: np.ndarray, d_draws: np.ndarray) -> np.ndarray:
    """Per group the composite weight ``max(0, 1 - tr(V) / |d|^2)``: ``d`` groups x codes (the
    correction), ``d_draws`` draws x groups x codes (its bootstrap draws, giving ``V``)."""
    trace = np.nanvar(d_draws, axis=0, ddof=1).sum(axis=-1)
    size = (d ** 2).sum(axis=-1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(size > 0, np.clip(1 - trace / size, 0, 1), 0.0)


def corrected_shares(sample: dict, target: dict, method: str = DEFAULT, n_draws: int = stats.N_DRAWS,
                     seed: int = stats.SEED, reference: dict | None = None) -> dict:
    """Corrected shares of each group of ``target`` with 95% intervals.

    ``sample``: ``y`` and ``pred`` (code indices), ``proba`` (units x codes), ``weights`` and
    ``strata``; ``target``: ``pred``, ``proba`` and ``groups`` (0..G-1); ``reference``
    (``calibrated``, ``hierarchical``): the model's held-out predictions, ``y``, ``pred``, ``proba``
    and ``strata`` (their cities, resampled within).  Returns ``share``,
    ``ci_low``, ``ci_high`` (groups x codes) and the uncorrected ``count`` and ``probability``
    shares; ``composite`` also its ``weight`` per group."""
    if method not in METHODS:
        raise ValueError(f"method must be one of {METHODS}")
    y, pred, proba = (np.asarray(sample[k]) for k in ("y", "pred", "proba"))
    w = np.asarray(sample["weights"], dtype=float)
    k = proba.shape[1]
    groups = np.asarray(target["groups"])
    G = _onehot(groups, target.get("n_groups", groups.max() + 1))
    t_label, t_proba = _onehot(np.asarray(target["pred"]), k), np.asarray(target["proba"], dtype=float)
    logp = np.log(np.clip(t_proba, 1e-6, None))

    def at(counts):
        return _Target(G, t_label, t_proba, counts)

    base = {"composite": "ratio", "calibrated": "temperature"}.get(method, method)
    s_draws = stats.resample_counts(sample.get("strata"), len(y), n_draws, seed)
    t_draws = [at(t) for t in stats.resample_counts(groups, len(groups), n_draws, seed + 1)]
    betas = [None] * (n_draws + 1)
    if base == "temperature":
        logp_s, y_s, weights = np.log(np.clip(proba, 1e-6, None)), y, np.vstack([w, w * s_draws])
        if method == "calibrated" and reference is not None:
            r_y, r_proba = np.asarray(reference["y"]), np.asarray(reference["proba"], dtype=float)
            r_draws = stats.resample_counts(reference.get("strata"), len(r_y), n_draws, seed + 2)
            logp_s = np.vstack([logp_s, np.log(np.clip(r_proba, 1e-6, None))])
            y_s = np.concatenate([y, r_y])
            weights = np.hstack([weights * len(y) / w.sum(), np.vstack([np.ones(len(r_y)), r_draws])])
        betas = temperatures(logp_s, y_s, weights)
    if method == "hierarchical":
        betas, alpha = _hierarchical(y, pred, w, reference, s_draws, seed, k)
    whole = at(np.ones(len(groups)))
    point = _estimate(base, y, pred, proba, w, whole, logp, betas[0])
    draws = np.array([_estimate(base, y, pred, proba, w * s, t, logp, b)
                      for s, t, b in zip(s_draws, t_draws, betas[1:])])
    low, high = stats.interval(draws)
    out = {"count": whole.label, "probability": whole.proba}
    if base == "temperature":
        out["temperature"] = float(betas[0])
    if method == "hierarchical":
        out["prior_units"] = alpha
    if method == "composite":
        weight = shrinkage_weights(point - whole.label, draws - np.array([t.label for t in t_draws]))
        point = whole.label + weight[:, None] * (point - whole.label)
        low, high = np.minimum(low, point), np.maximum(high, point)
        out["weight"] = weight
    return {"share": point, "ci_low": low, "ci_high": high, **out}


def _hierarchical(y, pred, w, reference: dict | None, s_draws: np.ndarray, seed: int, k: int) -> tuple[list, float]:
    """The ``hierarchical`` confusion: the posterior mean, then one posterior draw per bootstrap
    draw (the reference resampled within its cities, the sample within its strata); and the
    prior's strength in units per predicted code."""
    from research.validate import prior

    if reference is None:
        raise ValueError("hierarchical needs the model's held-out predictions (reference)")
    r_y, r_pred = np.asarray(reference["y"]), np.asarray(reference["pred"])
    strata = np.asarray(reference.get("strata", np.zeros(len(r_y))))
    r_draws = stats.resample_counts(strata, len(r_y), len(s_draws), seed + 2)
    units = w * len(y) / w.sum()
    rng = stats.generator(seed + 3)

    def sample_joint(weights):
        return _onehot(pred, k).T @ (_onehot(y, k) * weights[:, None])

    point, alpha = prior.rates(sample_joint(units), prior.joints(r_pred, r_y, np.ones(len(r_y)), strata, k))
    drawn = [prior.rates(sample_joint(units * s), prior.joints(r_pred, r_y, r, strata, k), rng)[0]
             for s, r in zip(s_draws, r_draws)]
    return [point, *drawn], alpha


def reference_predictions(loco: pd.DataFrame) -> dict:
    """The ``reference`` of ``calibrated`` and ``hierarchical`` from held-out predictions
    (:func:`research.validate.design.read_loco`: ``gold``, ``classifier_label``, ``city``, ``p_<code>``)."""
    codes = codebook.codes()
    index = {c: i for i, c in enumerate(codes)}
    return {"y": loco.gold.map(index).to_numpy(dtype=int), "pred": loco.classifier_label.map(index).to_numpy(dtype=int),
            "proba": loco[[f"p_{c}" for c in codes]].to_numpy(dtype=float), "strata": loco.city.to_numpy()}


def shares_table(result: dict, group_names: list, codes: list[str], method: str) -> pd.DataFrame:
    """``group, area, uncorrected_count, uncorrected_probability, corrected, ci_low, ci_high, method``,
    and ``weight`` (the share of the ``ratio`` correction kept) for ``composite``."""
    rows = [{"group": g, "area": c, "uncorrected_count": result["count"][i, j],
             "uncorrected_probability": result["probability"][i, j], "corrected": result["share"][i, j],
             "ci_low": result["ci_low"][i, j], "ci_high": result["ci_high"][i, j], "method": method,
             **({"weight": result["weight"][i]} if "weight" in result else {})}
            for i, g in enumerate(group_names) for j, c in enumerate(codes)]
    return pd.DataFrame(rows)
