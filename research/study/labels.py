"""Stage 2, labels: ``corpus/units.csv`` -> ``labels.csv``.

Every unit gets the classifier's labels and probabilities (:func:`research.classify.label.label_units`);
a unit whose ``unit_id`` has a human label (the project's gold annotations, or a user's labels)
keeps it as its ``label`` (``label_source`` "human"), a front-matter unit is ``other`` by its
structure and never classified (``label_source`` "structure"), every other unit takes the
classifier's (``label_source`` "classifier").  Units are read in chunks and labelled through
:func:`research.parallel.map_ordered`, so memory stays flat and ``--jobs``/``--dask`` apply.
"""

from __future__ import annotations

import functools
from pathlib import Path

import numpy as np
import pandas as pd

from research.errors import ResearchError
from research.parallel import map_ordered

CHUNK = 2000
#: ``label_source`` of a unit whose label a person gave.
HUMAN = "human"
#: Columns a human-label file may carry beside ``unit_id, label`` (gold.csv's, and those of the
#: adjudication sheet ``validate agreement`` writes).
LABEL_EXTRA = ("secondary_label", "note", "doc_id", "section_path", "text", "coded", "status")
UNIT_DTYPES = {"doc_id": str, "unit_id": str, "text": str, "section_path": str}


def read_human_labels(path: Path | None) -> dict[str, str]:
    """unit_id -> label from an annotation file (``unit_id, label``; the other columns of
    ``research/annotations/gold.csv`` or of an adjudication sheet allowed); an empty mapping
    when ``path`` is None."""
    if path is None:
        return {}
    from research.annotations.check import read_annotations

    labels = read_annotations(path, ["unit_id", "label"], extra_ok=LABEL_EXTRA)
    return dict(zip(labels.unit_id, labels.label))


def label_chunk(units: pd.DataFrame, human: dict[str, str], model_path=None) -> pd.DataFrame:
    """Rows of ``labels.csv`` for one chunk of units (the model is loaded once per process)."""
    from research.classify.label import label_units
    from research.classify.model_io import cached_model

    from research.classify.label import STRUCTURE_SOURCE
    from research.corpus.segment import FRONT_MATTER

    predicted = label_units(cached_model(model_path), list(units.text), list(units.section_path), list(units.part))
    front = (units.part == FRONT_MATTER).to_numpy()
    given = units.unit_id.map(human).astype(object)
    has_human = given.notna().to_numpy() & ~front  # front matter is labelled by structure, not gold
    out = units[["doc_id", "unit_id", "part", "n_chars"]].reset_index(drop=True)
    out["label"] = np.where(has_human, given.to_numpy(), predicted.label.to_numpy())
    out["label_source"] = np.where(front, STRUCTURE_SOURCE, np.where(has_human, HUMAN, "classifier"))
    out["classifier_label"] = np.where(front, "", predicted.label.to_numpy())
    return pd.concat([out, predicted.drop(columns=["label", "second_label"])], axis=1)


def _label_job(job, model_path=None) -> pd.DataFrame:
    frame, human = job
    return label_chunk(frame, human, model_path)


def labels_stage(units_csv: Path, out: Path, human_labels: Path | None = None, model_path=None,
                 jobs: int = 1, client=None, chunk: int = CHUNK) -> dict:
    """Write ``out`` (labels.csv) for the units of ``units_csv``; return the number of units per
    label source and the number of human labels given (``given``; those naming no unit of
    the study are ``unmatched``, a few listed in ``unmatched_ids``).  Chunks of ``chunk``
    units run in ``jobs`` processes or on ``client``."""
    from research.classify.model_io import cached_model

    if not Path(units_csv).exists():
        raise ResearchError(f"{units_csv}: no such file (the corpus stage writes it)")
    human = read_human_labels(human_labels)
    cached_model(model_path)  # a bad model fails here, before any work; forked workers share it
    counts = {HUMAN: 0, "classifier": 0, "structure": 0}
    reader = pd.read_csv(units_csv, dtype=UNIT_DTYPES, keep_default_na=False, chunksize=chunk)
    work = ((frame, {u: human[u] for u in frame.unit_id if u in human}) for frame in reader)
    label = functools.partial(_label_job, model_path=model_path)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        for i, frame in enumerate(map_ordered(label, work, jobs=jobs, client=client, desc="labels")):
            frame.to_csv(handle, index=False, header=i == 0, lineterminator="\n")
            for source, n in frame.label_source.value_counts().items():
                counts[source] += int(n)
    seen = set(pd.read_csv(units_csv, dtype=UNIT_DTYPES, keep_default_na=False, usecols=["unit_id"]).unit_id)
    unmatched = sorted(set(human) - seen)
    return {**counts, "given": len(human), "unmatched": len(unmatched), "unmatched_ids": unmatched[:5]}


def load_labels(path: Path) -> pd.DataFrame:
    """``labels.csv`` of a study."""
    if not Path(path).exists():
        raise ResearchError(f"{path}: no such file (the labels stage writes it)")
    return pd.read_csv(path, dtype={"doc_id": str, "unit_id": str}, keep_default_na=False)


def chunk_size(n_units: int, jobs: int) -> int:
    """Units per chunk: enough chunks to keep every worker busy, at most :data:`CHUNK`."""
    return max(50, min(CHUNK, -(-n_units // (2 * max(1, jobs)))))
