"""Each city's emphasis across the framework, with bootstrap intervals and an independence test."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from research import codebook

N_BOOT, SEED = 2000, 20_211


def indicator_matrix(labels: pd.Series, codes: list[str] | None = None) -> np.ndarray:
    codes = codes or codebook.codes()
    return np.stack([(labels.to_numpy() == c).astype(float) for c in codes], axis=1)


def shares_with_ci(units: pd.DataFrame, values: np.ndarray, weight: str | None = None,
                   n_boot: int = N_BOOT, seed: int = SEED) -> pd.DataFrame:
    """Share of each area per city (rows of ``values`` are units, columns areas; a row may be a
    one-hot label or a probability vector), weighted by units or by ``weight`` (e.g. n_chars),
    with 95% percentile intervals from resampling units within each city."""
    codes = codebook.codes()
    rng = np.random.default_rng(seed)
    rows = []
    for city in sorted(units.city.unique()):
        mask = (units.city == city).to_numpy()
        v = values[mask]
        w = units.loc[mask, weight].to_numpy(dtype=float) if weight else np.ones(mask.sum())
        point = (v * w[:, None]).sum(axis=0) / w.sum()
        idx = rng.integers(0, len(v), size=(n_boot, len(v)))
        wb = w[idx]
        boot = np.einsum("bn,bnk->bk", wb, v[idx]) / wb.sum(axis=1, keepdims=True)
        low, high = np.percentile(boot, [2.5, 97.5], axis=0)
        for k, code in enumerate(codes):
            rows.append({"city": city, "area": code, "share": point[k], "ci_low": low[k],
                         "ci_high": high[k], "n_units": int(mask.sum())})
    return pd.DataFrame(rows)


def contingency(units: pd.DataFrame, label: str = "label") -> pd.DataFrame:
    """Unit counts, city by area."""
    return pd.crosstab(units.city, units[label]).reindex(columns=codebook.codes(), fill_value=0)


def independence_test(table: pd.DataFrame) -> dict:
    """Chi-square test of independence of city and area, Cramér's V, adjusted standardized
    residuals (|r| > 2: the city over- or under-weights the area), and the small-count check."""
    observed = table.to_numpy(dtype=float)
    keep = observed.sum(axis=0) > 0
    observed = observed[:, keep]
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
    for _ in range(2000):
        perm = np.zeros_like(observed)
        np.add.at(perm, (rows_idx, rng.permutation(cols_idx)), 1)
        exceed += stats.chi2_contingency(perm, correction=False)[0] >= chi2 - 1e-9
    return {
        "chi2": float(chi2), "dof": int(dof), "p_value": float(p),
        "p_value_monte_carlo": (exceed + 1) / 2001, "cramers_v": float(v), "n": int(n),
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
    """Correlation of city-by-area shares between views (how far they tell the same story)."""
    wide = pd.DataFrame({name: s.set_index(["city", "area"]).share for name, s in shares.items()})
    return wide.corr(method="pearson")
