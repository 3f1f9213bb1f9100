"""Labelled units for training: the gold annotations plus a user's ``train --extra`` files.

Every extra row needs a label a person gave; a unit id or a text already in the training data
is refused, so that ``classify --suggest`` output cannot feed the model its own guesses.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research import paths
from research.annotations.check import GOLD_COLUMNS, load_gold, read_annotations
from research.corpus.segment import normalized
from research.errors import AnnotationError

#: Columns ``classify --suggest`` writes beside the gold.csv ones; ``train --extra`` accepts them.
SUGGEST_COLUMNS = ("section_path", "city", "text", "suggested_label", "second_label", "margin")


def read_extra(path: str | Path) -> pd.DataFrame:
    """Extra labelled units in the gold.csv format plus a ``text`` column (``section_path``
    and ``city`` optional; the city defaults to the file's name).  Every row needs a label a
    person gave (``label``; a ``suggested_label`` is the model's and is never used)."""
    path = Path(path)
    frame = read_annotations(path, GOLD_COLUMNS + ["text"], extra_ok=SUGGEST_COLUMNS)
    if frame.empty:
        raise AnnotationError(f"{path}: no labelled rows")
    empty = frame[frame.text.str.strip() == ""]
    if len(empty):
        raise AnnotationError(f"{path}: row {empty.iloc[0]._row}: empty text")
    if "section_path" not in frame:
        frame["section_path"] = ""
    if "city" not in frame:
        frame["city"] = path.stem
    frame["city"] = frame.city.replace("", path.stem)
    frame["source"] = str(path)
    return frame[["unit_id", "city", "section_path", "text", "label", "source", "_row"]]


def training_data(extra: list[str | Path] = ()) -> pd.DataFrame:
    """Gold units plus extra labelled files; a unit id or a text given twice is refused."""
    gold = load_gold()[["unit_id", "city", "section_path", "text", "label"]]
    gold = gold.assign(source=str(paths.GOLD), _row=0)
    data = pd.concat([gold] + [read_extra(p) for p in extra], ignore_index=True)
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
