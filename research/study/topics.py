"""Stage 3, topics: units (+ their labels) -> ``topics/`` and ``topics/seeded/``.

The topic package's entry point, :func:`research.topics.model.fit_topic_model`, fits each model
(the ``topics fit`` command calls the same function).  Topics are mapped to areas with this study's labels (gold or classifier), never
by reading gold files.  A collection too small for topics is skipped with a recorded reason.
The published models are fitted on every unit; above ``SAMPLE_UNITS`` units, K, stability and the
reference engines are measured on a fixed-seed sample of that many units (``status.json`` says so).
With ``jobs`` 2 the two models are fitted side by side, the unseeded one in a forked worker.
"""

from __future__ import annotations

import functools
import json
import os
from pathlib import Path

import pandas as pd

from research.parallel import map_ordered
from research.study.emphasis import with_groups
from research.topics.model import fit_topic_model, sample_note

MIN_UNITS = 60  #: fewer units than this: topics are not fitted (reason recorded)
SAMPLE_UNITS = 2000  #: larger collections: K, stability and reference engines measured on a sample this size
COLUMNS = ["doc_id", "unit_id", "order", "section_path", "part", "text", "n_chars"]


def read_units(units_csv: Path) -> pd.DataFrame:
    """The units of ``units_csv`` (the columns a topic model reads)."""
    return pd.read_csv(units_csv, dtype={"doc_id": str, "unit_id": str, "text": str}, keep_default_na=False,
                       usecols=COLUMNS)


def _fit_one(fitted: pd.DataFrame, unit_labels: pd.Series, k, jobs: int, sample_units: int, model: tuple) -> dict:
    """Fit and write one model (``model``: name, seeded, folder); its summary's headline, or
    the reason it was skipped."""
    from research.errors import ResearchError

    _, seeded, folder = model
    try:
        summary = fit_topic_model(fitted, folder, seeded, unit_labels, k="auto" if seeded else k, jobs=jobs,
                                  sample=sample_units)
    except (ValueError, ZeroDivisionError, IndexError) as err:
        return {"skipped": f"topic model failed on this collection: {type(err).__name__}: {err}"}
    except ResearchError as err:  # from the topic code: record, don't stop the study
        return {"skipped": str(err)}
    return {k_: v for k_, v in summary.items() if k_ in ("k", "reason", "vocabulary", "units")}


def topics_stage(units_csv: Path, labels: pd.DataFrame, metadata: pd.DataFrame, by: str, out: Path,
                 k="auto", jobs: int = 1, sample_units: int = SAMPLE_UNITS, skip: str = "") -> dict:
    """Fit the unseeded and the seeded model on the units of ``units_csv`` (grouped by the
    metadata column ``by``); write ``out/status.json`` with, per model, its summary or the
    reason it was skipped (``skip``: a reason to skip both)."""
    if not Path(units_csv).exists():
        from research.errors import ResearchError

        raise ResearchError(f"{units_csv}: no such file (the corpus stage writes it)")
    out.mkdir(parents=True, exist_ok=True)
    n_units = len(labels)
    fitted = read_units(units_csv)
    fitted.insert(1, "group", with_groups(fitted[["doc_id"]], metadata, by).group.to_numpy())
    unit_labels = labels.set_index("unit_id").loc[fitted.unit_id, "label"]
    status: dict = {"units": n_units}
    if len(fitted) > sample_units:
        status["sample"] = sample_note(len(fitted), sample_units)
    if skip or len(fitted) < MIN_UNITS:
        reason = skip or f"{len(fitted)} units; topic models need at least {MIN_UNITS}"
        status.update(unseeded={"skipped": reason}, seeded={"skipped": reason})
    else:
        # with two processes the models are fitted side by side, one in each (each samples its
        # chains in threads; the worker's own maps run in the worker); with more, one after the
        # other, each with all of them.  The unseeded model's files are staged in a folder of their
        # own and moved into ``out`` once both are written: writing ``out`` itself would replace
        # the folder the other model writes in
        fit = functools.partial(_fit_one, fitted, unit_labels, k, jobs, sample_units)
        models = (("unseeded", False, out / ".unseeded"), ("seeded", True, out / "seeded"))
        for (name, _, _), result in zip(models, map_ordered(fit, models, jobs=2 if jobs == 2 else 1,
                                                            desc="topic models")):
            status[name] = result
        if (out / ".unseeded").exists():
            for entry in (out / ".unseeded").iterdir():
                os.replace(entry, out / entry.name)
            (out / ".unseeded").rmdir()
    (out / "status.json").write_text(json.dumps(status, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return status
