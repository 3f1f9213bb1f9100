"""Leave-one-city-out evaluation: nested model selection, metrics, baselines, learning curve.

Every number here is computed on units of a city the model did not see in training.
"""

from __future__ import annotations


import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from research import codebook
from research.classify.features import Segment, attach_vectors, compose
from research.classify.pipeline import build_pipeline
from research.progress import progress
from research.text import Tokenizer

#: Hyper-parameter grid searched by the inner (grouped) cross-validation.  Exploratory runs on
#: the seeds showed C between 3 and 30 changes macro-F1 by under 0.01, so the grid spends its
#: budget on the model family and the feature blocks instead.
BASE = {"use_context": True, "words": True, "chars": True, "terms": 1.0, "heading": 1.0}
GRID = (
    {**BASE, "model": "logreg", "C": 10.0, "embeddings": 0.0},
    {**BASE, "model": "logreg", "C": 10.0, "chars": False, "embeddings": 0.0},
    {**BASE, "model": "logreg", "C": 10.0, "embeddings": 2.0},
    {**BASE, "model": "svm", "C": 0.1, "embeddings": 0.0},
    {**BASE, "model": "cnb", "alpha": 0.1, "embeddings": 0.0},
)
N_BINS = 10


def segment_once(texts: list[str], use_context: bool = True, vectors: bool = True) -> np.ndarray:
    """Segment model inputs once (and embed them once); the pipelines accept the result."""
    docs = Segment(Tokenizer(), use_context=use_context).transform(texts)
    if vectors:
        attach_vectors(docs)
    return docs


def model_inputs(units: pd.DataFrame, use_context: bool = True) -> list[str]:
    paths = units.section_path if use_context else [""] * len(units)
    return [compose(t, p) for t, p in zip(units.text, paths)]


def loco_folds(groups: np.ndarray):
    """(train index, test index, held-out city) for each city."""
    for city in sorted(pd.unique(groups)):
        yield np.flatnonzero(groups != city), np.flatnonzero(groups == city), city


def fit_predict(params: dict, X_train, y_train, X_test) -> tuple[np.ndarray, np.ndarray, list]:
    model = build_pipeline(params)
    model.fit(X_train, y_train)
    return model.predict(X_test), model.predict_proba(X_test), list(model.classes_)


def place(out: np.ndarray, rows, proba: np.ndarray, classes: list) -> None:
    """Write a model's probabilities into ``out`` (columns in codebook order) at ``rows``."""
    codes = codebook.codes()
    for j, c in enumerate(classes):
        out[rows, codes.index(c)] = proba[:, j]


def _fit_task(task):
    params, X_train, y_train, X_test = task
    return fit_predict(params, X_train, y_train, X_test)


def run_fits(tasks: list[tuple], jobs: int = 1, desc: str = "fits") -> list:
    """Run (params, X_train, y_train, X_test) fits, in ``jobs`` processes when > 1."""
    if jobs > 1 and len(tasks) > 1:
        from joblib import Parallel, delayed

        return Parallel(n_jobs=jobs)(delayed(_fit_task)(t) for t in progress(tasks, desc=desc))
    return [_fit_task(t) for t in progress(tasks, desc=desc)]


def _macro_f1(y, pred) -> float:
    return float(f1_score(y, pred, average="macro", labels=sorted(set(y)), zero_division=0))


