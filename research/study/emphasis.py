"""Stage 4, emphasis: labels + metadata -> the share of each area per group and per document,
with 95% bootstrap intervals (units resampled within the group or document;
:func:`research.stats.group_means`).

Writes, into the study's ``tables/``: ``emphasis.csv`` (labels), ``emphasis_probability.csv``
(the classifier's probabilities), ``emphasis_chars.csv`` (characters), ``emphasis_tasks.csv``
(units of the task chapters) and ``emphasis_documents.csv`` (per document); each has the
columns ``group, area, share, ci_low, ci_high, n_units`` (``doc_id`` first per document).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, stats
from research.atomic import write_csv

from research.corpus.metadata import UNKNOWN

COLUMNS = ["group", "area", "share", "ci_low", "ci_high", "n_units"]


def with_groups(labels: pd.DataFrame, metadata: pd.DataFrame, by: str) -> pd.DataFrame:
    """``labels`` (any rows with ``doc_id``) with a ``group`` column: the document's ``by`` value in
    ``metadata``, ``unknown`` where it is empty or missing (the one mapping of documents to groups)."""
    groups = metadata.set_index("doc_id")[by].astype(str)
    return labels.assign(group=labels.doc_id.map(groups).fillna(UNKNOWN).replace("", UNKNOWN))


def probabilities(labels: pd.DataFrame) -> np.ndarray:
    """Units x codes probabilities of the ``p_<code>`` columns."""
    return labels[[f"p_{c}" for c in codebook.codes()]].to_numpy(dtype=float)


def shares(values: np.ndarray, groups, weights=None) -> pd.DataFrame:
    """Share of each area per group (rows of ``values``: units, columns: codes), with 95%
    intervals; one row per group and area, every area present."""
    frame = stats.group_means(values, np.asarray(groups, dtype=object), weights=weights)
    codes = codebook.codes()
    frame["area"] = [codes[c] for c in frame.pop("column")]
    return frame[COLUMNS]


def emphasis_stage(labels: pd.DataFrame, metadata: pd.DataFrame, by: str, tables: Path) -> dict[str, pd.DataFrame]:
    """Write the emphasis tables (module docstring) into ``tables``; return them by name."""
    units = with_groups(labels, metadata, by)
    labelled = codebook.onehot(units.label)
    tasks = (units.part == "tasks").to_numpy()
    out = {"emphasis": shares(labelled, units.group),
           "emphasis_probability": shares(probabilities(units), units.group),
           "emphasis_chars": shares(labelled, units.group, weights=units.n_chars.to_numpy(dtype=float))}
    if tasks.any():
        out["emphasis_tasks"] = shares(labelled[tasks], units.group[tasks])
    documents = shares(labelled, units.doc_id).rename(columns={"group": "doc_id"})
    documents.insert(1, "group", documents.doc_id.map(units.groupby("doc_id").group.first()))
    out["emphasis_documents"] = documents
    for name, frame in out.items():
        write_csv(Path(tables) / f"{name}.csv", frame)
    return out
