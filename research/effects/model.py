"""Covariate effects on the composition of documents (what R's ``stm`` does with ``estimateEffect``).

The outcome is each document's composition: the share of its units in each area (labels) or
its mean topic proportions (topics).  Documents, not units, are the observations, so units stay
nested in their document.  Each share is modelled by a fractional logit (Papke & Wooldridge
1996: a binomial GLM with logit link on the share, statsmodels ``GLM``) on the design matrix of
a one-sided formula (formulaic), with the sandwich covariance (HC1) of the quasi-likelihood,
which holds whatever the spread of documents around their expected share, widened to t
quantiles on n - p degrees of freedom for small collections.

Effects are read on the share scale, averaged over the documents as observed (average
predictions, as ``marginaleffects`` and ``plot.estimateEffect`` give them):

- a categorical term: the expected share at each level and each level's difference from the
  reference level (the first level);
- a numeric term: the average change of the expected share per unit of the covariate (average
  marginal effect), and the expected share along a grid of its values (a curve; averaged over a
  fixed sample of 200 documents in a larger collection, which bounds its cost).

Intervals: 95% intervals (:func:`research.stats.interval`) of these quantities over coefficient
draws from each fit's normal approximation (:func:`research.stats.coefficient_draws`); with several fits of the same
outcome (topic chains), each draw first picks a fit, so the intervals carry the topic model's
own uncertainty (the method of composition).  The simulation in :mod:`research.effects.simulate`
measures their coverage.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from research import stats
from research.errors import ResearchError

CURVE_POINTS = 21
CURVE_DOCUMENTS = 200  #: a curve averages its predictions over at most this many documents (a fixed sample)
MIN_DOCUMENTS = 10  #: fewer documents than this at a level (or off a numeric term's mode): row marked


@dataclass
class Design:
    """A one-sided formula's design on the documents' covariates."""

    spec: object
    X: np.ndarray
    data: pd.DataFrame
    variables: list[tuple[str, str, list]] = field(default_factory=list)  #: (name, kind, levels or [])

    def matrix(self, data: pd.DataFrame) -> np.ndarray:
        """The design matrix of ``data`` under the fitted formula (same levels, same transforms)."""
        return np.asarray(self.spec.get_model_matrix(data), dtype=float)


def design(formula: str, data: pd.DataFrame) -> Design:
    """Parse ``formula`` ("~ region + pilot + year") with formulaic on ``data`` (one row per
    document, typed covariates, no missing values in the columns it uses)."""
    from formulaic import model_matrix
    from formulaic.errors import FormulaicError

    text = formula.strip()
    if not text.startswith("~"):
        raise ResearchError(f"--effects {formula!r}: write a one-sided formula such as '~ region + year' "
                            "(the outcome is each area's or topic's share)")
    try:
        matrix = model_matrix(text, data, na_action="raise")
    except FormulaicError as err:
        message = str(err).split("[", 1)[-1].rstrip("]") if "[" in str(err) else str(err)
        raise ResearchError(f"--effects {formula!r}: {message} (covariates: {', '.join(map(str, data.columns))})") from None
    spec = matrix.model_spec
    variables = []
    for name in sorted(spec.variables_by_source.get("data", set()), key=lambda v: (text.find(v), v)):
        categorical = [state for factor, (kind, state) in spec.encoder_state.items()
                       if kind.value == "categorical" and _mentions(factor, name)]
        if categorical or not pd.api.types.is_numeric_dtype(data[name]):
            variables.append((name, "categorical", sorted(pd.unique(data[name]), key=_level_key)))
        else:
            variables.append((name, "numeric", []))
    X = np.asarray(matrix, dtype=float)
    if np.linalg.matrix_rank(X) < X.shape[1]:
        raise ResearchError(f"--effects {formula!r}: the terms are collinear on these documents "
                            f"({X.shape[1]} columns, rank {np.linalg.matrix_rank(X)}); drop or merge a term")
    return Design(spec, X, data, variables)


def _mentions(factor: str, name: str) -> bool:
    import re

    return re.search(rf"(?<![\w.]){re.escape(name)}(?![\w])", factor) is not None


def _level_key(value):
    return (0, float(value), "") if isinstance(value, (int, float, np.number)) else (1, 0.0, str(value))


def fit_share(y: np.ndarray, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Fractional logit of the shares ``y`` (documents) on ``X``: coefficients and their HC1
    sandwich covariance.  Raises ResearchError when the fit does not converge."""
    from statsmodels.genmod import families
    from statsmodels.genmod.generalized_linear_model import GLM
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # separation, domain warnings: judged below by the result
        try:
            result = GLM(y, X, family=families.Binomial()).fit(cov_type="HC1", maxiter=100)
        except (np.linalg.LinAlgError, ValueError, PerfectSeparationWarning) as err:
            raise ResearchError(f"the fit failed: {err}") from None
    n, p = X.shape
    # small-sample correction: intervals as wide as t quantiles on n - p degrees of freedom give
    from scipy.stats import norm, t

    cov = np.asarray(result.cov_params(), dtype=float) * (t.ppf(0.975, max(n - p, 1)) / norm.ppf(0.975)) ** 2
    if not result.converged or not np.all(np.isfinite(cov)) or not np.all(np.isfinite(result.params)):
        raise ResearchError("the fit did not converge")
    return np.asarray(result.params, dtype=float), cov


def _expit(z):
    from scipy.special import expit

    return expit(z)


