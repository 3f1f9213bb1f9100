"""``python -m research classify``: label every paragraph of new plans.

Documents are read, cleaned and segmented with the corpus code, then labelled; rows are
written as each document finishes (memory stays flat in the number of documents) to a
temporary file that replaces the output only when the run succeeds.  With ``--out FILE`` the
spans the cleaner removed are written beside it, to ``FILE.dropped.csv`` (one row per span:
document, line, column, rule, text), so that a user can audit what was removed and why.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from research.classify.features import compose
from research.classify.outputs import DROPPED_COLUMNS, Writer, dropped_file, render_rows, write_suggestions
from research.corpus.build import try_process_document
from research.corpus.reader import is_supported
from research.errors import InputError, ResearchError
from research.progress import progress

EXIT_SKIPPED = 3  # some documents were skipped, the others were labelled


def find_documents(inputs: list[str | Path]) -> list[Path]:
    """Files named, plus every supported file inside named folders (recursively, sorted)."""
    found: list[Path] = []
    for item in inputs:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and is_supported(p)
                                and not p.name.startswith(".")))
        else:
            found.append(path)  # missing or unsupported files are reported when read
    return found


def doc_id_for(path: Path, taken: set[str]) -> str:
    base = re.sub(r"[^\w\u3400-\u9fff-]+", "_", path.stem).strip("_") or "doc"
    doc_id, n = base, 1
    while doc_id in taken:
        n += 1
        doc_id = f"{base}-{n}"
    taken.add(doc_id)
    return doc_id


@dataclass
class Labelled:
    """One document's labelled units, or the reason it was skipped."""

    path: Path
    doc_id: str
    rows: list[dict] = field(default_factory=list)
    error: str = ""
    summary: str = ""  # the per-label shares printed for the document
    rendered: str = ""  # the rows as output text (CSV lines or JSON objects), when asked for
    dropped: list[dict] = field(default_factory=list)  # spans the cleaner removed


_MODEL = {}


def _init_worker(model_path, model=None, out_format=None, columns=(), keep_rows=True):
    """Per process: the model (inherited when the pool forks, else loaded) and how to render."""
    if model is None:
        from research.classify.model_io import load_model

        model = load_model(model_path)
    _MODEL.update(model=model, out_format=out_format, columns=list(columns), keep_rows=keep_rows)


def label_document(path: Path, doc_id: str, model=None) -> Labelled:
    """Read, clean, segment and label one document (never raises for bad input)."""
    model = model or _MODEL["model"]
    doc, report, error = try_process_document(path, doc_id)
    if error:
        return Labelled(path, doc_id, error=error)
    texts = [compose(u.text, u.section_path) for u in doc.units]
    proba = model.predict_proba(texts)
    classes = list(model.classes_)
    order = np.argsort(-proba, axis=1)[:, :2]
    columns = [f"p_{c}" for c in _ordered(classes)]
    rounded = np.round(proba[:, [classes.index(c[2:]) for c in columns]], 4).tolist()
    rows = []
    for unit, probs, (first, second) in zip(doc.units, rounded, order):
        row = {"document": str(path), "doc_id": doc_id, "unit_id": unit.unit_id, "order": unit.order,
               "section_path": unit.section_path, "part": unit.part, "text": unit.text,
               "n_chars": unit.n_chars, "label": classes[first], "second_label": classes[second]}
        row.update(zip(columns, probs))
        rows.append(row)
    dropped = [{"document": str(path), **d} for d in report["dropped"]]
    return Labelled(path, doc_id, rows, dropped=dropped)


def _ordered(classes: list[str]) -> list[str]:
    from research import codebook

    return [c for c in codebook.codes() if c in classes]


def _label_job(job) -> Labelled:
    """Label one document, summarise it and render its rows where it was labelled (in a worker
    process, so that the parent only writes text)."""
    doc = label_document(*job)
    if doc.error:
        return doc
    doc.summary = format_summary(doc, summarize(doc.rows, _ordered(list(_MODEL["model"].classes_))))
    if _MODEL.get("out_format"):
        doc.rendered = render_rows(doc.rows, _MODEL["out_format"], _MODEL["columns"])
    if not _MODEL.get("keep_rows", True):
        doc.rows = []
    return doc


