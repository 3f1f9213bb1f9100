"""Topics mapped onto the codebook's areas with labels (the labels are used here only, never
to fit a topic model).

:func:`topic_area_mapping` gives each topic the area with the highest lift of its weight in the
units of that label; :func:`loco_mapping` fits that mapping without each group in turn and
applies it to the group's units, so no unit's own label enters its area weights.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research import codebook


def _mapping(weight: np.ndarray, counts: np.ndarray, n: int, codes: list[str]) -> pd.DataFrame:
    """The mapping from each topic's summed weight in the units of each label (labels x topics)
    and the number of units of each label, of ``n`` units."""
    base = counts / n
    rows = []
    for t in range(weight.shape[1]):
        total = weight[:, t].sum()
        share = weight[:, t] / total if total else weight[:, t]
        lift = np.divide(share, base, out=np.zeros_like(share), where=base > 0)
        rows.append({"topic": t, "area": codes[int(np.argmax(lift))],
                     **{f"share_{c}": float(s) for c, s in zip(codes, share)}})
    return pd.DataFrame(rows)


def topic_area_mapping(theta: np.ndarray, labels, codes: list[str]) -> pd.DataFrame:
    """Each topic's weight in units of each gold label, as a share per topic (rows sum to 1);
    the topic's area is the label with the highest lift over its overall share."""
    indicator = codebook.onehot(labels, codes)
    return _mapping(indicator.T @ theta, indicator.sum(axis=0), len(indicator), codes)


def loco_mapping(theta: np.ndarray, gold, cities, topics=None) -> tuple[pd.DataFrame, np.ndarray]:
    """Leave-one-city-out topic-to-area mapping: for each city, the mapping is fitted on the
    other cities' gold labels and applied to that city's units.  ``topics`` (default all) are
    the topic columns mapped.  Returns the mapping per held-out city and the area weights of
    every unit (units x labels) from the mapped topics."""
    codes = codebook.codes()
    topics = list(range(theta.shape[1])) if topics is None else list(topics)
    values = np.asarray(cities)
    names = sorted(set(values))
    position = {name: i for i, name in enumerate(names)}
    city = np.array([position[c] for c in values], dtype=int)
    chosen = np.asarray(theta, dtype=float)[:, topics]
    label = np.array([codes.index(g) if g in codes else -1 for g in np.asarray(gold)], dtype=int)
    # each city's label x topic sums, subtracted from the whole: the other cities' sums
    cell, known, size = city * len(codes) + label, label >= 0, len(names) * len(codes)
    by_city = np.stack([np.bincount(cell[known], chosen[known, j], size) for j in range(len(topics))], axis=1)
    by_city = by_city.reshape(len(names), len(codes), len(topics))
    counts = np.bincount(cell[known], minlength=size).reshape(len(names), len(codes)).astype(float)
    units = np.bincount(city, minlength=len(names))
    area = np.empty((len(names), len(topics)), dtype=int)
    rows = []
    for c, name in enumerate(names):
        others = len(city) - units[c]
        mapping = _mapping(by_city.sum(axis=0) - by_city[c], counts.sum(axis=0) - counts[c], others, codes)
        area[c] = [codes.index(a) for a in mapping.area]
        rows += [{"held_out_city": name, "topic": t, "area": a, "fitted_on_units": int(others)}
                 for t, a in zip(topics, mapping.area)]
    weights = np.zeros((len(city), len(codes)))
    unit = np.arange(len(city))
    for j, t in enumerate(topics):  # a unit's topics in order, as the sums were always added
        weights[unit, area[city, j]] += theta[:, t]
    return pd.DataFrame(rows), weights