def grid_search(X, y, groups, grid=GRID, jobs: int = 1) -> dict:
    """Every grid point evaluated two ways with one set of fits:

    - ``loco[i]``: pooled leave-one-city-out predictions and probabilities of grid point i
      (train on four cities, predict the fifth);
    - ``inner[city][i]``: macro-F1 of grid point i by leave-one-city-out *within* the four
      cities other than ``city`` (the inner loop of nested cross-validation).
    """
    codes = codebook.codes()
    cities = sorted(pd.unique(groups))
    tasks, keys = [], []
    for i, params in enumerate(grid):
        for train, test, city in loco_folds(groups):
            tasks.append((params, X[train], y[train], X[test]))
            keys.append(("loco", i, city, test))
        for outer in cities:
            inside = np.flatnonzero(groups != outer)
            for train, test, city in loco_folds(groups[inside]):
                tasks.append((params, X[inside][train], y[inside][train], X[inside][test]))
                keys.append(("inner", i, outer, inside[test]))
    results = run_fits(tasks, jobs, desc="grid")
    loco_pred = [np.empty(len(y), dtype=object) for _ in grid]
    loco_proba = [np.zeros((len(y), len(codes))) for _ in grid]
    inner_pred = {c: [np.empty(len(y), dtype=object) for _ in grid] for c in cities}
    for (kind, i, city, idx), (pred, proba, classes) in zip(keys, results):
        if kind == "loco":
            loco_pred[i][idx] = pred
            place(loco_proba[i], idx, proba, classes)
        else:
            inner_pred[city][i][idx] = pred
    inner = {}
    for outer in cities:
        inside = groups != outer
        inner[outer] = [_macro_f1(y[inside], inner_pred[outer][i][inside]) for i in range(len(grid))]
    return {"grid": list(grid), "loco": [{"pred": p, "proba": q} for p, q in zip(loco_pred, loco_proba)],
            "loco_macro_f1": [_macro_f1(y, p) for p in loco_pred], "inner": inner}


def nested_result(search: dict, groups, allowed: list[int] | None = None) -> dict:
    """Nested leave-one-city-out from a :func:`grid_search`: for each held-out city the grid
    point with the best inner score is chosen, and its predictions for that city are kept."""
    allowed = list(range(len(search["grid"]))) if allowed is None else allowed
    n = len(groups)
    pred = np.empty(n, dtype=object)
    proba = np.zeros_like(search["loco"][0]["proba"])
    chosen = {}
    for city, inner in search["inner"].items():
        best = max(allowed, key=lambda i: (inner[i], -i))
        chosen[city] = dict(search["grid"][best])
        mask = groups == city
        pred[mask] = search["loco"][best]["pred"][mask]
        proba[mask] = search["loco"][best]["proba"][mask]
    return {"pred": pred, "proba": proba, "chosen": chosen}


def select_params(search: dict, allowed: list[int] | None = None) -> tuple[dict, float]:
    """Grid point with the best pooled leave-one-city-out macro-F1 over all cities."""
    allowed = list(range(len(search["grid"]))) if allowed is None else allowed
    best = max(allowed, key=lambda i: (search["loco_macro_f1"][i], -i))
    return dict(search["grid"][best]), float(search["loco_macro_f1"][best])


def loco(params: dict, X, y, groups, jobs: int = 1) -> dict:
    """Plain leave-one-city-out with fixed hyper-parameters (for ablations)."""
    codes = codebook.codes()
    folds = list(loco_folds(groups))
    results = run_fits([(params, X[tr], y[tr], X[te]) for tr, te, _ in folds], jobs, desc="folds")
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(codes)))
    for (_, test, _), (p, pr, classes) in zip(folds, results):
        pred[test] = p
        place(proba, test, pr, classes)
    return {"pred": pred, "proba": proba}


def calibration(proba: np.ndarray, y: np.ndarray, n_bins: int = N_BINS) -> dict:
    """Expected calibration error of the top label and the reliability-curve bins."""
    codes = codebook.codes()
    confidence = proba.max(axis=1)
    correct = np.array([codes[i] for i in proba.argmax(axis=1)]) == y
    edges = np.linspace(0, 1, n_bins + 1)
    bins, ece = [], 0.0
    for lo, hi in zip(edges[:-1], edges[1:]):
        mask = (confidence > lo) & (confidence <= hi)
        if not mask.any():
            continue
        acc, conf = correct[mask].mean(), confidence[mask].mean()
        ece += mask.mean() * abs(acc - conf)
        bins.append({"low": round(lo, 2), "high": round(hi, 2), "n": int(mask.sum()),
                     "confidence": round(float(conf), 4), "accuracy": round(float(acc), 4)})
    return {"ece": round(float(ece), 4), "bins": bins}


