"""``python -m research train``: evaluate, select and fit the classifier; write the model card.

Writes ``models/classifier.skops``, ``models/metrics.json``, ``models/loco_predictions.csv`` and
``models/MODEL_CARD.md``.  All reported metrics are leave-one-city-out (train on the other
cities, predict the held-out one), with hyper-parameters chosen inside each training set
(nested), and each held-out unit scored with its path, alone and sentence by sentence.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import __version__, codebook, paths
from research.atomic import atomic_dir, write_csv, write_text
from research.classify import evaluate as ev
from research.classify.card import model_card
from research.classify.labelled import read_extra, training_data  # noqa: F401  (re-exported)
from research.classify.model_io import MODEL_FILE, save_model
from research.classify.pipeline import DEFAULT_PARAMS, fit_model

def _errors(data: pd.DataFrame, pred, proba, limit: int = 40) -> list[dict]:
    codes = codebook.codes()
    wrong = np.flatnonzero(data.label.to_numpy() != pred)
    rows = []
    for i in wrong[:limit]:
        rows.append({"unit_id": data.unit_id.iloc[i], "city": data.city.iloc[i],
                     "gold": data.label.iloc[i], "predicted": pred[i],
                     "p_predicted": round(float(proba[i, codes.index(pred[i])]), 3),
                     "section_path": data.section_path.iloc[i], "text": data.text.iloc[i][:160]})
    return rows


def _summary(s: dict) -> dict:
    keep = ("n", "macro_f1", "accuracy", "top2_accuracy", "other_rate", "gold_other_rate")
    return {k: s[k] for k in keep if k in s}


def ablations(chosen: dict, prep: ev.Prepared, y, groups, data: pd.DataFrame, jobs: int) -> dict:
    """Leave-one-city-out transfer scores of the chosen model with one thing changed each."""
    out, preps = {}, {"jieba": prep}
    for name, change in ev.ABLATIONS.items():
        params = {**chosen, **change}
        dictionary = params.get("dictionary", "jieba")
        if dictionary not in preps:
            preps[dictionary] = ev.prepare(data, dictionary)
        result = ev.transfer_scores(preps[dictionary], y, ev.loco(params, preps[dictionary], y, groups, jobs),
                                    intervals=False)
        out[name] = {"change": change, **{k: _summary(v) for k, v in result.items()}}
    return out


def baselines(data: pd.DataFrame, y, groups) -> dict:
    """Rule and topic baselines on the units (no section path used except by the silver rule)."""
    from research.classify.baselines import seeded_lda_predictions

    texts = list(data.text)
    out = {
        "majority": ev.scores(y, ev.majority_baseline(y, groups), intervals=False),
        "keyword_rule_national_terms": ev.scores(y, ev.keyword_baseline(texts, y, groups, "national")),
        "keyword_rule_codebook_terms_in_sample": ev.scores(y, ev.keyword_baseline(texts, y, groups, "codebook"),
                                                           intervals=False),
        "heading_silver_in_sample": ev.scores(y, ev.silver_baseline(list(data.section_path), y, groups),
                                              intervals=False),
    }
    lda = seeded_lda_predictions(data)
    if lda is not None:
        out["seeded_lda_argmax"] = ev.scores(y, lda, intervals=False)
    return {name: {k: v for k, v in s.items() if k not in ("per_label", "confusion")} for name, s in out.items()}


def train(extra: list[str | Path] = (), out: Path = paths.MODELS, quick: bool = False,
          jobs: int = 2) -> dict:
    """Evaluate by nested leave-one-city-out CV, then fit the chosen model on every unit (with
    context dropout and sentence augmentation) and save it."""
    data = training_data(extra)
    y, groups = data.label.to_numpy(dtype=object), data.city.to_numpy()
    prep = ev.prepare(data)
    grid = ev.GRID[:1] if quick else ev.GRID

    search = ev.grid_search(prep, y, groups, grid, jobs=jobs)
    nested = ev.nested_result(search, prep, groups)
    chosen, chosen_score = ev.select_params(search)
    transfer = ev.transfer_scores(prep, y, nested["predictions"])
    context = np.flatnonzero(prep.kind == "context")
    alone = np.flatnonzero(prep.kind == "alone")
    pred, proba = nested["predictions"].pred[context], nested["predictions"].proba[context]

    metrics = {
        "project_version": __version__,
        "codebook_version": int(_codebook_version()),
        "training_command": "python -m research train" + "".join(f" --extra {p}" for p in extra),
        "training_units": int(len(data)),
        "cities": sorted(pd.unique(groups).tolist()),
        "evaluation": "leave-one-city-out, pooled over the held-out cities; hyper-parameters "
                      "chosen inside each training set by an inner leave-one-city-out search "
                      "(nested cross-validation); each training fold augmented from its own units "
                      "only (context dropout, sentences); 95% intervals: bootstrap over units "
                      f"({ev.N_BOOT} draws, seed {ev.BOOT_SEED})",
        "grid": list(grid),
        "grid_loco_score": [round(v, 4) for v in search["loco_score"]],
        "chosen_params": chosen,
        "chosen_params_loco_score": round(chosen_score, 4),
        "chosen_per_fold": nested["chosen"],
        **transfer,
        "ablations": {} if quick else ablations(chosen, prep, y, groups, data, jobs),
        "baselines": baselines(data, y, groups),
        "learning_curve": [] if quick else ev.learning_curve(chosen, prep, y, groups, jobs=jobs,
                                                            full=nested["predictions"]),
        "errors": _errors(data, pred, proba),
        "label_counts": data.label.value_counts().reindex(codebook.codes(), fill_value=0).to_dict(),
    }
    model = fit_model(chosen, list(data.text), list(data.section_path), y)
    _strip(model)
    meta = {"chosen_params": {**DEFAULT_PARAMS, **chosen}, "training_units": int(len(data)),
            "codebook_version": metrics["codebook_version"], "loco_score": round(chosen_score, 4)}
    predictions = data[["unit_id", "city"]].assign(gold=y, predicted=pred,
                                                   predicted_alone=nested["predictions"].pred[alone])
    for j, code in enumerate(codebook.codes()):
        predictions[f"p_{code}"] = proba[:, j].round(4)
    with atomic_dir(out) as tmp:
        save_model(model, meta, tmp / MODEL_FILE.name)
        write_csv(tmp / "loco_predictions.csv", predictions)
        write_text(tmp / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=1) + "\n")
        write_text(tmp / "MODEL_CARD.md", model_card(metrics))
    stale = out / "classifier-fast.skops"  # one default model now (``--model fast`` is an alias)
    if stale.exists():
        stale.unlink()
    return metrics


def _strip(model) -> None:
    """Drop what prediction never uses (TF-IDF keeps every pruned term in ``stop_words_``)."""
    for _, step in model.named_steps["features"].transformer_list:  # a Union
        if hasattr(step, "stop_words_"):
            del step.stop_words_


def _codebook_version() -> int:
    import yaml

    return yaml.safe_load(paths.CODEBOOK.read_text(encoding="utf-8")).get("version", 1)
