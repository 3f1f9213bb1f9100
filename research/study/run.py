"""Run a study: check the inputs, then the stages in order, into one output folder that is
replaced only when every stage succeeded (:func:`research.atomic.atomic_dir`).

documents -> corpus -> labels -> topics -> emphasis -> effects (with --effects) -> independence -> evaluation
-> outputs
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pandas as pd

from research import paths
from research.atomic import atomic_dir
from research.errors import InputError, ResearchError
from research.corpus.metadata import FIELDS
from research.report import GROUPINGS
from research.study.metadata import NOT_COVARIATES, match_documents, metadata_warnings, read_meta

META_COLUMNS = ["file", "doc_id", "level", "place", "city", "province", "year", "type", "city_zh", "title", "order"]
#: Inferred fields whose source and confidence metadata.csv records ("meta" and 1 when given).
SOURCED = list(FIELDS)


def plan_documents(inputs: list[str | Path], meta: str | Path | None = None) -> list[tuple[Path, str, str, dict]]:
    """The documents of the study: (path, doc_id, group given or "", metadata row given or {})."""
    from research.corpus.collection import doc_id_for, find_documents

    for item in inputs:
        if not Path(item).exists():
            raise InputError(f"{item}: no such file or folder")
    documents = find_documents(inputs)
    if not documents:
        raise InputError(f"no supported document in {', '.join(map(str, inputs))} "
                         f"(use .txt, .html, .docx or .pdf files or folders)")
    rows = match_documents(read_meta(meta), documents, Path(meta)) if meta else {}
    taken: set[str] = set()
    planned = []
    for path in documents:
        row = rows.get(path, {})
        doc_id = row.get("doc_id") or ""
        doc_id = doc_id if doc_id and doc_id not in taken else doc_id_for(path, taken)
        taken.add(doc_id)
        planned.append((path, doc_id, row.get("city", ""), row))
    return planned


class _Clock:
    """Runs a stage and records its seconds."""

    def __init__(self):
        self.seconds: dict[str, float] = {}

    def __call__(self, name: str, func, *args, **kwargs):
        start = time.perf_counter()
        result = func(*args, **kwargs)
        self.seconds[name] = round(time.perf_counter() - start, 2)
        return result


def run_study(inputs: list[str | Path], out: str | Path, meta: str | Path | None = None, by: str = "city",
              human_labels: Path | None = paths.GOLD, model=None, models: Path = paths.MODELS,
              dask: str | None = None, jobs: int = 2, topics_k="auto", fit_topics: bool = True,
              notebooks: bool = True, langs=("en", "zh"), echo=print, effects: str | None = None) -> dict:
    """Run every stage on ``inputs`` (files and folders) into ``out``; return the summary.
    ``human_labels``: an annotation file whose labels replace the classifier's for its units;
    ``model``: a model file or a folder ``train --out`` wrote (default: the shipped model);
    ``models``: where the classifier's evaluation (``loco_predictions.csv``) is read (the
    ``model`` folder when one is given); ``effects``: a one-sided formula of metadata columns
    for the effects stage."""
    from research.corpus.stage import corpus_stage
    from research.parallel import cluster
    from research.study.emphasis import emphasis_stage, with_groups
    from research.study.evaluation import evaluation_stage
    from research.study.independence import independence_stage
    from research.study.labels import chunk_size, labels_stage, load_labels
    from research.study.outputs import outputs_stage
    from research.study.topics import topics_stage
    from research.versions import package_versions

    if by not in GROUPINGS:
        raise ResearchError(f"--by must be one of {', '.join(GROUPINGS)}")
    planned = plan_documents(inputs, meta)
    if effects:  # a formula naming no column of the (given or inferred) metadata fails before any work
        from research.study.effects import formula_variables

        formula_variables(effects, set(META_COLUMNS) | {k for _, _, _, row in planned for k in row})
    models = Path(model) if model and Path(model).is_dir() else models
    clock, out = _Clock(), Path(out)
    with atomic_dir(out) as tmp, cluster(dask, jobs) as client:
        corpus = clock("corpus", corpus_stage, [(p, d, c) for p, d, c, _ in planned], tmp / "corpus",
                       jobs=jobs, client=client)
        echo(f"corpus: {corpus.documents} documents, {corpus.n_units} units ({clock.seconds['corpus']:.1f} s)")
        for message in corpus.skipped:
            echo(f"error: {message} (skipped)")
        metadata = _metadata(corpus.inferred, planned)
        metadata.to_csv(tmp / "metadata.csv", index=False, lineterminator="\n")
        if not meta:
            echo(f"inferred metadata (correct {out / 'metadata.csv'} and pass it back with --meta):")
            echo(metadata[["file", "level", "place", "city", "province", "year", "type"]].to_string(index=False))
        warnings = metadata_warnings(metadata, by, given=bool(meta))
        for message in warnings:
            echo(f"warning: {message}")

        counts = clock("labels", labels_stage, corpus.units, tmp / "labels.csv", human_labels, model,
                       jobs=jobs, client=client, chunk=chunk_size(corpus.n_units, jobs))
        human = {k: counts.pop(k) for k in ("given", "unmatched", "unmatched_ids")}
        echo(f"labels: {counts['human']} human, {counts['classifier']} classifier, {counts['structure']} front matter "
             f"({clock.seconds['labels']:.1f} s); {counts['human']} of {human['given']} human labels given used"
             + (" (front matter is labelled by its structure)" if counts["structure"] else ""))
        if human["unmatched"]:
            echo(f"warning: {human['unmatched']} human label(s) name no unit of the study, e.g. "
                 f"{', '.join(human['unmatched_ids'])}")
        labels = with_groups(load_labels(tmp / "labels.csv"), metadata, by)

        topics = clock("topics", topics_stage, corpus.units, labels, metadata, by, tmp / "topics", k=topics_k,
                       jobs=jobs, skip="" if fit_topics else "not fitted (--no-topics)")
        echo(f"topics: {_topics_line(topics)} ({clock.seconds['topics']:.1f} s)")

        (tmp / "tables").mkdir()
        clock("emphasis", emphasis_stage, labels, metadata, by, tmp / "tables")
        effect_summary = _effects(clock, effects, labels, metadata, tmp, echo)
        test = clock("independence", independence_stage, labels, by, tmp / "tables")
        evaluation = clock("evaluation", evaluation_stage, labels, models, tmp / "topics", tmp / "tables")
        echo(f"emphasis, independence test, evaluation: {labels.group.nunique()} groups"
             + (f"; evaluation skipped: {evaluation['skipped']}" if "skipped" in evaluation else ""))

        summary = {"inputs": [_shown(i) for i in inputs], "by": by, "documents": corpus.documents,
                   "units": corpus.n_units, "skipped": corpus.skipped, "repeats": corpus.repeats,
                   "label_sources": counts, "human_labels": human,
                   "groups": sorted(labels.group.unique().tolist()),
                   "metadata": "given" if meta else "inferred", "metadata_warnings": warnings, "topics": topics,
                   "independence": {k: _rounded(v) for k, v in test.items() if k != "residuals"},
                   "evaluation": evaluation, "versions": package_versions(),
                   **({"effects": effect_summary} if effects else {})}
        (tmp / "study.json").write_text(json.dumps(summary, ensure_ascii=False, indent=1, default=str) + "\n",
                                        encoding="utf-8")
        clock("outputs", outputs_stage, tmp, langs=langs, notebooks=notebooks, jobs=jobs)
        echo(f"outputs: tables, figures, notebooks, report.html ({clock.seconds['outputs']:.1f} s)")
        # machine-dependent, so kept apart from study.json (which a rerun leaves unchanged)
        (tmp / "timings.json").write_text(json.dumps({"seconds": clock.seconds}, indent=1) + "\n", encoding="utf-8")
    return {**summary, "seconds": clock.seconds}


def _effects(clock, formula, labels, metadata, tmp: Path, echo) -> dict | None:
    """The effects stage, when a formula is given."""
    if not formula:
        return None
    from research.study.effects import effects_stage

    result = clock("effects", effects_stage, formula, labels, metadata, tmp / "topics", tmp / "tables", echo=echo)
    echo(f"effects: {formula} on {result['documents']} documents, {result['rows']} rows "
         f"({result['marked']} marked) ({clock.seconds['effects']:.1f} s)")
    return result


def _rounded(value):
    """Floats to the significant digits every table keeps (:func:`research.atomic.round_significant`)."""
    from research.atomic import round_significant

    return round_significant(value) if isinstance(value, float) else value


def _shown(path) -> str:
    """A path as the study records it: relative to the working folder where it is inside it."""
    import os

    relative = os.path.relpath(path)
    return str(path) if relative.startswith("..") else relative


def _topics_line(status: dict) -> str:
    parts = []
    for name in ("unseeded", "seeded"):
        entry = status.get(name, {})
        parts.append(f"{name} skipped" if "skipped" in entry else f"{name} K={entry.get('k')}")
    return ", ".join(parts)


def _metadata(inferred: list[dict], planned: list) -> pd.DataFrame:
    """One row per document read: the given metadata where there is some, else the inferred."""
    by_doc = {row["doc_id"]: row for row in inferred}
    rows, extras = [], {}
    for path, doc_id, _, given in planned:
        if doc_id not in by_doc:
            continue  # skipped document
        row = dict(by_doc[doc_id])
        if given:
            fields = {k: v for k, v in given.items() if k in META_COLUMNS and k not in ("doc_id", "title", "file")}
            row.update(fields)
            row.update({f"{k}_source": "meta" for k in fields if k in SOURCED})
            row.update({f"{k}_confidence": 1.0 for k in fields if k in SOURCED})
            row["file"] = str(path)
            extras.update({k: {**extras.get(k, {}), doc_id: v} for k, v in given.items()
                           if k not in META_COLUMNS and k not in NOT_COVARIATES})
        rows.append(row)
    frame = pd.DataFrame(rows)
    for column in META_COLUMNS:
        if column not in frame:
            frame[column] = ""
    sourced = [f"{k}_{s}" for k in SOURCED for s in ("source", "confidence") if f"{k}_{s}" in frame]
    # the metadata file's other columns (covariates for --effects) follow, kept as given
    extra = pd.DataFrame({k: frame.doc_id.map(v) for k, v in extras.items()}, index=frame.index).fillna("")
    frame = pd.concat([frame[META_COLUMNS + sourced].astype(str), extra.astype(str)], axis=1)
    frame["city_zh"] = frame.city_zh.where(frame.city_zh != "", frame.city)
    return frame