def scores(y: np.ndarray, pred: np.ndarray, proba: np.ndarray | None = None) -> dict:
    """Accuracy, macro-F1, per-label P/R/F1, confusion matrix; top-2 accuracy and calibration
    when probabilities are given."""
    codes = codebook.codes()
    present = [c for c in codes if c in set(y)]
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=present, zero_division=0)
    out = {
        "n": int(len(y)),
        "accuracy": round(float(accuracy_score(y, pred)), 4),
        "macro_f1": round(float(f1_score(y, pred, labels=present, average="macro", zero_division=0)), 4),
        "per_label": {c: {"precision": round(float(pi), 4), "recall": round(float(ri), 4),
                          "f1": round(float(fi), 4), "support": int(si)}
                      for c, pi, ri, fi, si in zip(present, p, r, f, s)},
        "confusion": {"labels": codes,
                      "matrix": confusion_matrix(y, pred, labels=codes).tolist()},
    }
    if proba is not None:
        top2 = np.argsort(-proba, axis=1)[:, :2]
        out["top2_accuracy"] = round(float(np.mean([codes.index(t) in row for t, row in zip(y, top2)])), 4)
        out["calibration"] = calibration(proba, y)
    return out


# --- baselines --------------------------------------------------------------------------------

def majority_baseline(y, groups) -> np.ndarray:
    pred = np.empty(len(y), dtype=object)
    for train, test, _ in loco_folds(groups):
        pred[test] = pd.Series(y[train]).mode().iloc[0]
    return pred


def keyword_baseline(texts: list[str], y, groups) -> np.ndarray:
    """Label whose codebook terms occur most often; no term -> the training folds' majority."""
    labels = codebook.labels()
    pred = np.empty(len(y), dtype=object)
    for train, test, _ in loco_folds(groups):
        fallback = pd.Series(y[train]).mode().iloc[0]
        for i in test:
            counts = [sum(texts[i].count(t) for t in label.terms) for label in labels]
            pred[i] = labels[int(np.argmax(counts))].code if max(counts) else fallback
    return pred


def silver_baseline(section_paths, y, groups) -> np.ndarray:
    """Heading-based silver label; units whose headings name no area -> the majority label."""
    from research.annotations.silver import silver_label

    pred = np.empty(len(y), dtype=object)
    for train, test, _ in loco_folds(groups):
        fallback = pd.Series(y[train]).mode().iloc[0]
        for i in test:
            pred[i] = silver_label(section_paths[i]) or fallback
    return pred


def seeded_lda_baseline(doc_topics: pd.DataFrame, topic_labels: list[str]) -> np.ndarray:
    """Label of the unit's most probable seeded topic (free topics ignored)."""
    cols = [f"topic_{t}" for t, lab in enumerate(topic_labels) if lab != "free"]
    labs = [lab for lab in topic_labels if lab != "free"]
    return np.array([labs[i] for i in doc_topics[cols].to_numpy().argmax(axis=1)], dtype=object)


def learning_curve(params: dict, X, y, groups, sizes=(25, 50, 100, 150, 200), repeats: int = 2,
                   seed: int = 13, jobs: int = 1, full: dict | None = None) -> list[dict]:
    """Leave-one-city-out macro-F1 when training on ``n`` units drawn from the other cities."""
    rng = np.random.default_rng(seed)
    tasks, keys = [], []
    for n in sizes:
        for r in range(repeats):
            for train, test, _ in loco_folds(groups):
                take = np.sort(rng.choice(train, size=min(n, len(train)), replace=False))
                tasks.append((params, X[take], y[take], X[test]))
                keys.append((n, r, test))
    results = run_fits(tasks, jobs, desc="learning curve")
    preds = {}
    for (n, r, test), (pred, _, _) in zip(keys, results):
        preds.setdefault((n, r), np.empty(len(y), dtype=object))[test] = pred
    rows = []
    for n in sizes:
        values = [_macro_f1(y, preds[(n, r)]) for r in range(repeats)]
        rows.append({"train_units": n, "macro_f1": round(float(np.mean(values)), 4),
                     "sd": round(float(np.std(values)), 4), "repeats": repeats})
    full = full or loco(params, X, y, groups, jobs)
    rows.append({"train_units": "all (4 cities)", "macro_f1": round(_macro_f1(y, full["pred"]), 4),
                 "sd": 0.0, "repeats": 1})
    return rows
