"""Stage 6, evaluation: the views of a study's gold-labelled units side by side.

Runs after the labels and topics stages, on the units whose label is a human one
(``label_source`` "human"), when the classifier's leave-one-group-out predictions
(``models/loco_predictions.csv``, written by ``python -m research train``) cover them; else it
is skipped with the reason.  Three views of each unit's area:

- ``gold``: the human label;
- ``classifier``: the out-of-sample prediction of the classifier evaluated leaving the unit's
  city out (its probabilities weight the shares);
- ``topics``: the seeded topic model's area weights (``topics/seeded/unit_areas.csv``: seeded
  topics count for their label, free topics for the area a mapping fitted without the unit's
  group gives them), when topics were fitted.

Writes into ``tables/``: ``classifier_metrics.csv`` (every evaluation in metrics.json),
``confusion.csv`` and ``calibration.csv`` (for the figures), ``emphasis_classifier.csv``
(probability-weighted shares per group, 95% intervals), ``view_agreement.csv`` (share of units
equal, Cohen's kappa) and ``share_correlation.csv`` (Pearson r of group x area shares with a
95% interval, :func:`research.stats.share_correlation`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, stats
from research.atomic import write_csv
from research.study.emphasis import probabilities, shares


def classifier_view(units: pd.DataFrame, models: Path) -> pd.DataFrame | str:
    """The classifier's out-of-sample predictions for ``units`` (label, p_<code>), or the reason
    there are none."""
    path = Path(models) / "loco_predictions.csv"
    if not path.exists():
        return f"{path}: missing (python -m research train writes it)"
    loco = pd.read_csv(path, dtype={"unit_id": str}).set_index("unit_id")
    missing = ~units.unit_id.isin(loco.index)
    if missing.any():
        return (f"{int(missing.sum())} of {len(units)} gold-labelled units have no out-of-sample "
                f"prediction in {path}")
    rows = loco.loc[units.unit_id]
    return rows[["predicted", *[f"p_{c}" for c in codebook.codes()]]].rename(
        columns={"predicted": "label"}).reset_index(drop=True)


def topic_view(units: pd.DataFrame, topics: Path) -> np.ndarray | None:
    """Area weights of ``units`` by the seeded topic model, or None when it was not fitted."""
    path = Path(topics) / "seeded" / "unit_areas.csv"
    if not path.exists():
        return None
    areas = pd.read_csv(path, dtype={"unit_id": str}).set_index("unit_id")
    if not units.unit_id.isin(areas.index).all():
        return None
    return areas.loc[units.unit_id, [f"w_{c}" for c in codebook.codes()]].to_numpy(dtype=float)


def metrics_table(metrics: dict) -> pd.DataFrame:
    """Every evaluation in ``metrics.json`` that has a macro-F1: the top-level ones first, then
    each family (ablations, baselines)."""
    names = {"with_context": "classifier (with section path)", "without_context": "classifier (paragraph alone)",
             "sentence_level": "classifier (sentence by sentence)"}
    rows = [(names.get(k, k.replace("_", " ")), v) for k, v in metrics.items()
            if isinstance(v, dict) and "macro_f1" in v]
    for family, entries in metrics.items():
        if isinstance(entries, dict) and "macro_f1" not in entries:
            for key, value in entries.items():
                for view, scores in ([("", value)] if "macro_f1" in value else value.items()) \
                        if isinstance(value, dict) else []:
                    if isinstance(scores, dict) and "macro_f1" in scores:
                        suffix = f" ({names.get(view, view).split('(')[-1].rstrip(')')})" if view else ""
                        rows.append((f"{family.rstrip('s').replace('_', ' ')}: {key}{suffix}", scores))
    return pd.DataFrame([{"model": name, "macro_f1": s["macro_f1"], "accuracy": s.get("accuracy", np.nan),
                          "top2_accuracy": s.get("top2_accuracy", np.nan),
                          "ece": s.get("calibration", {}).get("ece", np.nan)} for name, s in rows])


def _agreement(views: dict[str, np.ndarray]) -> pd.DataFrame:
    from sklearn.metrics import cohen_kappa_score

    codes, names = codebook.codes(), list(views)
    labels = {k: np.array(codes, dtype=object)[v.argmax(axis=1)] for k, v in views.items()}
    return pd.DataFrame([{"view_a": a, "view_b": b, "agreement": float((labels[a] == labels[b]).mean()),
                          "kappa": float(cohen_kappa_score(labels[a], labels[b], labels=codes))}
                         for i, a in enumerate(names) for b in names[i + 1:]])


def _correlation(views: dict[str, np.ndarray], groups) -> pd.DataFrame:
    names = list(views)
    return pd.DataFrame([{"view_a": a, "view_b": b, **stats.share_correlation(views[b], views[a], groups)}
                         for i, a in enumerate(names) for b in names[i + 1:]])


def evaluation_stage(labels: pd.DataFrame, models: Path, topics: Path, tables: Path) -> dict:
    """Write the evaluation tables (module docstring) for ``labels`` (with ``group``); return a
    summary, or ``{"skipped": reason}``."""
    units = labels[labels.label_source == "human"].reset_index(drop=True)
    if units.empty:
        return {"skipped": "no unit has a human label"}
    classifier = classifier_view(units, models)
    if isinstance(classifier, str):
        return {"skipped": classifier}
    metrics = json.loads((Path(models) / "metrics.json").read_text(encoding="utf-8"))
    tables = Path(tables)
    write_csv(tables / "classifier_metrics.csv", metrics_table(metrics))
    confusion = metrics["with_context"]["confusion"]
    write_csv(tables / "confusion.csv", pd.DataFrame(confusion["matrix"], index=confusion["labels"],
                                                     columns=confusion["labels"]).rename_axis("gold").reset_index())
    calibration = metrics["with_context"]["calibration"]
    write_csv(tables / "calibration.csv", pd.DataFrame(calibration["bins"]).assign(ece=calibration["ece"]))
    views = {"gold": codebook.onehot(units.label), "classifier": probabilities(classifier)}
    write_csv(tables / "emphasis_classifier.csv", shares(views["classifier"], units.group))
    weights = topic_view(units, topics)
    if weights is not None:
        views["topics"] = weights
    write_csv(tables / "view_agreement.csv", _agreement(views))
    write_csv(tables / "share_correlation.csv", _correlation(views, units.group))
    return {"units": int(len(units)), "views": list(views)}