@dataclass
class Quantity:
    """One reported quantity: the average prediction over documents of ``plus`` (minus that of
    ``minus``), divided by ``scale``."""

    kind: str  #: "effect", "level" or "curve"
    term: str
    contrast: str
    plus: np.ndarray
    minus: np.ndarray | None = None
    scale: float = 1.0
    n_documents: int = 0
    few: bool = False
    value: float = np.nan

    def compute(self, average: Averages) -> np.ndarray:
        """The quantity for each row of the coefficients ``average`` holds."""
        out = average(self.plus)
        if self.minus is not None:
            out = out - average(self.minus)
        return out / self.scale


class Averages:
    """Mean over documents of the expected share, ``expit(M @ b)``, for each row ``b`` of
    ``betas`` (draws x p), once per design matrix ``M``; a matrix that differs from the design
    ``X`` in a few columns starts from ``X @ betas.T`` (a counterfactual changes one variable)."""

    def __init__(self, X: np.ndarray, betas: np.ndarray):
        self.X, self.betas = X, betas
        self.base = X @ betas.T
        self.cache: dict[int, np.ndarray] = {}

    def __call__(self, M: np.ndarray) -> np.ndarray:
        key = id(M)
        if key not in self.cache:
            if M.shape == self.X.shape:
                cols = np.flatnonzero(np.any(M != self.X, axis=0))
                eta = self.base + (M[:, cols] - self.X[:, cols]) @ self.betas[:, cols].T
            else:
                eta = M @ self.betas.T
            self.cache[key] = _expit(eta).mean(axis=0)
        return self.cache[key]


def quantities(d: Design, min_documents: int = MIN_DOCUMENTS, curve_points: int = CURVE_POINTS) -> list[Quantity]:
    """Every effect, level and curve point of the design's variables (module docstring)."""
    out = []
    for name, kind, levels in d.variables:
        column = d.data[name]
        if kind == "categorical":
            counts = column.value_counts()
            matrices = {level: d.matrix(d.data.assign(**{name: level})) for level in levels}
            reference = levels[0]
            for level in levels:
                n = int(counts.get(level, 0))
                out.append(Quantity("level", name, str(level), matrices[level], n_documents=n,
                                    few=n < min_documents))
                if level != reference:
                    few = min(n, int(counts.get(reference, 0))) < min_documents
                    out.append(Quantity("effect", name, f"{level} − {reference}", matrices[level],
                                        matrices[reference], n_documents=n, few=few))
        else:
            values = column.to_numpy(dtype=float)
            spread = float(np.std(values)) or 1.0
            h = 1e-3 * spread
            off_mode = int((values != pd.Series(values).mode().iloc[0]).sum())
            out.append(Quantity("effect", name, "per unit", d.matrix(d.data.assign(**{name: values + h})),
                                d.matrix(d.data.assign(**{name: values - h})), scale=2 * h,
                                n_documents=len(values), few=off_mode < min_documents or len(values) < 2 * min_documents))
            sample = d.data
            if len(sample) > CURVE_DOCUMENTS:
                sample = sample.iloc[np.sort(stats.generator().choice(len(sample), CURVE_DOCUMENTS, replace=False))]
            for point in np.linspace(values.min(), values.max(), curve_points):
                out.append(Quantity("curve", name, "", d.matrix(sample.assign(**{name: point})),
                                    n_documents=len(values), value=float(point)))
    return out


def outcome_effects(shares: np.ndarray, d: Design, wanted: list[Quantity], n_draws: int = stats.N_DRAWS,
                    seed: int = stats.SEED) -> list[dict]:
    """The ``wanted`` quantities for one outcome: ``shares`` is fits x documents (one fit for
    labels, one per chain for topics).  Returns one row per quantity; a failed fit gives rows
    with a ``note`` and no numbers."""
    fits = []
    for y in np.atleast_2d(shares):
        try:
            fits.append(fit_share(np.clip(y, 0.0, 1.0), d.X))
        except ResearchError as err:
            return [_row(q, np.nan, np.nan, np.nan, f"not estimable: {err}") for q in wanted]
    means = np.array([b for b, _ in fits])
    draws = stats.coefficient_draws(means, np.array([c for _, c in fits]), n_draws=n_draws, seed=seed)
    rows, at_means, at_draws = [], Averages(d.X, means), Averages(d.X, draws)
    for q in wanted:
        point = float(np.mean(q.compute(at_means)))
        low, high = stats.interval(q.compute(at_draws))
        if q.few:
            rows.append(_row(q, point, np.nan, np.nan, f"few documents (fewer than {MIN_DOCUMENTS} per level): "
                                                        "no interval"))
        else:
            rows.append(_row(q, point, float(low), float(high), ""))
    return rows


def _row(q: Quantity, estimate, low, high, note: str) -> dict:
    return {"kind": q.kind, "term": q.term, "contrast": q.contrast, "value": q.value, "estimate": estimate,
            "ci_low": low, "ci_high": high, "n_documents": q.n_documents, "note": note}


def effects_table(compositions: np.ndarray, outcomes: list[str], d: Design, n_draws: int = stats.N_DRAWS,
                  seed: int = stats.SEED, min_documents: int = MIN_DOCUMENTS,
                  curve_points: int = CURVE_POINTS) -> pd.DataFrame:
    """Every quantity for every outcome.  ``compositions``: fits x documents x outcomes (or
    documents x outcomes).  An outcome no document has is reported as not estimable."""
    compositions = np.asarray(compositions, dtype=float)
    runs = compositions if compositions.ndim == 3 else compositions[None]
    wanted = quantities(d, min_documents, curve_points)
    rows = []
    for j, outcome in enumerate(outcomes):
        shares = runs[:, :, j]
        if not np.any(shares > 0):
            part = [_row(q, np.nan, np.nan, np.nan, "not estimable: no document has it") for q in wanted]
        else:
            part = outcome_effects(shares, d, wanted, n_draws, seed)
        rows.extend({"outcome": outcome, **r} for r in part)
    return pd.DataFrame(rows)
