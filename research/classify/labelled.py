"""Labelled units for training: the corpus units with their gold labels, plus a user's
``train --extra`` files.

Every extra row needs a label a person gave; a unit id or a text already in the training data
is refused, so that ``classify --suggest`` output cannot feed the model its own guesses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research import paths
from research.annotations.check import load_gold, read_annotations
from research.corpus.segment import normalized
from research.errors import AnnotationError

#: Columns an extra file must have, and those it may have (``classify --suggest`` writes them).
EXTRA_COLUMNS = ["unit_id", "label", "text"]
EXTRA_OPTIONAL = ("secondary_label", "note", "section_path", "city", "doc_id", "suggested_label",
                  "suggested_second_label", "margin", "coded", "status")  # the last two: validate's adjudication.csv
COLUMNS = ["unit_id", "city", "section_path", "text", "label"]


def corpus_units(path: str | Path = paths.UNITS) -> pd.DataFrame:
    """The corpus units file; a missing file is one error naming the command that writes it."""
    from research.corpus.files import read_units

    return read_units(Path(path))


def read_extra(path: str | Path) -> pd.DataFrame:
    """Extra labelled units: ``unit_id, label, text`` (``section_path``, ``secondary_label``,
    ``note`` optional).  The group a row belongs to (its city, for leave-one-city-out) is its
    ``city``, else its ``doc_id``, else the file's name.  Every row needs a label a person gave
    (``label``; a ``suggested_label`` is the model's and is never used)."""
    path = Path(path)
    frame = read_annotations(path, EXTRA_COLUMNS, extra_ok=EXTRA_OPTIONAL)
    if frame.empty:
        raise AnnotationError(f"{path}: no labelled rows")
    empty = frame[frame.text.str.strip() == ""]
    if len(empty):
        raise AnnotationError(f"{path}: row {empty.iloc[0]._row}: empty text")
    group = pd.Series(path.stem, index=frame.index)
    for column in ("doc_id", "city"):  # city wins over doc_id
        if column in frame:
            group = frame[column].where(frame[column] != "", group)
    frame["city"] = group
    if "section_path" not in frame:
        frame["section_path"] = ""
    frame["source"] = str(path)
    return frame[[*COLUMNS, "source", "_row"]]


def training_data(units: pd.DataFrame, extra: list[pd.DataFrame] = ()) -> pd.DataFrame:
    """The gold-labelled ``units`` plus extra labelled rows (:func:`read_extra`): columns
    ``unit_id, city, section_path, text, label``; a unit id or a text given twice is refused."""
    gold = load_gold(units=units)[COLUMNS].assign(source=str(paths.GOLD), _row=0)
    data = pd.concat([gold, *extra], ignore_index=True)
    dup = data[data.unit_id.duplicated()]
    if len(dup):
        row = dup.iloc[0]
        raise AnnotationError(f"{row.source}: row {row._row}: unit_id {row.unit_id} is already in the training data")
    keys = data.text.map(normalized)
    dup = data[keys.duplicated() & (data.source != str(paths.GOLD))]  # a plan may repeat itself
    if len(dup):
        row = dup.iloc[0]
        first = data[keys == keys[dup.index[0]]].iloc[0]
        raise AnnotationError(f"{row.source}: row {row._row}: the same text as unit {first.unit_id} "
                              f"({first.source}); remove the duplicate")
    return data.drop(columns=["source", "_row"])
