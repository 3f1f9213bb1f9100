"""A collection's confusion, P(true code | predicted code), from its validated sample and an
empirical-Bayes prior learnt from the model's held-out predictions (the ``hierarchical``
correction of :mod:`research.validate.correct`).

Each row ``j`` of a city's confusion is taken as a draw from ``Dirichlet(alpha m_j)``:

- ``m_j``: the row pooled over the reference cities (every training unit predicted by the
  model trained without its city, ``loco_predictions.csv``), with one unit of pseudo-count
  spread evenly over the codes so that no code is impossible;
- ``alpha``: how closely cities follow ``m``, the maximum of the reference cities' own
  Dirichlet-multinomial likelihood (their between-city heterogeneity; Minka 2000), learnt
  without the user's sample.

The sample's counts ``n_j`` (in units: its weights scaled to its size) update the prior: the
posterior of row ``j`` is ``Dirichlet(alpha m_j + n_j)``, whose mean ``(n_j + alpha m_j) /
(|n_j| + alpha)`` moves from the reference toward the sample as the sample grows, and as far as
cities are seen to differ.  Draws of the posterior (:func:`rates` with ``rng``) carry both the
sample's noise and the city's own departure from ``m``.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import gammaln

#: The range searched for ``alpha`` (natural log): from a tenth of a unit to 10,000 units per row.
LOG_ALPHA = (np.log(0.1), np.log(1e4))


def joints(pred: np.ndarray, y: np.ndarray, weights: np.ndarray, strata: np.ndarray, k: int) -> np.ndarray:
    """Per stratum the weighted counts of (predicted j, true i): strata x k x k."""
    names = sorted(set(strata.tolist()), key=str)
    out = np.zeros((len(names), k, k))
    for s, name in enumerate(names):
        keep = strata == name
        np.add.at(out[s], (pred[keep], y[keep]), weights[keep])
    return out


def prior_mean(reference: np.ndarray) -> np.ndarray:
    """``m``: the reference cities' rows pooled, one unit of pseudo-count spread over the codes."""
    pooled = reference.sum(axis=0)
    k = pooled.shape[1]
    return (pooled + 1 / k) / (pooled.sum(axis=1, keepdims=True) + 1)


def concentration(reference: np.ndarray, m: np.ndarray) -> float:
    """``alpha`` maximising the Dirichlet-multinomial likelihood of the reference cities' rows
    under ``Dirichlet(alpha m_j)`` (rows without units add nothing)."""
    totals = reference.sum(axis=2)

    def minus_loglik(log_alpha: float) -> float:
        a = np.exp(log_alpha) * m
        rows = (gammaln(a.sum(axis=1)) - gammaln(totals + a.sum(axis=1))
                + (gammaln(reference + a) - gammaln(a)).sum(axis=2))
        return -float(rows.sum())

    return float(np.exp(minimize_scalar(minus_loglik, bounds=LOG_ALPHA, method="bounded",
                                         options={"xatol": 1e-6}).x))


def rates(sample_joint: np.ndarray, reference: np.ndarray, rng: np.random.Generator | None = None) -> tuple:
    """P(true i | predicted j) (k x k, rows j) and ``alpha``: the posterior mean, or with ``rng``
    one draw of the posterior, given the sample's counts (k x k, predicted j x true i) and the
    reference cities' (cities x k x k)."""
    m = prior_mean(reference)
    alpha = concentration(reference, m)
    posterior = sample_joint + alpha * m
    if rng is None:
        return posterior / posterior.sum(axis=1, keepdims=True), alpha
    return np.array([rng.dirichlet(row) for row in posterior]), alpha
