"""Stage 4, emphasis: labels + metadata -> share of each area per document and per group,
with 95% bootstrap intervals (units resampled within the document or group, fixed seed)."""

from __future__ import annotations

import pandas as pd

from research import codebook
from research.report.emphasis import indicator_matrix, shares_with_ci


def with_groups(labels: pd.DataFrame, metadata: pd.DataFrame, by: str) -> pd.DataFrame:
    """``labels`` with a ``group`` column: the document's ``by`` value from ``metadata``."""
    groups = metadata.set_index("doc_id")[by].astype(str)
    return labels.assign(group=labels.doc_id.map(groups).fillna("unknown").replace("", "unknown"))


def emphasis_stage(labels: pd.DataFrame, metadata: pd.DataFrame, by: str = "city") -> dict[str, pd.DataFrame]:
    """Tables ``groups`` (labels: group, area, share, ci_low, ci_high, n_units),
    ``groups_probability`` (classifier probability-weighted), ``groups_chars`` (character-
    weighted) and ``documents`` (per document, labels)."""
    units = with_groups(labels, metadata, by)
    onehot = indicator_matrix(units["label"])
    proba = units[[f"p_{c}" for c in codebook.codes()]].to_numpy(dtype=float)
    out = {"groups": shares_with_ci(units, onehot, by="group"),
           "groups_probability": shares_with_ci(units, proba, by="group"),
           "groups_chars": shares_with_ci(units, onehot, weight="n_chars", by="group")}
    documents = shares_with_ci(units, onehot, by="doc_id")
    documents.insert(1, "group", documents.doc_id.map(units.groupby("doc_id").group.first()))
    out["documents"] = documents
    return out
