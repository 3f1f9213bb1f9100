"""Leave-one-city-out evaluation: nested model selection, metrics, baselines, learning curve.

Every number here is computed on units of a city the model did not see in training.
"""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd
from sklearn.metrics import accuracy_score, confusion_matrix, f1_score, precision_recall_fscore_support

from research import codebook
from research.classify.features import Segment, compose
from research.classify.pipeline import build_pipeline
from research.progress import progress
from research.text import Tokenizer

#: Hyper-parameter grid searched by the inner (grouped) cross-validation.
GRID = (
    [{"model": "logreg", "C": c, "chars": ch, "terms": t, "use_context": True}
     for c, ch, t in itertools.product((3.0, 10.0, 30.0), (True, False), (0.0, 1.0))]
    + [{"model": "svm", "C": c, "chars": True, "terms": 1.0, "use_context": True} for c in (0.1, 0.5)]
    + [{"model": "cnb", "alpha": a, "chars": True, "terms": 0.0, "use_context": True} for a in (0.1, 0.3)]
)
N_BINS = 10


def segment_once(texts: list[str], use_context: bool = True) -> np.ndarray:
    """Segment model inputs once; the pipelines accept the result and skip jieba."""
    return Segment(Tokenizer(), use_context=use_context).transform(texts)


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


def select_params(X, y, groups, grid=GRID) -> tuple[dict, float]:
    """Best grid point by macro-F1 pooled over leave-one-city-out folds of the given data."""
    best, best_score = None, -1.0
    for params in grid:
        pred = np.empty(len(y), dtype=object)
        for train, test, _ in loco_folds(groups):
            pred[test] = fit_predict(params, X[train], y[train], X[test])[0]
        score = f1_score(y, pred, average="macro", labels=sorted(set(y)), zero_division=0)
        if score > best_score + 1e-9:
            best, best_score = params, score
    return dict(best), float(best_score)


def nested_loco(X, y, groups, grid=GRID) -> dict:
    """Outer leave-one-city-out; hyper-parameters chosen inside each outer training set by an
    inner leave-one-city-out search.  Returns pooled out-of-fold predictions and probabilities."""
    codes = codebook.codes()
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(codes)))
    chosen = {}
    for train, test, city in progress(list(loco_folds(groups)), desc="outer folds"):
        params, _ = select_params(X[train], y[train], groups[train], grid)
        chosen[city] = params
        p, pr, classes = fit_predict(params, X[train], y[train], X[test])
        pred[test] = p
        for j, c in enumerate(classes):
            proba[test, codes.index(c)] = pr[:, j]
    return {"pred": pred, "proba": proba, "chosen": chosen}


def loco(params: dict, X, y, groups) -> dict:
    """Plain leave-one-city-out with fixed hyper-parameters (for ablations)."""
    codes = codebook.codes()
    pred = np.empty(len(y), dtype=object)
    proba = np.zeros((len(y), len(codes)))
    for train, test, _ in loco_folds(groups):
        p, pr, classes = fit_predict(params, X[train], y[train], X[test])
        pred[test] = p
        for j, c in enumerate(classes):
            proba[test, codes.index(c)] = pr[:, j]
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


def learning_curve(params: dict, X, y, groups, sizes=(25, 50, 100, 150, 200), repeats: int = 3,
                   seed: int = 13) -> list[dict]:
    """Leave-one-city-out macro-F1 when training on ``n`` units drawn from the other cities."""
    rng = np.random.default_rng(seed)
    rows = []
    for n in sizes:
        values = []
        for _ in range(repeats):
            pred = np.empty(len(y), dtype=object)
            for train, test, _ in loco_folds(groups):
                take = rng.choice(train, size=min(n, len(train)), replace=False)
                if len(set(y[take])) < 2:
                    pred[test] = y[take][0]
                    continue
                pred[test] = fit_predict(params, X[take], y[take], X[test])[0]
            values.append(f1_score(y, pred, average="macro", labels=sorted(set(y)), zero_division=0))
        rows.append({"train_units": n, "macro_f1": round(float(np.mean(values)), 4),
                     "sd": round(float(np.std(values)), 4), "repeats": repeats})
    full = loco(params, X, y, groups)
    rows.append({"train_units": "all (4 cities)", "macro_f1": scores(y, full["pred"])["macro_f1"],
                 "sd": 0.0, "repeats": 1})
    return rows
