"""One document through the corpus: read, clean and segment it, and its rows of every corpus file.

:func:`try_process_document` is the one place that turns an unusable document into a one-line
reason (used by the corpus stage and by ``classify``); :func:`corpus_document` gives everything
the corpus stage writes for one document, so documents can be processed one at a time, in any
process.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from research.corpus.clean import clean_text
from research.corpus.metadata import infer_metadata
from research.corpus.reader import read_source
from research.corpus.segment import Segmented, normalized, segment
from research.errors import InputError


def process_document(path: str | Path, doc_id: str) -> tuple[Segmented, dict]:
    """Read, clean and segment one document; return it and its cleaning report (a dict whose
    ``"dropped"`` entry lists every removed span as rows of ``dropped.csv``, ``"lines"`` the raw
    lines the metadata is read from and ``"fingerprint"`` its normalised text's digest)."""
    raw, removed = read_source(path)
    text, report = clean_text(raw, removed)
    doc = segment(text, doc_id)
    if not doc.units:
        raise InputError(f"{path}: no paragraph of body text found after cleaning")
    return doc, {**report.as_dict(), "dropped": report.dropped_rows(doc_id), "lines": report.lines,
                 "fingerprint": fingerprint(report.lines)}


def fingerprint(lines: list[str]) -> str:
    """Digest of a document's text after decoding and script conversion, white space and
    character width normalised: two files with the same digest are the same document."""
    return hashlib.sha1(normalized("".join(lines)).encode("utf-8")).hexdigest()


def try_process_document(path: str | Path, doc_id: str) -> tuple[Segmented | None, dict, str]:
    """:func:`process_document` for batches: ``(doc, report, "")``, or ``(None, {}, reason)``
    with a one-line reason when the document cannot be used (it never raises for bad input)."""
    try:
        return (*process_document(path, doc_id), "")
    except InputError as err:
        return None, {}, str(err)
    except (OSError, ValueError, UnicodeError) as err:
        return None, {}, f"{path}: {type(err).__name__}: {err}"


def unit_rows(doc: Segmented, city: str = "") -> list[dict]:
    """Rows of ``units.csv`` for one segmented document."""
    return [{"doc_id": u.doc_id, "city": city, "unit_id": u.unit_id, "order": u.order,
             "section_path": u.section_path, "part": u.part, "text": u.text, "n_chars": u.n_chars}
            for u in doc.units]


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


@dataclass
class CorpusDocument:
    """One document's rows of every corpus file, its cleaning report and inferred metadata;
    or, for a document that cannot be used, the one-line reason (``error``)."""

    path: Path
    doc_id: str
    units: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    cells: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    inferred: dict = field(default_factory=dict)
    error: str = ""
    fingerprint: str = ""  # digest of the normalised text (duplicates share it)


def corpus_document(path: str | Path, doc_id: str, group: str = "", file: str = "") -> CorpusDocument:
    """Read, clean and segment one document (never raises for a bad document).  ``group`` fills
    the ``city`` column ("": the city inferred from the text); ``file`` names the document in
    the cleaning report (default: ``path`` as given)."""
    path = Path(path)
    doc, report, error = try_process_document(path, doc_id)
    if error:
        return CorpusDocument(path, doc_id, error=error)
    inferred = infer_metadata(path, report.pop("lines"), doc_id)
    city = group or inferred["city"]
    dropped = report.pop("dropped")  # every span the cleaner removed, as rows of dropped.csv
    digest = report.pop("fingerprint")
    tables, cells = table_rows(doc, city)
    report.update(file=file or str(path), units=len(doc.units), title=inferred["title"], top_headings=doc.top_headings(),
                  tables=[{"caption": t.caption, "rows": len(t.records()), "note": t.note} for t in doc.tables])
    return CorpusDocument(path, doc_id, unit_rows(doc, city), dropped, tables, cells, report, inferred,
                          fingerprint=digest)
