"""The corpus files: their columns, and reading the units back.

``units.csv`` (one paragraph unit a row), ``tables.csv`` (indicator tables, tidy),
``table_cells.csv`` (every table of any width, one cell a row), ``dropped.csv`` (every span the
cleaner removed, with its rule) and ``cleaning_report.json`` (per document).
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research import paths
from research.errors import InputError

UNIT_COLUMNS = ["doc_id", "city", "unit_id", "order", "section_path", "part", "text", "n_chars"]
TABLE_COLUMNS = ["doc_id", "city", "table", "caption", "row", "dimension", "indicator",
                 "value_2020", "target_2025", "kind"]
CELL_COLUMNS = ["doc_id", "city", "table", "caption", "row", "column", "value"]
DROPPED_COLUMNS = ["doc_id", "line", "column", "rule", "chars", "text"]

#: The command that writes the corpus files.
BUILD_COMMAND = "python -m research corpus build"
#: Columns a units file must have for the later stages.
REQUIRED_UNIT_COLUMNS = ["doc_id", "unit_id", "section_path", "text"]


def shown(path: Path) -> str:
    """``path`` as an error message shows it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_units(path: str | Path | None = None) -> pd.DataFrame:
    """The units of a corpus (``units.csv``; default ``data/corpus/units.csv``).  It never
    builds the corpus: a missing file is an :class:`InputError` naming the command that writes it."""
    path = Path(path) if path else paths.UNITS
    if not path.is_file():
        command = BUILD_COMMAND if path == paths.UNITS else f"{BUILD_COMMAND} --out {shown(path.parent)}"
        raise InputError(f"{shown(path)}: missing; run '{command}' first")
    try:
        frame = pd.read_csv(path, dtype={"doc_id": str, "unit_id": str, "text": str}, keep_default_na=False)
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{shown(path)}: not a UTF-8 CSV file of units ({type(err).__name__})") from None
    missing = [c for c in REQUIRED_UNIT_COLUMNS if c not in frame.columns]
    if missing:
        raise InputError(f"{shown(path)}: missing column(s) {', '.join(missing)}; not a units file "
                         f"of '{BUILD_COMMAND}'")
    return frame