def labelled_documents(paths: list[Path], model_path=None, jobs: int = 1, model=None,
                       out_format: str | None = None, columns=(), keep_rows: bool = True
                       ) -> Iterator[Labelled]:
    """Labelled documents in input order, computed in ``jobs`` processes.  With ``out_format``
    ("csv" or "json") each also carries its rows rendered in ``columns``; ``keep_rows=False``
    then drops the row dicts, which saves passing them between processes."""
    taken: set[str] = set()
    work = [(p, doc_id_for(p, taken)) for p in paths]
    setup = (model_path, model, out_format, tuple(columns), keep_rows)
    if jobs <= 1 or len(work) <= 1:
        _init_worker(*setup)
        for job in progress(work, desc="documents"):
            yield _label_job(job)
        return
    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    if method == "spawn":  # the model cannot be inherited: each worker loads it
        setup = (model_path, None, *setup[2:])
    import gc

    gc.freeze()  # forked workers then share the parent's objects instead of copying them on write
    try:
        with mp.get_context(method).Pool(jobs, initializer=_init_worker, initargs=setup) as pool:
            yield from progress(pool.imap(_label_job, work, chunksize=1), total=len(work), desc="documents")
    finally:
        gc.unfreeze()


def summarize(rows: list[dict], classes: list[str]) -> dict:
    """Share of units, of characters, and probability-weighted share per label."""
    n = len(rows)
    chars = sum(r["n_chars"] for r in rows) or 1
    out = {}
    for c in classes:
        out[c] = {"units": sum(r["label"] == c for r in rows) / n if n else 0.0,
                  "chars": sum(r["n_chars"] for r in rows if r["label"] == c) / chars,
                  "probability": sum(r[f"p_{c}"] for r in rows) / n if n else 0.0}
    return out


def format_summary(doc: Labelled, summary: dict) -> str:
    lines = [f"{doc.path} ({len(doc.rows)} units)",
             f"  {'label':<12} {'units':>7} {'chars':>7} {'p-weighted':>10}"]
    for code, s in summary.items():
        lines.append(f"  {code:<12} {s['units']:>7.1%} {s['chars']:>7.1%} {s['probability']:>10.1%}")
    return "\n".join(lines)


def classify(inputs: list[str], out: str | None = None, model_path: str | None = None,
             jobs: int = 1, suggest: str | None = None, stream=sys.stdout) -> int:
    """Label every unit of every document; return the process exit code."""
    from research.classify.model_io import load_model

    model = load_model(model_path)  # fail early, before any work, on a bad model file
    classes = _ordered(list(model.classes_))
    paths = find_documents(inputs)
    if not paths:
        raise InputError("no supported document found (use .txt, .html, .docx or .pdf files or folders)")
    columns = ["document", "doc_id", "unit_id", "order", "section_path", "part", "text", "n_chars",
               "label", "second_label", *[f"p_{c}" for c in classes]]
    out_path = Path(out) if out else None
    if out_path and out_path.suffix.lower() not in (".csv", ".json"):
        raise ResearchError(f"{out_path}: output must end in .csv or .json")
    skipped, done, pending = [], 0, []
    out_format = out_path.suffix.lower()[1:] if out_path else None
    documents = labelled_documents(paths, model_path, jobs, model=model, out_format=out_format,
                                   columns=columns, keep_rows=bool(suggest))
    dropped_path = dropped_file(out_path) if out_path else None
    with Writer(out_path, columns) as writer, Writer(dropped_path, DROPPED_COLUMNS) as drops:
        for doc in documents:
            if doc.error:
                print(f"error: {doc.error} (skipped)", file=sys.stderr)
                skipped.append(doc.path)
                continue
            done += 1
            writer.write(doc.rendered)
            drops.write(render_rows(doc.dropped, "csv", DROPPED_COLUMNS))
            print(doc.summary, file=stream)
            if suggest:
                pending.extend(doc.rows)
        if not done:
            raise InputError(f"no document could be labelled ({len(skipped)} skipped)")
    if suggest:
        write_suggestions(Path(suggest), pending, classes)
    if skipped:
        print(f"error: {len(skipped)} of {len(paths)} documents skipped", file=sys.stderr)
        return EXIT_SKIPPED
    return 0
