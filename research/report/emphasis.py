"""Each city's emphasis across the framework, with bootstrap intervals and an independence test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from research import codebook

N_BOOT, SEED = 2000, 20_211
N_MONTE_CARLO = 2000


def _chi2(observed: np.ndarray, expected: np.ndarray) -> float:
    """Pearson's statistic; margins are fixed under permutation, so ``expected`` is too."""
    return float(((observed - expected) ** 2 / expected).sum())


def indicator_matrix(labels: pd.Series, codes: list[str] | None = None) -> np.ndarray:
    codes = codes or codebook.codes()
    return np.stack([(labels.to_numpy() == c).astype(float) for c in codes], axis=1)


def shares_with_ci(units: pd.DataFrame, values: np.ndarray, weight: str | None = None,
                   n_boot: int = N_BOOT, seed: int = SEED, by: str = "city") -> pd.DataFrame:
    """Share of each area per group (column ``by``; rows of ``values`` are units, columns
    areas; a row may be a one-hot label or a probability vector), weighted by units or by
    ``weight`` (e.g. n_chars), with 95% percentile intervals from resampling units within
    each group.  Draws are made in blocks, so memory stays bounded for large groups."""
    codes = codebook.codes()
    rng = np.random.default_rng(seed)
    rows = []
    for group in sorted(units[by].unique()):
        mask = (units[by] == group).to_numpy()
        v = values[mask]
        n = len(v)
        w = units.loc[mask, weight].to_numpy(dtype=float) if weight else np.ones(n)
        point = (v * w[:, None]).sum(axis=0) / w.sum()
        block = max(1, min(n_boot, 4_000_000 // max(1, n * v.shape[1])))
        boot = np.empty((n_boot, v.shape[1]))
        for start in range(0, n_boot, block):
            idx = rng.integers(0, n, size=(min(block, n_boot - start), n))
            wb = w[idx]
            boot[start:start + len(idx)] = np.einsum("bn,bnk->bk", wb, v[idx]) / wb.sum(axis=1, keepdims=True)
        low, high = np.percentile(boot, [2.5, 97.5], axis=0)
        for k, code in enumerate(codes):
            rows.append({by: group, "area": code, "share": point[k], "ci_low": low[k],
                         "ci_high": high[k], "n_units": int(n)})
    return pd.DataFrame(rows)


def contingency(units: pd.DataFrame, label: str = "label", by: str = "city") -> pd.DataFrame:
    """Unit counts, group by area."""
    return pd.crosstab(units[by], units[label]).reindex(columns=codebook.codes(), fill_value=0)


def independence_test(table: pd.DataFrame) -> dict:
    """Chi-square test of independence of group (rows, e.g. city) and area, Cramér's V,
    adjusted standardized residuals (|r| > 2: the group over- or under-weights the area),
    the small-count check and a Monte Carlo p-value (fixed seed; the one to quote when many
    expected counts are below 5)."""
    from research.errors import ResearchError

    observed = table.to_numpy(dtype=float)
    keep = observed.sum(axis=0) > 0
    observed = observed[:, keep]
    if observed.shape[0] < 2 or observed.shape[1] < 2:
        raise ResearchError(f"the independence test needs at least two groups and two areas "
                            f"with units (here {observed.shape[0]} and {observed.shape[1]})")
    chi2, p, dof, expected = stats.chi2_contingency(observed, correction=False)
    n = observed.sum()
    r, c = observed.shape
    v = np.sqrt(chi2 / (n * (min(r, c) - 1)))
    row = observed.sum(axis=1, keepdims=True) / n
    col = observed.sum(axis=0, keepdims=True) / n
    residuals = (observed - expected) / np.sqrt(expected * (1 - row) * (1 - col))
    small = float((expected < 5).mean())
    # Monte Carlo p-value (fixed seed) as a check where expected counts are small.
    rng = np.random.default_rng(SEED)
    rows_idx = np.repeat(np.arange(r), observed.sum(axis=1).astype(int))
    cols_idx = np.repeat(np.arange(c), observed.sum(axis=0).astype(int))
    exceed = 0
    for _ in range(N_MONTE_CARLO):
        perm = np.bincount(rows_idx * c + rng.permutation(cols_idx), minlength=r * c).reshape(r, c)
        exceed += _chi2(perm, expected) >= chi2 - 1e-9
    return {
        "chi2": float(chi2), "dof": int(dof), "p_value": float(p),
        "p_value_monte_carlo": (exceed + 1) / (N_MONTE_CARLO + 1),
        "n_monte_carlo": N_MONTE_CARLO, "cramers_v": float(v), "n": int(n),
        "share_expected_below_5": small,
        "residuals": pd.DataFrame(residuals, index=table.index, columns=table.columns[keep]),
    }


def view_agreement(frame: pd.DataFrame, views: list[str]) -> pd.DataFrame:
    """Pairwise unit-level agreement (share equal, Cohen's kappa) between label columns."""
    from sklearn.metrics import cohen_kappa_score

    rows = []
    for i, a in enumerate(views):
        for b in views[i + 1:]:
            rows.append({"view_a": a, "view_b": b,
                         "agreement": float((frame[a] == frame[b]).mean()),
                         "kappa": float(cohen_kappa_score(frame[a], frame[b], labels=codebook.codes()))})
    return pd.DataFrame(rows)


def share_correlation(shares: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Correlation of group-by-area shares between views (how far they tell the same story)."""
    wide = pd.DataFrame({name: s.set_index([s.columns[0], "area"]).share for name, s in shares.items()})
    return wide.corr(method="pearson")
