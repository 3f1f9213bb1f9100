"""Run a study: check the inputs, then the six stages in order, into one output folder that
is replaced only when every stage succeeded (:func:`research.atomic.atomic_dir`)."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from research import paths
from research.atomic import atomic_dir
from research.errors import InputError, ResearchError
from research.study.metadata import GROUPINGS, match_documents, read_meta

META_COLUMNS = ["file", "doc_id", "city", "province", "year", "type", "city_zh", "title"]


def plan_documents(inputs: list[str | Path], meta: str | Path | None = None) -> tuple[list[Path], dict]:
    """The documents of the study and, with ``meta``, each one's metadata row."""
    from research.classify.apply import find_documents

    for item in inputs:
        if not Path(item).exists():
            raise InputError(f"{item}: no such file or folder")
    documents = find_documents(inputs)
    if not documents:
        raise InputError(f"no supported document in {', '.join(map(str, inputs))} "
                         f"(use .txt, .html, .docx or .pdf files or folders)")
    rows = match_documents(read_meta(meta), documents, Path(meta)) if meta else {}
    return documents, rows


def run_study(inputs: list[str | Path], out: str | Path, meta: str | Path | None = None, by: str = "city",
              gold: Path | None = paths.GOLD, model=None, dask: str | None = None, workers: int = 2,
              topics_k="auto", fit_topics: bool = True, notebooks: bool = True, langs=("en", "zh"),
              echo=print) -> dict:
    """Run every stage on ``inputs`` (files and folders) into ``out``; return the summary."""
    from research.classify.apply import doc_id_for
    from research.study import emphasis as st_emphasis
    from research.study import independence, labels, outputs, topics
    from research.study.corpus import corpus_stage
    from research.study.runner import dask_client

    if by not in GROUPINGS:
        raise ResearchError(f"--by must be one of {', '.join(GROUPINGS)}")
    documents, meta_rows = plan_documents(inputs, meta)
    taken: set[str] = set()
    jobs = []
    for path in documents:
        row = meta_rows.get(path, {})
        doc_id = row.get("doc_id") or ""
        doc_id = doc_id if doc_id and doc_id not in taken else doc_id_for(path, taken)
        taken.add(doc_id)
        jobs.append((path, doc_id, row.get("city", "")))
    timings, out = {}, Path(out)
    with atomic_dir(out) as tmp, dask_client(dask, workers) as client:
        start = time.perf_counter()
        corpus = corpus_stage(jobs, tmp / "corpus", client)
        timings["corpus"] = time.perf_counter() - start
        echo(f"corpus: {corpus.documents} documents, {corpus.n_units} units ({timings['corpus']:.1f} s)")
        for message in corpus.skipped:
            echo(f"error: {message} (skipped)")
        metadata = _metadata(corpus.inferred, meta_rows, jobs)
        metadata.to_csv(tmp / "metadata.csv", index=False, lineterminator="\n")
        if not meta:
            echo(f"inferred metadata (correct {out / 'metadata.csv'} and pass it back with --meta):")
            echo(metadata[["file", "city", "province", "year", "type"]].to_string(index=False))

        start = time.perf_counter()
        counts = labels.labels_stage(corpus.units, tmp / "labels.csv", gold, model, client,
                                     chunk=_chunk(corpus.n_units, workers), jobs=workers)
        timings["labels"] = time.perf_counter() - start
        echo(f"labels: {counts['gold']} gold, {counts['classifier']} classifier ({timings['labels']:.1f} s)")
        unit_labels = labels.load_labels(tmp / "labels.csv")

        start = time.perf_counter()
        topic_status = topics.topics_stage(corpus.units, unit_labels, metadata, by, tmp / "topics",
                                           k=topics_k, jobs=workers,
                                           skip="" if fit_topics else "not fitted (--no-topics)")
        timings["topics"] = time.perf_counter() - start
        echo(f"topics: {_topics_line(topic_status)} ({timings['topics']:.1f} s)")

        start = time.perf_counter()
        shares = st_emphasis.emphasis_stage(unit_labels, metadata, by)
        grouped = st_emphasis.with_groups(unit_labels, metadata, by)
        timings["emphasis"] = time.perf_counter() - start
        start = time.perf_counter()
        test = independence.independence_stage(grouped)
        timings["independence"] = time.perf_counter() - start
        echo(f"emphasis and independence test: {len(shares['groups'].group.unique())} groups "
             f"({timings['emphasis'] + timings['independence']:.1f} s)")

        summary = {"inputs": [str(i) for i in inputs], "by": by, "documents": corpus.documents,
                   "units": corpus.n_units, "skipped": corpus.skipped, "label_sources": counts,
                   "groups": sorted(grouped.group.unique().tolist()),
                   "metadata": "given" if meta else "inferred",
                   "topics": {k: v for k, v in topic_status.items()},
                   "independence": {k: v for k, v in test.items() if k != "residuals"}}
        _write_summary(tmp, summary)
        start = time.perf_counter()
        outputs.outputs_stage(tmp, summary, metadata, grouped, shares, test, langs=langs,
                              notebooks=notebooks, workers=workers)
        timings["outputs"] = time.perf_counter() - start
        echo(f"outputs: tables, figures, notebooks, report.html ({timings['outputs']:.1f} s)")
        seconds = {k: round(v, 2) for k, v in timings.items()}
        # machine-dependent, so kept apart from study.json (which a rerun leaves unchanged)
        (tmp / "timings.json").write_text(json.dumps({"seconds": seconds}, indent=1) + "\n", encoding="utf-8")
    return {**summary, "seconds": seconds}


def _chunk(n_units: int, workers: int) -> int:
    """Units per labelling chunk: enough chunks to keep every worker busy, at most CHUNK."""
    from research.study.labels import CHUNK

    return max(50, min(CHUNK, -(-n_units // (2 * max(1, workers)))))


def _topics_line(status: dict) -> str:
    parts = []
    for name in ("unseeded", "seeded"):
        entry = status.get(name, {})
        parts.append(f"{name} skipped" if "skipped" in entry else f"{name} K={entry.get('k')}")
    return ", ".join(parts)


def _write_summary(folder: Path, summary: dict) -> None:
    (folder / "study.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str) + "\n",
                                       encoding="utf-8")


def _metadata(inferred: list[dict], given: dict, jobs: list) -> pd.DataFrame:
    """One row per document read: the given metadata where there is some, else the inferred."""
    by_doc = {row["doc_id"]: row for row in inferred}
    rows = []
    for path, doc_id, _ in jobs:
        if doc_id not in by_doc:
            continue  # skipped document
        row = dict(by_doc[doc_id])
        if path in given:
            row.update({k: v for k, v in given[path].items() if k in META_COLUMNS and k not in ("doc_id", "title")})
            row["file"] = str(path)
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in META_COLUMNS:
        if column not in frame:
            frame[column] = ""
    frame = frame[META_COLUMNS].astype(str)
    frame["city_zh"] = frame.city_zh.where(frame.city_zh != "", frame.city)
    return frame
