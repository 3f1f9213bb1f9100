"""Stage 1, corpus: documents -> ``corpus/units.csv`` (+ ``dropped.csv``, ``tables.csv``,
``cleaning_report.json``).

Each document is read, cleaned and segmented on its own (:func:`corpus_document`) and its
rows are appended to the output files as soon as it is done, so memory stays flat in the
number of documents.  Metadata is inferred from the same cleaned text (used when no
``--meta`` is given).
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from research.corpus.build import DROPPED_COLUMNS, TABLE_COLUMNS, UNIT_COLUMNS, table_rows, try_process_document
from research.errors import ResearchError
from research.study.metadata import infer_metadata
from research.parallel import map_ordered


@dataclass
class CorpusDocument:
    """One document's units, dropped spans, cleaning report and inferred metadata (or error)."""

    path: Path
    doc_id: str
    units: list[dict] = field(default_factory=list)
    dropped: list[dict] = field(default_factory=list)
    tables: list[dict] = field(default_factory=list)
    report: dict = field(default_factory=dict)
    inferred: dict = field(default_factory=dict)
    error: str = ""


def corpus_document(job: tuple[str, str, str]) -> CorpusDocument:
    """Read, clean and segment one document (never raises for a bad document); ``job`` is
    (path, doc_id, city), an empty city meaning the one inferred from the text."""
    path, doc_id, city = Path(job[0]), job[1], job[2]
    doc, report, error = try_process_document(path, doc_id)
    if error:
        return CorpusDocument(path, doc_id, error=error)
    text = "\n".join(doc.pieces)
    inferred = infer_metadata(path, list(doc.captions[:2]), text, doc_id)
    city = city or inferred["city"]
    units = [{"doc_id": u.doc_id, "city": city, "unit_id": u.unit_id, "order": u.order,
              "section_path": u.section_path, "part": u.part, "text": u.text, "n_chars": u.n_chars}
             for u in doc.units]
    report = dict(report)
    dropped = report.pop("dropped")  # every span the cleaner removed, as rows of dropped.csv
    tables = table_rows(doc, city)[0]
    report.update(file=str(path), units=len(units), title=doc.title, top_headings=doc.top_headings(),
                  tables=[{"caption": t.caption, "rows": len(t.tidy()), "note": t.note} for t in doc.tables])
    return CorpusDocument(path, doc_id, units, dropped, tables, report, inferred)


@dataclass
class CorpusResult:
    units: Path
    dropped: Path
    tables: Path
    report: Path
    documents: int
    n_units: int
    inferred: list[dict]
    skipped: list[str]


def corpus_stage(documents: list[tuple[Path, str, str]], out: Path, client=None) -> CorpusResult:
    """Write ``out/units.csv``, ``out/dropped.csv`` and ``out/cleaning_report.json`` for
    ``documents`` (path, doc_id, city; city "" to infer it); documents that cannot be read
    are skipped and named."""
    out.mkdir(parents=True, exist_ok=True)
    inferred, skipped, reports, n_units, done = [], [], {}, 0, 0
    with open(out / "units.csv", "w", encoding="utf-8", newline="") as units_file, \
            open(out / "dropped.csv", "w", encoding="utf-8", newline="") as dropped_file, \
            open(out / "tables.csv", "w", encoding="utf-8", newline="") as tables_file:
        units_csv = csv.DictWriter(units_file, fieldnames=UNIT_COLUMNS, lineterminator="\n")
        dropped_csv = csv.DictWriter(dropped_file, fieldnames=DROPPED_COLUMNS, lineterminator="\n")
        tables_csv = csv.DictWriter(tables_file, fieldnames=TABLE_COLUMNS, lineterminator="\n",
                                    extrasaction="ignore")
        for writer in (units_csv, dropped_csv, tables_csv):
            writer.writeheader()
        jobs = [(str(p), d, c) for p, d, c in documents]
        for doc in map_ordered(corpus_document, jobs, client=client, total=len(jobs), desc="corpus"):
            if doc.error:
                skipped.append(doc.error)
                continue
            units_csv.writerows(doc.units)
            dropped_csv.writerows(doc.dropped)
            tables_csv.writerows(doc.tables)
            reports[doc.doc_id] = doc.report
            inferred.append(doc.inferred)
            n_units += len(doc.units)
            done += 1
    if not done:
        raise ResearchError(f"no document could be read ({skipped[0]})" if skipped else "no document")
    (out / "cleaning_report.json").write_text(
        json.dumps(reports, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    return CorpusResult(out / "units.csv", out / "dropped.csv", out / "tables.csv", out / "cleaning_report.json", done,
                        n_units, inferred, skipped)
