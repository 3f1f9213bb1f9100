"""Stage 5, independence: is emphasis independent of the group?  Chi-square test with a Monte
Carlo p-value, Cramér's V and adjusted residuals (:mod:`research.report.emphasis`)."""

from __future__ import annotations

import pandas as pd

from research.errors import ResearchError
from research.report.emphasis import contingency, independence_test


def independence_stage(units: pd.DataFrame) -> dict:
    """The test on ``units`` (columns ``group`` and ``label``); ``{"skipped": reason}`` when
    there are fewer than two groups or areas."""
    try:
        return independence_test(contingency(units, "label", by="group"))
    except ResearchError as err:
        return {"skipped": str(err)}


def statistics_table(test: dict, by: str) -> pd.DataFrame:
    """The test's statistics as a one-row table."""
    if "skipped" in test:
        return pd.DataFrame([{"grouping": by, "skipped": test["skipped"]}])
    return pd.DataFrame([{"grouping": by, "chi2": test["chi2"], "dof": test["dof"], "p_value": test["p_value"],
                          "p_value_monte_carlo": test["p_value_monte_carlo"],
                          "n_monte_carlo": test["n_monte_carlo"], "cramers_v": test["cramers_v"],
                          "n_units": test["n"], "share_expected_below_5": test["share_expected_below_5"]}])
