"""Document metadata for a study: the ``--meta`` CSV, read, checked and matched to the documents
(without one, the study uses what :mod:`research.corpus.metadata` infers from each document).

The metadata file has one row per document with the columns ``file, city, province, year,
type``; ``doc_id``, ``city_zh`` (display name in Chinese figures) and ``order`` (a number: the
figures draw the groups in its order) are optional.  The seed
manifest's column names are accepted as aliases (``city_pinyin`` for ``city``, ``doc_type``
for ``type``, ``issued`` for ``year``), so ``--meta seeds/manifest.csv`` works as it is.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd

from research.corpus.metadata import UNKNOWN
from research.errors import InputError

COLUMNS = ["file", "city", "province", "year", "type"]
OPTIONAL = ["doc_id", "city_zh", "order"]
ALIASES = {"city_pinyin": "city", "doc_type": "type", "issued": "year"}
GROUPINGS = ("city", "province", "year", "type")


def read_meta(path: str | Path) -> pd.DataFrame:
    """The ``--meta`` CSV, checked: the five columns (or their aliases), one field per column
    in every row, a four-digit year (or empty).  Errors name the row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such metadata file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8 CSV") from None
    except csv.Error as err:
        raise InputError(f"{path}: not a CSV file ({err})") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError(f"{path}: empty metadata file")
    header = [h.strip() for h in rows[0]]
    raw = set(header)
    header = [ALIASES[h] if h in ALIASES and ALIASES[h] not in raw else h for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{path}: row {number}: {len(row)} fields, expected {len(header)}")
        record = {h: cell.strip() for h, cell in zip(header, row)}
        if not record["file"]:
            raise InputError(f"{path}: row {number}: empty file name")
        year = record["year"][:4]
        if record["year"] and not re.fullmatch(r"\d{4}", year):
            raise InputError(f"{path}: row {number}: year {record['year']!r} is not a year")
        record["year"] = year
        if not re.fullmatch(r"(-?\d+(\.\d*)?)?", record.get("order", "")):
            raise InputError(f"{path}: row {number}: order {record['order']!r} is not a number")
        record["_row"] = number
        records.append(record)
    if not records:
        raise InputError(f"{path}: no document rows")
    frame = pd.DataFrame(records)
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    for column in ("city", "province", "type"):
        frame[column] = frame[column].replace("", UNKNOWN)
    frame["city_zh"] = frame.city_zh.where(frame.city_zh != "", frame.city)
    return frame


def match_documents(meta: pd.DataFrame, documents: list[Path], meta_path: Path) -> dict[Path, dict]:
    """Each document's metadata row.  A row's ``file`` is matched against the documents by
    path (relative to the metadata file's folder, or as given) and then by file name; a row
    naming no document, or a document with no row, is an error."""
    by_path = {p.resolve(): p for p in documents}
    by_name: dict[str, list[Path]] = {}
    for p in documents:
        by_name.setdefault(p.name, []).append(p)
    out: dict[Path, dict] = {}
    for record in meta.to_dict("records"):
        named = Path(record["file"])
        candidates = [named if named.is_absolute() else meta_path.parent / named, named]
        doc = next((by_path[c.resolve()] for c in candidates if c.resolve() in by_path), None)
        if doc is None and len(by_name.get(named.name, [])) == 1:
            doc = by_name[named.name][0]
        if doc is None:
            raise InputError(f"{meta_path}: row {record['_row']}: {record['file']}: no such document "
                             f"among the inputs")
        if doc in out:
            raise InputError(f"{meta_path}: row {record['_row']}: {record['file']}: listed twice")
        out[doc] = {k: v for k, v in record.items() if k != "_row"}
    unlisted = [p for p in documents if p not in out]
    if unlisted:
        raise InputError(f"{meta_path}: no row for {unlisted[0]}"
                         + (f" (and {len(unlisted) - 1} more)" if len(unlisted) > 1 else ""))
    return out
