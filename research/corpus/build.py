"""Build the corpus: read, clean and segment every seed document, write units and tables.

Outputs: ``units.csv``, ``tables.csv`` (indicator tables), ``table_cells.csv`` (every table of
any width, one cell a row), ``dropped.csv`` (every span the cleaner removed, with its rule) and
``cleaning_report.json``.
"""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pandas as pd

from research import paths
from research.atomic import atomic_dir, write_csv, write_text
from research.corpus.clean import clean_text
from research.corpus.reader import read_document
from research.corpus.segment import Segmented, segment
from research.errors import InputError

UNIT_COLUMNS = ["doc_id", "city", "unit_id", "order", "section_path", "part", "text", "n_chars"]
TABLE_COLUMNS = ["doc_id", "city", "table", "caption", "row", "dimension", "indicator",
                 "value_2020", "target_2025", "kind"]
CELL_COLUMNS = ["doc_id", "city", "table", "caption", "row", "column", "value"]
DROPPED_COLUMNS = ["doc_id", "line", "column", "rule", "chars", "text"]


def read_manifest(path: Path = paths.MANIFEST) -> pd.DataFrame:
    """The seed manifest, one row per source document."""
    try:
        return pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise InputError(f"{path}: not a UTF-8 CSV manifest ({type(err).__name__})") from None


def process_document(path: str | Path, doc_id: str) -> tuple[Segmented, dict]:
    """Read, clean and segment one document; return it and its cleaning report (a dict whose
    ``"dropped"`` entry lists every removed span as rows of ``dropped.csv``)."""
    text, report = clean_text(read_document(path))
    doc = segment(text, doc_id)
    if not doc.units:
        raise InputError(f"{path}: no paragraph of body text found after cleaning")
    return doc, {**report.as_dict(), "dropped": report.dropped_rows(doc_id)}


def try_process_document(path: str | Path, doc_id: str) -> tuple[Segmented | None, dict, str]:
    """:func:`process_document` for batches: ``(doc, report, "")``, or ``(None, {}, reason)``
    with a one-line reason when the document cannot be used (it never raises for bad input)."""
    try:
        return (*process_document(path, doc_id), "")
    except InputError as err:
        return None, {}, str(err)
    except (OSError, ValueError, UnicodeError) as err:
        return None, {}, f"{path}: {type(err).__name__}: {err}"


def table_rows(doc: Segmented, city: str = "") -> tuple[list[dict], list[dict]]:
    """Rows of ``tables.csv`` (indicator tables) and ``table_cells.csv`` (every table)."""
    tidy, cells = [], []
    for t_index, table in enumerate(doc.tables, 1):
        for r_index, record in enumerate(table.tidy(), 1):
            tidy.append({"doc_id": doc.doc_id, "city": city, "table": t_index,
                         "caption": table.caption, "row": r_index, **record})
        for r_index, record in enumerate(table.records(), 1):
            cells.extend({"doc_id": doc.doc_id, "city": city, "table": t_index,
                          "caption": table.caption, "row": r_index, "column": column,
                          "value": value} for column, value in record.items())
    return tidy, cells


def units_frame(doc: Segmented, city: str = "") -> pd.DataFrame:
    """The units of one segmented document as a DataFrame with UNIT_COLUMNS."""
    rows = [{"doc_id": u.doc_id, "city": city, "unit_id": u.unit_id, "order": u.order,
             "section_path": u.section_path, "part": u.part, "text": u.text,
             "n_chars": u.n_chars} for u in doc.units]
    return pd.DataFrame(rows, columns=UNIT_COLUMNS)


def build_corpus(seeds: Path = paths.SEEDS, out: Path = paths.CORPUS) -> pd.DataFrame:
    """Build ``units.csv``, ``tables.csv`` and ``cleaning_report.json`` under ``out``."""
    manifest_path = Path(seeds) / "manifest.csv"
    if not manifest_path.exists():
        raise InputError(f"{manifest_path}: no such file (a corpus folder needs a manifest.csv)")
    manifest = read_manifest(manifest_path)
    missing = [c for c in ("file", "sha256", "doc_id", "city_pinyin") if c not in manifest.columns]
    if missing:
        raise InputError(f"{manifest_path}: missing column(s) {', '.join(missing)}")
    units, tables, cells, dropped, reports = [], [], [], [], {}
    for row in manifest.itertuples():
        path = Path(seeds) / row.file
        if not path.is_file():
            raise InputError(f"{path}: listed in {manifest_path} but missing")
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        if digest != row.sha256:
            raise InputError(f"{path}: checksum differs from seeds/manifest.csv (seeds are read-only)")
        doc, report = process_document(path, row.doc_id)
        units.append(units_frame(doc, row.city_pinyin))
        tidy, table_cells = table_rows(doc, row.city_pinyin)
        tables.extend(tidy)
        cells.extend(table_cells)
        dropped.extend(report.pop("dropped"))
        report.update({
            "file": row.file,
            "units": len(doc.units),
            "title": doc.title,
            "top_headings": doc.top_headings(),
            "tables": [{"caption": t.caption, "rows": len(t.records()), "note": t.note}
                       for t in doc.tables],
        })
        reports[row.doc_id] = report
    frame = pd.concat(units, ignore_index=True)
    with atomic_dir(out) as tmp:
        write_csv(tmp / "units.csv", frame)
        write_csv(tmp / "tables.csv", pd.DataFrame(tables, columns=TABLE_COLUMNS))
        write_csv(tmp / "table_cells.csv", pd.DataFrame(cells, columns=CELL_COLUMNS))
        write_csv(tmp / "dropped.csv", pd.DataFrame(dropped, columns=DROPPED_COLUMNS))
        write_text(tmp / "cleaning_report.json",
                   json.dumps(reports, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    return frame


def load_units(path: Path | None = None) -> pd.DataFrame:
    """The corpus units as a DataFrame (built first when ``data/corpus/units.csv`` is missing)."""
    path = Path(path) if path else paths.UNITS
    if not path.exists():
        if path != paths.UNITS:
            raise InputError(f"{path}: no such file")
        build_corpus()
    frame = pd.read_csv(path, dtype={"doc_id": str, "unit_id": str, "text": str},
                        keep_default_na=False)
    return frame


def corpus_stage(documents, out, jobs=1, client=None):  # TEMPORARY until part C lands
    from research.study.corpus import corpus_stage as stage

    return stage(documents, out, client)
