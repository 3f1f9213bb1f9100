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


def onehot(labels) -> np.ndarray:
    """Labels as indicator rows (units x codebook labels)."""
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
