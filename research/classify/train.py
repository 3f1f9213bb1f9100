"""``python -m research train``: evaluate, select and fit the classifier; write ``models/``.

Input: the corpus units file (``python -m research corpus build`` writes it; train never builds
it), the gold annotations and the user's ``--extra`` files.  Output, written atomically into
``out``: ``classifier.skops``, ``metrics.json``, ``loco_predictions.csv`` and ``MODEL_CARD.md``.
Every reported metric is leave-one-city-out with hyper-parameters chosen inside each training
set (nested), each held-out unit scored with its section path, alone and sentence by sentence
(:mod:`research.classify.crossval`).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.base import clone
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict

from research import __version__, baselines, codebook, paths, stats
from research.atomic import atomic_dir, write_csv, write_text
from research.classify import crossval as cv
from research.classify.card import model_card
from research.classify.evaluate import scores, summary
from research.classify.features import compose
from research.classify.labelled import corpus_units, read_extra, training_data
from research.classify.model_io import MODEL_FILE, save_model

#: How the three scored inputs are named in ``metrics.json``.
BLOCKS = (("with_context", "context"), ("without_context", "alone"), ("sentence_level", "sentence"))


def transfer_scores(y, held: cv.HeldOut, intervals: bool = True) -> dict:
    """:func:`~research.classify.evaluate.scores` of paragraphs with their path, alone, and
    sentence by sentence (a unit's sentences resampled together)."""
    out = {}
    for key, kind in BLOCKS:
        rows = held.rows(kind)
        out[key] = scores(y[held.unit[rows]], held.pred[rows], held.proba[rows], clusters=held.unit[rows],
                          intervals=intervals)
    return out


def ablations(chosen, X, y, groups, jobs: int) -> dict:
    """Leave-one-city-out scores of the chosen model with one thing changed each."""
    out = {}
    for name, change in cv.ABLATIONS.items():
        held = cv.held_out(cv.fixed_cv(clone(chosen).set_params(**change), X, y, groups, jobs), X)
        result = transfer_scores(y, held, intervals=False)
        out[name] = {"change": change, **{k: summary(v) for k, v in result.items()}}
    return out


def baseline_scores(data: pd.DataFrame, y, groups) -> dict:
    """The baselines of :mod:`research.baselines` on the units (leave-one-city-out where they
    learn: the majority label); row names say what each reads."""
    texts, with_path = list(data.text), [compose(t, p) for t, p in zip(data.text, data.section_path)]
    predictions = {
        "majority": cross_val_predict(baselines.majority(), np.zeros((len(y), 1)), y, groups=groups,
                                      cv=LeaveOneGroupOut()),
        "keyword_rule_national_terms_alone": baselines.keyword_rule(texts, "national_terms"),
        "keyword_rule_national_terms_with_path": baselines.keyword_rule(with_path, "national_terms"),
        "keyword_rule_codebook_terms_in_sample_alone": baselines.keyword_rule(texts, "terms"),
        "heading_silver_in_sample": baselines.heading_rule(data.section_path),
    }
    return {name: summary(scores(y, pred)) for name, pred in predictions.items()}


def learning_rows(chosen, X, y, groups, nested: cv.HeldOut, jobs: int) -> list[dict]:
    """The learning curve, and the nested model trained on every other city for comparison
    (both: mean over held-out cities of macro-F1 with section path)."""
    rows = cv.city_learning_curve(chosen, X, y, groups, jobs=jobs)
    context = nested.rows("context")
    unit_groups = np.asarray(groups)[nested.unit[context]]
    per_city = [cv.macro_f1(y[nested.unit[context]][unit_groups == g], nested.pred[context][unit_groups == g])
                for g in sorted(set(unit_groups))]
    return rows + [{"train_units": "all (other cities)", "macro_f1": round(float(np.mean(per_city)), 4)}]


def _errors(data: pd.DataFrame, pred, proba, limit: int = 40) -> list[dict]:
    codes = codebook.codes()
    wrong = np.flatnonzero(data.label.to_numpy() != pred)
    return [{"unit_id": data.unit_id.iloc[i], "city": data.city.iloc[i], "gold": data.label.iloc[i],
             "predicted": pred[i], "p_predicted": round(float(proba[i, codes.index(pred[i])]), 3),
             "section_path": data.section_path.iloc[i], "text": data.text.iloc[i][:160]} for i in wrong[:limit]]


def _codebook_version() -> int:
    import yaml

    return int(yaml.safe_load(paths.CODEBOOK.read_text(encoding="utf-8")).get("version", 1))


def _command(units_csv: Path, extra, quick: bool, out: Path) -> str:
    parts = ["python -m research train"]
    if Path(units_csv).resolve() != paths.UNITS.resolve():
        parts.append(f"--units {units_csv}")
    parts += [f"--extra {p}" for p in extra] + (["--quick"] if quick else [])
    if Path(out).resolve() != paths.MODELS.resolve():
        parts.append(f"--out {out}")
    return " ".join(parts)


def _training_data(units_csv: Path, extra: list, extras: list[pd.DataFrame], data: pd.DataFrame) -> list[dict]:
    """Each file the model learnt from: its path (relative to the checkout when inside it), its
    role, the units taken from it and its SHA-256."""
    import hashlib
    import os

    n = len(data) - sum(len(e) for e in extras)
    files = [(units_csv, "corpus units (text)", n), (paths.GOLD, "labels of the corpus units", n),
             *[(p, "extra labelled units (train --extra)", len(e)) for p, e in zip(extra, extras)]]
    shown = [os.path.relpath(Path(f).resolve(), paths.ROOT) for f, _, _ in files]
    return [{"file": s if not s.startswith("..") else str(f), "role": role, "units": int(k),
             "sha256": hashlib.sha256(Path(f).read_bytes()).hexdigest()} for s, (f, role, k) in zip(shown, files)]


class _Steps:
    """A progress bar over the stages of training (on a terminal only)."""

    def __init__(self, total: int):
        import sys

        from tqdm import tqdm

        self.bar = tqdm(total=total, desc="train", disable=not sys.stderr.isatty(), leave=False)

    def __call__(self, name: str, func, *args, **kwargs):
        self.bar.set_postfix_str(name)
        result = func(*args, **kwargs)
        self.bar.update()
        return result


def train(units_csv: str | Path = paths.UNITS, extra: list[str | Path] = (), out: Path = paths.MODELS,
          quick: bool = False, jobs: int = 2) -> dict:
    """Evaluate by nested leave-one-city-out cross-validation, choose the hyper-parameters on
    every city, fit the chosen model on every unit and write ``out``.  ``quick``: one grid
    point, no ablations and no learning curve (smoke tests).  ``jobs``: processes of the
    searches (scikit-learn's ``n_jobs``).  The metrics record every training file
    (``training_data``) and the command that reproduces them."""
    extras = [read_extra(p) for p in extra]  # the user's files first: their errors are the likelier
    data = training_data(corpus_units(units_csv), extras)
    step = _Steps(4 if quick else 6)
    X = [compose(t, p) for t, p in zip(data.text, data.section_path)]
    y, groups = data.label.to_numpy(dtype=object), data.city.to_numpy(dtype=object)
    grid = cv.QUICK_GRID if quick else cv.GRID

    outer = step("nested cross-validation", cv.nested_cv, X, y, groups, grid, jobs=jobs)
    nested = cv.held_out(outer, X)
    search = step("selection on every city", cv.select, X, y, groups, grid, jobs=jobs)
    model = search.best_estimator_
    context, alone = nested.rows("context"), nested.rows("alone")
    pred, proba = nested.pred[context], nested.proba[context]
    searched = list(grid)
    from research.versions import package_versions

    metrics = {
        "project_version": __version__,
        "versions": package_versions(),
        "codebook_version": _codebook_version(),
        "training_command": _command(units_csv, extra, quick, out),
        "training_data": _training_data(units_csv, list(extra), extras, data),
        "training_units": int(len(data)),
        "cities": sorted(pd.unique(groups).tolist()),
        "evaluation": "leave-one-city-out (scikit-learn LeaveOneGroupOut over cities), pooled over the "
                      "held-out cities; hyper-parameters chosen inside each training set by GridSearchCV "
                      "with an inner LeaveOneGroupOut (nested cross-validation; score: mean over the inner "
                      "held-out cities of the mean macro-F1 with and without section path); every fold "
                      "augmented inside fit from its own units only (context dropout, sentences); 95% "
                      f"intervals: bootstrap over units ({stats.N_DRAWS} draws, seed {stats.SEED}; a unit's "
                      "sentences drawn together)",
        "grid": [{k: p[k] for k in searched} for p in search.cv_results_["params"]],
        "grid_loco_score": [round(float(v), 4) for v in search.cv_results_["mean_test_score"]],
        "chosen_params": model.get_params(),
        "chosen_params_loco_score": round(float(search.best_score_), 4),
        "chosen_per_fold": {city: {k: s.best_params_[k] for k in searched}
                            for city, s in zip(cv.held_out_groups(outer, groups), outer["estimator"])},
        **transfer_scores(y, nested),
        "ablations": {} if quick else step("ablations", ablations, model, X, y, groups, jobs),
        "baselines": step("baselines", baseline_scores, data, y, groups),
        "learning_curve": [] if quick else step("learning curve", learning_rows, model, X, y, groups, nested, jobs),
        "errors": _errors(data, pred, proba),
        "label_counts": data.label.value_counts().reindex(codebook.codes(), fill_value=0).to_dict(),
    }
    meta = {"training_units": int(len(data)), "codebook_version": metrics["codebook_version"],
            "loco_score": metrics["chosen_params_loco_score"]}
    predictions = data[["unit_id", "city"]].assign(gold=y, predicted=pred, predicted_alone=nested.pred[alone])
    for j, code in enumerate(codebook.codes()):
        predictions[f"p_{code}"] = proba[:, j].round(4)
    with atomic_dir(out) as tmp:
        save_model(model, meta, tmp / MODEL_FILE.name)
        write_csv(tmp / "loco_predictions.csv", predictions)
        write_text(tmp / "metrics.json", json.dumps(metrics, ensure_ascii=False, indent=1) + "\n")
        write_text(tmp / "MODEL_CARD.md", model_card(metrics))
    step.bar.update()
    step.bar.close()
    return metrics
