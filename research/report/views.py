"""The seeds' report, its inputs: the corpus units with three views of their area (gold,
leave-one-city-out classifier, seeded topic model) and their shares per city.

The inputs are written by earlier commands; :func:`require_inputs` names a missing one and the
command that writes it.  :func:`ensure_inputs` builds them, and is only ever called explicitly.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, paths
from research.report.emphasis import indicator_matrix, shares_with_ci

TOPICS = paths.DATA / "topics"
SEEDED = TOPICS / "seeded"


#: Inputs of the report and the command that writes each.
INPUTS = ((paths.UNITS, "corpus build"), (paths.TABLES, "corpus build"),
          (TOPICS / "summary.json", "topics fit"), (SEEDED / "summary.json", "topics fit --seeded"),
          (SEEDED / "unit_areas.csv", "topics fit --seeded"),
          (paths.MODELS / "loco_predictions.csv", "train"), (paths.MODELS / "metrics.json", "train"))


def ensure_inputs() -> None:
    """Build the corpus, both topic models and the classifier evaluation where missing.  Called
    explicitly (by tests and scripts that want everything); the report never calls it."""
    from research.corpus.build import build_corpus
    from research.topics.fit import fit_topics

    if not paths.UNITS.exists():
        build_corpus()
    for seeded, folder in ((False, TOPICS), (True, SEEDED)):
        if not (folder / "summary.json").exists():
            fit_topics(seeded=seeded, jobs=2)
    if not (paths.MODELS / "loco_predictions.csv").exists():
        from research.classify.train import train

        train()


def require_inputs() -> None:
    """Fail with one line when an input of the report is missing (no step is run from here)."""
    from research.errors import ResearchError

    for path, command in INPUTS:
        if not Path(path).exists():
            raise ResearchError(f"{path}: missing; run 'python -m research {command}' first")


def city_names(lang: str) -> dict[str, str]:
    """Display names of the seed cities, from the manifest (Chinese names in ``city_zh``)."""
    from research.corpus.build import read_manifest

    manifest = read_manifest()
    return dict(zip(manifest.city_pinyin, manifest.city_zh if lang == "zh" else manifest.city_pinyin))


def topic_view(units: pd.DataFrame) -> tuple[pd.Series, np.ndarray]:
    """Area of each unit by the seeded topic model: seeded topics count for their label, free
    topics for the area a mapping fitted without the unit's city gives them (leave-one-city-out,
    ``seeded/unit_areas.csv``), so no unit's own gold label enters its topic view; returns labels
    and area weights."""
    codes = codebook.codes()
    areas = pd.read_csv(SEEDED / "unit_areas.csv").set_index("unit_id").loc[units.unit_id]
    weights = areas[[f"w_{c}" for c in codes]].to_numpy()
    labels = pd.Series([codes[i] for i in weights.argmax(axis=1)], index=units.index)
    return labels, weights


def load_views() -> pd.DataFrame:
    """Corpus units with three views of their area: ``gold`` (annotation), ``classifier``
    (leave-one-city-out prediction) and ``topics`` (seeded topic model), plus probabilities."""
    from research.annotations.check import load_gold
    from research.corpus.build import load_units

    require_inputs()
    units = load_gold(units=load_units()).rename(columns={"label": "gold"})
    predictions = pd.read_csv(paths.MODELS / "loco_predictions.csv").set_index("unit_id")
    units["classifier"] = predictions.loc[units.unit_id, "predicted"].to_numpy()
    for code in codebook.codes():
        units[f"p_{code}"] = predictions.loc[units.unit_id, f"p_{code}"].to_numpy()
    units["topics"], _ = topic_view(units)
    return units


def emphasis(units: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """Shares per city and area with 95% intervals, for every view and weighting."""
    codes = codebook.codes()
    proba = units[[f"p_{c}" for c in codes]].to_numpy()
    _, topic_weights = topic_view(units)
    out = {}
    for view in ("gold", "classifier"):
        for weight in (None, "n_chars"):
            key = f"{view}_{'chars' if weight else 'units'}"
            out[key] = shares_with_ci(units, indicator_matrix(units[view]), weight)
    out["classifier_probability"] = shares_with_ci(units, proba)
    out["topics_units"] = shares_with_ci(units, indicator_matrix(units["topics"]))
    out["topics_probability"] = shares_with_ci(units, topic_weights)
    tasks = units[units.part == "tasks"].reset_index(drop=True)
    out["gold_units_tasks"] = shares_with_ci(tasks, indicator_matrix(tasks["gold"]))
    return out
