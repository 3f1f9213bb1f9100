"""Stage 5, independence: is emphasis independent of the group?  Chi-square test with a Monte
Carlo p-value, Cramér's V and adjusted residuals (:func:`research.stats.independence_test`).

Writes ``tables/independence_test.csv`` (one row; ``skipped`` with the reason when there are
fewer than two groups or areas) and ``tables/residuals.csv`` (group x area, every area).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research import codebook, stats
from research.atomic import write_csv
from research.errors import ResearchError


def contingency(units: pd.DataFrame) -> pd.DataFrame:
    """Unit counts, group by area (every area of the codebook, in its order)."""
    return pd.crosstab(units.group, units.label).reindex(columns=codebook.codes(), fill_value=0)


def independence_stage(units: pd.DataFrame, by: str, tables: Path) -> dict:
    """The test on ``units`` (columns ``group`` and ``label``), written to ``tables``."""
    try:
        test = stats.independence_test(contingency(units))
    except ResearchError as err:
        test = {"skipped": str(err)}
    write_csv(Path(tables) / "independence_test.csv", statistics_table(test, by))
    if "residuals" in test:
        write_csv(Path(tables) / "residuals.csv", test["residuals"].round(2).rename_axis("group").reset_index())
    return test


def statistics_table(test: dict, by: str) -> pd.DataFrame:
    """The test's statistics as a one-row table."""
    if "skipped" in test:
        return pd.DataFrame([{"grouping": by, "skipped": test["skipped"]}])
    keys = ("chi2", "dof", "p_value", "p_value_monte_carlo", "n_monte_carlo", "cramers_v")
    return pd.DataFrame([{"grouping": by, **{k: test[k] for k in keys}, "n_units": test["n"],
                          "share_expected_below_5": test["share_expected_below_5"]}])
