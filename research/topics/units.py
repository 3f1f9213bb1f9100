"""The inputs of a topic model, checked at the edge: paragraph units and, optionally, labels.

Units are a DataFrame with ``unit_id``, ``doc_id`` and ``text``, the grouping column ``group``
(``city`` is taken as its alias; without either, each document is its own group) and, optionally,
``section_path``.  Labels are a Series unit_id -> codebook label covering every unit.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research import codebook
from research.errors import ResearchError

REQUIRED = ("unit_id", "doc_id", "text")
MIN_UNITS = 10


def prepare_units(units: pd.DataFrame, min_units: int = MIN_UNITS) -> pd.DataFrame:
    """A checked copy of ``units`` with columns unit_id, doc_id, group, text, section_path
    (strings; a missing section path is empty), index 0..n-1."""
    if not isinstance(units, pd.DataFrame):
        raise ResearchError(f"topic units must be a DataFrame, not {type(units).__name__}")
    missing = [c for c in REQUIRED if c not in units.columns]
    if missing:
        raise ResearchError(f"topic units need the columns {', '.join(REQUIRED)} "
                            f"(missing: {', '.join(missing)})")
    if len(units) < min_units:
        raise ResearchError(f"{len(units)} units: a topic model needs at least {min_units}")
    group = next((c for c in ("group", "city") if c in units.columns), "doc_id")
    frame = pd.DataFrame({
        "unit_id": units.unit_id.astype(str).to_numpy(),
        "doc_id": units.doc_id.astype(str).to_numpy(),
        "group": units[group].astype(str).to_numpy(),
        "text": units.text.fillna("").astype(str).to_numpy(),
        "section_path": (units.section_path.fillna("").astype(str).to_numpy() if "section_path" in units.columns
                         else np.full(len(units), "", dtype=object)),
    })
    duplicated = frame.unit_id[frame.unit_id.duplicated()]
    if len(duplicated):
        raise ResearchError(f"topic units: unit_id {duplicated.iloc[0]} occurs more than once")
    return frame


def align_labels(labels, units: pd.DataFrame) -> np.ndarray | None:
    """``labels`` (a Series unit_id -> label, or a DataFrame with unit_id and label) in the
    order of ``units``; None stays None.  Every unit needs a codebook label."""
    if labels is None:
        return None
    if isinstance(labels, pd.DataFrame):
        if not {"unit_id", "label"} <= set(labels.columns):
            raise ResearchError("topic labels need the columns unit_id and label")
        labels = labels.set_index("unit_id")["label"]
    labels = pd.Series(labels)
    labels.index = labels.index.astype(str)
    missing = ~units.unit_id.isin(labels.index)
    if missing.any():
        raise ResearchError(f"labels do not cover every unit ({int(missing.sum())} without one, "
                            f"e.g. {units.unit_id[missing].iloc[0]})")
    values = labels[~labels.index.duplicated()].loc[units.unit_id].astype(str).to_numpy()
    unknown = sorted(set(values) - set(codebook.codes()))
    if unknown:
        raise ResearchError(f"unknown label {unknown[0]!r} (codes: {', '.join(codebook.codes())})")
    return values.astype(object)


def unit_texts(units: pd.DataFrame, with_path: bool) -> list[str]:
    """A unit's text, after its section path (its headings) when ``with_path``."""
    if not with_path:
        return list(units.text)
    return [f"{h}\n{t}" if h else t for h, t in zip(units.section_path, units.text)]
