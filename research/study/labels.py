"""Stage 2, labels: ``corpus/units.csv`` -> ``labels.csv``.

A unit whose ``unit_id`` has a gold label keeps it (``label_source`` "gold"); every other
unit gets the shipped classifier's most probable label ("classifier").  The classifier's
probabilities are recorded for every unit.  Units are read in chunks, so memory stays flat.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook
from research.errors import ResearchError
from research.study.runner import map_ordered

CHUNK = 2000
_MODEL: dict = {}


def read_gold(path: Path | None) -> dict[str, str]:
    """unit_id -> gold label from an annotation file (``research/annotations/gold.csv``
    form); an empty mapping when ``path`` is None."""
    if path is None:
        return {}
    from research.annotations.check import read_annotations

    gold = read_annotations(path)
    return dict(zip(gold.unit_id, gold.label))


def _model(model_path):
    key = str(model_path)
    if key not in _MODEL:
        from research.classify.model_io import load_model

        _MODEL[key] = load_model(model_path)
    return _MODEL[key]


def label_chunk(job: tuple) -> pd.DataFrame:
    """Label one chunk of units (runs where the work is scheduled; the model is loaded once
    per process)."""
    from research.classify.features import compose

    units, gold, model_path = job
    model = _model(model_path)
    classes = list(model.classes_)
    codes = codebook.codes()
    proba = model.predict_proba([compose(t, p) for t, p in zip(units.text, units.section_path)])
    proba = proba[:, [classes.index(c) for c in codes]]
    predicted = np.array(codes)[proba.argmax(axis=1)]
    gold_labels = units.unit_id.map(gold).astype(object)
    has_gold = gold_labels.notna().to_numpy()
    out = units[["doc_id", "unit_id", "part", "n_chars"]].copy()
    out["label"] = np.where(has_gold, gold_labels.to_numpy(), predicted)
    out["label_source"] = np.where(has_gold, "gold", "classifier")
    out["classifier_label"] = predicted
    for k, code in enumerate(codes):
        out[f"p_{code}"] = proba[:, k].round(4)
    return out


def labels_stage(units_csv: Path, out: Path, gold_path: Path | None = None, model_path=None,
                 client=None, chunk: int = CHUNK, jobs: int = 1) -> dict:
    """Write ``out`` (labels.csv); return counts per label source.  Chunks of ``chunk`` units
    are labelled on ``client`` (Dask) or in ``jobs`` local processes."""
    if not Path(units_csv).exists():
        raise ResearchError(f"{units_csv}: no such file (the corpus stage writes it)")
    gold = read_gold(gold_path)
    _model(model_path)  # a bad model file fails here, before any work
    counts = {"gold": 0, "classifier": 0}
    reader = pd.read_csv(units_csv, dtype={"doc_id": str, "unit_id": str, "text": str, "section_path": str},
                         keep_default_na=False, chunksize=chunk)
    work = ((frame, {u: gold[u] for u in frame.unit_id if u in gold}, model_path) for frame in reader)
    with open(out, "w", encoding="utf-8", newline="") as handle:
        for i, frame in enumerate(map_ordered(label_chunk, work, client, desc="labels", jobs=jobs)):
            frame.to_csv(handle, index=False, header=i == 0, lineterminator="\n")
            for source, n in frame.label_source.value_counts().items():
                counts[source] += int(n)
    return counts


def load_labels(path: Path) -> pd.DataFrame:
    if not Path(path).exists():
        raise ResearchError(f"{path}: no such file (the labels stage writes it)")
    return pd.read_csv(path, dtype={"doc_id": str, "unit_id": str}, keep_default_na=False)
