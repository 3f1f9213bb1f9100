"""Scoring topic views against gold (gold is used here only, never to fit a topic model).

Macro-F1 with 95% bootstrap intervals over units (and the paired difference between two
predictors on the same draws), the keyword rule on a given term list, per-city area shares
against gold shares (Pearson r over city x area cells), and the leave-one-city-out mapping of
free topics to areas.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research import codebook

N_BOOT, BOOT_SEED = 2000, 7


def keyword_rule(texts, term_list: str = "national_terms", fallback: str = "other") -> np.ndarray:
    """Label whose codebook terms occur most often in the text (first label on ties); no term at
    all -> ``fallback``.  Uses no gold label."""
    labels = codebook.labels()
    out = []
    for text in texts:
        counts = [sum(text.count(t) for t in getattr(label, term_list)) for label in labels]
        out.append(labels[int(np.argmax(counts))].code if max(counts) else fallback)
    return np.array(out, dtype=object)


def _macro_f1(y: np.ndarray, pred: np.ndarray, n: int) -> np.ndarray:
    """Macro-F1 per row of integer-coded ``y``/``pred`` (draws x units) over labels present in y."""
    draws = y.shape[0]
    offsets = (np.arange(draws) * n * n)[:, None]
    conf = np.bincount((offsets + y * n + pred).ravel(), minlength=draws * n * n).reshape(draws, n, n)
    tp = np.diagonal(conf, axis1=1, axis2=2)
    support, predicted = conf.sum(axis=2), conf.sum(axis=1)
    denom = support + predicted
    f1 = np.divide(2 * tp, denom, out=np.zeros(tp.shape), where=denom > 0)
    present = support > 0
    return (f1 * present).sum(axis=1) / present.sum(axis=1)


def f1_with_ci(y, predictions: dict[str, np.ndarray], n_boot: int = N_BOOT, seed: int = BOOT_SEED,
               reference: str | None = None) -> pd.DataFrame:
    """Macro-F1 and accuracy of each predictor with 95% percentile intervals over units
    resampled with replacement (the same draws for every predictor); with ``reference``, the
    paired difference to it and its interval."""
    codes = codebook.codes()
    code = {c: i for i, c in enumerate(codes)}
    y = np.array([code[v] for v in y])
    idx = np.random.default_rng(seed).integers(0, len(y), size=(n_boot, len(y)))
    boots, rows = {}, []
    for name, pred in predictions.items():
        p = np.array([code[v] for v in pred])
        boots[name] = _macro_f1(y[idx], p[idx], len(codes))
        point = float(_macro_f1(y[None], p[None], len(codes))[0])
        low, high = np.percentile(boots[name], [2.5, 97.5])
        rows.append({"view": name, "macro_f1": point, "f1_low": low, "f1_high": high,
                     "accuracy": float((p == y).mean())})
    table = pd.DataFrame(rows)
    if reference is not None:
        diffs = [boots[name] - boots[reference] for name in predictions]
        table[f"diff_vs_{reference}"] = table.macro_f1 - table.macro_f1[table.view == reference].iloc[0]
        table["diff_low"] = [np.percentile(d, 2.5) for d in diffs]
        table["diff_high"] = [np.percentile(d, 97.5) for d in diffs]
    return table


def city_shares(weights: np.ndarray, cities) -> pd.DataFrame:
    """Mean of ``weights`` (units x labels) per city: a city x label table."""
    return pd.DataFrame(weights, columns=codebook.codes()).groupby(np.asarray(cities)).mean()


def share_correlation(weights: np.ndarray, gold, cities, n_boot: int = N_BOOT,
                      seed: int = BOOT_SEED) -> dict:
    """Pearson r between per-city area shares from ``weights`` (units x labels) and gold unit
    shares over all city x area cells, with a 95% interval resampling units within city."""
    cities = np.asarray(cities)
    target = onehot(gold)
    rng = np.random.default_rng(seed)
    groups = [np.flatnonzero(cities == c) for c in sorted(set(cities))]
    point = _rowwise_r(np.concatenate([weights[g].mean(axis=0) for g in groups])[None],
                       np.concatenate([target[g].mean(axis=0) for g in groups])[None])[0]
    draws = [rng.choice(g, size=(n_boot, len(g))) for g in groups]
    pred = np.concatenate([weights[d].mean(axis=1) for d in draws], axis=1)
    true = np.concatenate([target[d].mean(axis=1) for d in draws], axis=1)
    low, high = np.nanpercentile(_rowwise_r(pred, true), [2.5, 97.5])
    return {"r": round(float(point), 3), "r_low": round(float(low), 3), "r_high": round(float(high), 3),
            "cells": int(len(groups) * weights.shape[1])}


def _rowwise_r(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    a = a - a.mean(axis=1, keepdims=True)
    b = b - b.mean(axis=1, keepdims=True)
    return (a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1))


def onehot(labels) -> np.ndarray:
    codes = codebook.codes()
    return (np.asarray(labels)[:, None] == np.array(codes)[None]).astype(float)


def topic_area_mapping(theta: np.ndarray, labels, codes: list[str]) -> pd.DataFrame:
    """Each topic's weight in units of each gold label, as a share per topic (rows sum to 1);
    the topic's area is the label with the highest lift over its overall share."""
    labels = np.asarray(labels)
    base = np.array([(labels == c).mean() for c in codes])
    rows = []
    for t in range(theta.shape[1]):
        weight = np.array([theta[labels == c, t].sum() for c in codes])
        share = weight / weight.sum() if weight.sum() else weight
        lift = np.divide(share, base, out=np.zeros_like(share), where=base > 0)
        rows.append({"topic": t, "area": codes[int(np.argmax(lift))],
                     **{f"share_{c}": float(s) for c, s in zip(codes, share)}})
    return pd.DataFrame(rows)


def loco_mapping(theta: np.ndarray, gold, cities, topics=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Leave-one-city-out topic-to-area mapping: for each city, the mapping is fitted on the
    other cities' gold labels and applied to that city's units.  ``topics`` (default all) are
    the topic columns mapped.  Returns the mapping per held-out city and the area weights of
    every unit (units x labels) from the mapped topics."""
    codes = codebook.codes()
    cities, gold = np.asarray(cities), np.asarray(gold)
    topics = list(range(theta.shape[1])) if topics is None else list(topics)
    weights = np.zeros((len(gold), len(codes)))
    rows = []
    for city in sorted(set(cities)):
        held = cities == city
        mapping = topic_area_mapping(theta[~held][:, topics], gold[~held], codes)
        for j, (t, area) in enumerate(zip(topics, mapping.area)):
            weights[held, codes.index(area)] += theta[held, t]
            rows.append({"held_out_city": city, "topic": t, "area": area,
                         "fitted_on_units": int((~held).sum())})
    return pd.DataFrame(rows), weights
