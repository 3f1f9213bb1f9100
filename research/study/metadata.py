"""Document metadata for a study: the ``--meta`` CSV, read, checked and matched to the documents
(without one, the study uses what :mod:`research.corpus.metadata` infers from each document).

The metadata file has one row per document with the columns ``file, city, province, year,
type``; ``doc_id``, ``city_zh`` (display name in Chinese figures) and ``order`` (a number: the
figures draw the groups in its order) are optional.  The seed
manifest's column names are accepted as aliases (``city_pinyin`` for ``city``, ``doc_type``
for ``type``, ``issued`` for ``year``), so ``--meta seeds/manifest.csv`` works as it is.

Any other column is kept as a covariate for ``study --effects`` (:func:`covariates`): a column
whose values are all numbers is numeric, any other categorical; a number column with a value
that is not a number is an error naming its row and column.  An empty cell is a missing value.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import numpy as np
import pandas as pd

from research.corpus.metadata import FIELDS, UNKNOWN
from research.errors import InputError

COLUMNS = ["file", "city", "province", "year", "type"]
OPTIONAL = ["doc_id", "city_zh", "order"]
ALIASES = {"city_pinyin": "city", "doc_type": "type", "issued": "year"}
#: A group holding more than this share of at least MIN_DOCS documents is warned about.
MOST, MIN_DOCS = 0.5, 3
#: Columns that describe a document rather than measure it (the manifest's checksum and capture
#: note among them): never covariates, and not carried into a study's metadata.csv.
NOT_COVARIATES = {"file", "doc_id", "city_zh", "title", "_row", "sha256", "capture_note",
                  *(f"{field}_{kind}" for field in FIELDS for kind in ("source", "confidence"))}


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
    if len(set(header)) < len(header):
        twice = next(h for h in header if header.count(h) > 1)
        raise InputError(f"{path}: column {twice!r} appears twice")
    frame = pd.DataFrame(records)
    covariates(frame, [c for c in frame.columns if c not in NOT_COVARIATES], path, rows=frame["_row"])
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


def _number(text: str) -> float | None:
    """``text`` as a finite number, or None."""
    try:
        value = float(text)
    except ValueError:
        return None
    return value if np.isfinite(value) else None


def covariates(frame: pd.DataFrame, columns: list[str], path, rows=None) -> pd.DataFrame:
    """The ``columns`` of ``frame`` (text cells) as covariates: numeric (float) where every
    non-empty value is a number, else categorical (text); empty cells are missing (NaN).  A
    column whose values are mostly numbers but that holds some other text is an error naming
    the row (``rows``: the file's row numbers, default 2, 3, ...) and column."""
    rows = np.arange(2, len(frame) + 2) if rows is None else np.asarray(rows)
    out = pd.DataFrame(index=frame.index)
    for column in columns:
        cells = frame[column].astype(str).str.strip()
        given = cells != ""
        numbers = cells.map(_number)
        bad = given & numbers.isna()
        if given.any() and bad.any() and (given & ~bad).sum() >= bad.sum():
            row = rows[np.flatnonzero(bad.to_numpy())[0]]
            value = cells[bad].iloc[0]
            raise InputError(f"{path}: row {row}, column {column!r}: {value!r} is not a number (the column's "
                             f"other values are numbers; leave the cell empty for a missing value)")
        if given.any() and not bad.any():
            out[column] = numbers.astype(float)
        else:
            out[column] = cells.where(given, np.nan)
    return out


def metadata_warnings(metadata: pd.DataFrame, by: str, given: bool = False) -> list[str]:
    """What a reader of the study must know about its metadata, one line each: the fields unknown
    for some documents (a national document has no place, city or province, a provincial one no
    city), and one group holding most of the collection."""
    out, missing, files = [], [], []
    level = metadata["level"] if "level" in metadata else pd.Series("", index=metadata.index)
    for field in ("level", "place", "city", "province", "year", "type"):
        if field not in metadata:
            continue
        expected = ~level.isin(["national"] if field != "city" else ["national", "provincial"])
        unknown = metadata[metadata[field].isin([UNKNOWN, ""]) & (expected if field in ("place", "city", "province")
                                                                 else True)]
        if len(unknown):
            missing.append(f"{field} for {len(unknown)}")
            files += [Path(f).name for f in unknown.file if Path(f).name not in files]
    if missing:
        out.append(f"metadata unknown: {', '.join(missing)} of {len(metadata)} documents "
                   f"({', '.join(files[:4])}{' ...' if len(files) > 4 else ''}); "
                   + ("fill them in the --meta file" if given else "correct metadata.csv and pass it back with --meta"))
    if by in metadata and len(metadata) >= MIN_DOCS:
        counts = metadata[by].value_counts()
        if counts.iloc[0] / len(metadata) > MOST:
            out.append(f"{counts.iloc[0]} of {len(metadata)} documents are in one {by} group ({counts.index[0]!r}); "
                       f"comparisons between groups rest on the others")
    return out
