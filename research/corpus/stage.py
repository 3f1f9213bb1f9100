"""The corpus stage: documents -> ``units.csv``, ``dropped.csv``, ``tables.csv``,
``table_cells.csv`` and ``cleaning_report.json`` in one folder.

Documents are processed one at a time (:func:`~research.corpus.document.corpus_document`, here,
in local processes or on a Dask cluster through :func:`research.parallel.map_ordered`) and their
rows are appended to the files as each comes back, in input order, so memory stays flat in the
number of documents.  The folder is written atomically: on any error it is left as it was.
"""

from __future__ import annotations

import csv
import json
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from research.atomic import atomic_dir, write_text
from research.corpus.collection import is_repeat
from research.corpus.document import CorpusDocument, corpus_document
from research.corpus.files import CELL_COLUMNS, DROPPED_COLUMNS, TABLE_COLUMNS, UNIT_COLUMNS
from research.errors import InputError, ResearchError
from research.parallel import map_ordered

#: File name and columns of each table the stage writes, with the document field it comes from.
TABLES = {"units": ("units.csv", UNIT_COLUMNS), "dropped": ("dropped.csv", DROPPED_COLUMNS),
          "tables": ("tables.csv", TABLE_COLUMNS), "cells": ("table_cells.csv", CELL_COLUMNS)}
REPORT = "cleaning_report.json"


@dataclass
class CorpusResult:
    """Where the stage wrote each file, and what it read."""

    units: Path
    dropped: Path
    tables: Path
    cells: Path
    report: Path
    documents: int  # documents read
    n_units: int
    inferred: list[dict]  # metadata inferred from each document read (research.corpus.metadata)
    skipped: list[str]  # one line per document that could not be read
    repeats: list[str]  # one line per document whose text an earlier one already had (counted once)


def _process(job: tuple) -> CorpusDocument:
    return corpus_document(*job)


def corpus_stage(documents: list[tuple[Path, str, str]], out: Path, jobs: int = 1, client=None,
                 root: Path | None = None, strict: bool = False) -> CorpusResult:
    """Write the corpus files of ``documents`` (path, doc_id, group; group "" to use the city
    inferred from the text) into ``out``.

    A document that cannot be read is skipped and named in ``skipped`` (with ``strict``, its
    reason is raised instead); none readable is an error.  ``root``: the cleaning report names
    documents relative to it (default: their paths as given).
    """
    out = Path(out)
    work = [(Path(p), doc_id, group, str(Path(p).relative_to(root)) if root else str(p))
            for p, doc_id, group in documents]
    inferred, skipped, repeats, reports, n_units, seen = [], [], [], {}, 0, {}
    with atomic_dir(out) as tmp:
        with ExitStack() as files:
            writers = {key: _writer(files, tmp / name, columns) for key, (name, columns) in TABLES.items()}
            for doc in map_ordered(_process, work, jobs=jobs, client=client, total=len(work), desc="corpus"):
                if doc.error:
                    if strict:
                        raise InputError(doc.error)
                    skipped.append(doc.error)
                    continue
                if is_repeat(doc, seen):  # the same text again (another encoding or copy)
                    repeats.append(f"{doc.path}: the same text as {seen[doc.fingerprint]}; counted once")
                    continue
                for key, writer in writers.items():
                    writer.writerows(getattr(doc, key))
                reports[doc.doc_id] = doc.report
                inferred.append(doc.inferred)
                n_units += len(doc.units)
        if not reports:
            raise ResearchError(f"no document could be read ({skipped[0]})" if skipped else "no document")
        write_text(tmp / REPORT, json.dumps(reports, ensure_ascii=False, indent=1, sort_keys=True) + "\n")
    files = {key: out / name for key, (name, _) in TABLES.items()}
    return CorpusResult(**files, report=out / REPORT, documents=len(reports), n_units=n_units,
                        inferred=inferred, skipped=skipped, repeats=repeats)


def _writer(files: ExitStack, path: Path, columns: list[str]) -> csv.DictWriter:
    handle = files.enter_context(open(path, "w", encoding="utf-8", newline=""))
    writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    return writer
