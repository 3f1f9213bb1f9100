"""Metrics of a classifier's predictions: scores with 95% intervals, per label, calibration.

Intervals come from :func:`research.stats.classification_scores` (units resampled; a unit's
sentences drawn together through ``clusters``), with the project's one seed policy.
"""

from __future__ import annotations

import numpy as np
from sklearn.metrics import confusion_matrix, precision_recall_fscore_support

from research import codebook, stats

N_BINS = 10


def calibration(proba: np.ndarray, y: np.ndarray, n_bins: int = N_BINS) -> dict:
    """Expected calibration error of the top label and the reliability-curve bins
    (``proba`` columns in codebook order)."""
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


def top2_hits(y, proba: np.ndarray) -> np.ndarray:
    """Whether each true label is among the two most probable (``proba`` in codebook order)."""
    codes = codebook.codes()
    top2 = np.argsort(-proba, axis=1, kind="stable")[:, :2]
    return np.array([codes.index(t) in row for t, row in zip(y, top2)])


def _rounded(value: float) -> float:
    return round(float(value), 4)


def scores(y, pred, proba: np.ndarray | None = None, clusters=None, intervals: bool = True) -> dict:
    """Accuracy and macro-F1 (with 95% intervals), per-label precision/recall/F1, the confusion
    matrix and the rate of `other` predictions against the gold rate; top-2 accuracy and
    calibration when probabilities (codebook order) are given."""
    codes = codebook.codes()
    y, pred = np.asarray(y, dtype=object), np.asarray(pred, dtype=object)
    present = [c for c in codes if c in set(y)]
    top2 = {"model": top2_hits(y, proba)} if proba is not None else None
    table = stats.classification_scores(y, {"model": pred}, codes, top2=top2, clusters=clusters,
                                        n_draws=stats.N_DRAWS if intervals else 1).iloc[0]
    p, r, f, s = precision_recall_fscore_support(y, pred, labels=present, zero_division=0)
    out = {
        "n": int(len(y)),
        "accuracy": _rounded(table.accuracy),
        "macro_f1": _rounded(table.macro_f1),
        "other_rate": _rounded(np.mean(pred == "other")),
        "gold_other_rate": _rounded(np.mean(y == "other")),
        "per_label": {c: {"precision": _rounded(pi), "recall": _rounded(ri), "f1": _rounded(fi), "support": int(si)}
                      for c, pi, ri, fi, si in zip(present, p, r, f, s)},
        "confusion": {"labels": codes, "matrix": confusion_matrix(y, pred, labels=codes).tolist()},
    }
    if proba is not None:
        out["top2_accuracy"] = _rounded(table.top2_accuracy)
        out["calibration"] = calibration(proba, y)
    if intervals:
        keys = ("macro_f1", "accuracy") + (("top2_accuracy",) if proba is not None else ())
        out["ci95"] = {k: [_rounded(table[f"{k}_low"]), _rounded(table[f"{k}_high"])] for k in keys}
    return out


def summary(s: dict) -> dict:
    """The headline numbers of a :func:`scores` result (for ablations and baselines)."""
    keep = ("n", "macro_f1", "accuracy", "top2_accuracy", "other_rate", "gold_other_rate", "ci95")
    return {k: s[k] for k in keep if k in s}
