"""The tables a fitted topic model writes, as DataFrames (the files keep the column name
``city`` for the grouping column, whatever the groups are).

- ``topics.csv``: topic, seed_label, rank, word, weight (top 20 words per topic);
- ``doc_topics.csv``: unit_id, doc_id, city, topic_0 ...;
- ``chain_doc_topics.csv``: doc_id, chain, n_units, topic_0 ... (each document's mean topic
  proportions in each chain: the topics' own uncertainty, for covariate effects);
- ``city_prevalence.csv``: city, topic, share, ci_low, ci_high;
- ``area_prevalence.csv``: city, area, share, ci_low, ci_high;
- ``representative_units.csv``: topic, rank, unit_id, city, proportion, text;
- ``unit_areas.csv``: unit_id, city, area, w_<code> ...

Intervals come from :func:`research.stats.group_means` (units resampled within the group; over
several aligned chains, each draw also takes one chain).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research import codebook, stats
from research.topics.diagnostics import top_words

TOP_WORDS = 20


def topics_table(phi: np.ndarray, vocab: list[str], topic_labels: list[str], n: int = TOP_WORDS) -> pd.DataFrame:
    index = {w: i for i, w in enumerate(vocab)}
    rows = []
    for t, words in enumerate(top_words(phi, vocab, n)):
        rows.extend({"topic": t, "seed_label": topic_labels[t], "rank": r + 1, "word": w,
                     "weight": float(phi[t, index[w]])} for r, w in enumerate(words))
    return pd.DataFrame(rows)


def doc_topics_table(units: pd.DataFrame, theta: np.ndarray) -> pd.DataFrame:
    frame = units[["unit_id", "doc_id", "group"]].rename(columns={"group": "city"})
    topics = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(theta.shape[1])], index=frame.index)
    return pd.concat([frame, topics], axis=1)


def chain_doc_topics_table(units: pd.DataFrame, run_thetas: np.ndarray) -> pd.DataFrame:
    """Mean topic proportions of each document's units, per chain (``run_thetas``: chains x
    units x topics, aligned)."""
    frames = []
    for chain, theta in enumerate(np.asarray(run_thetas)):
        topics = pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(theta.shape[1])])
        grouped = topics.groupby(units.doc_id.to_numpy(), sort=False)
        mean = grouped.mean()
        mean.insert(0, "n_units", grouped.size())
        mean.insert(0, "chain", chain)
        frames.append(mean.rename_axis("doc_id").reset_index())
    return pd.concat(frames, ignore_index=True)


def prevalence_table(values: np.ndarray, groups) -> pd.DataFrame:
    """Mean topic proportion per group (``values``: units x topics, or chains x units x topics)."""
    table = stats.group_means(values, groups)
    return table.rename(columns={"group": "city", "column": "topic"})[["city", "topic", "share", "ci_low", "ci_high"]]


def area_prevalence_table(weights: np.ndarray, groups) -> pd.DataFrame:
    """Mean area weight per group (``weights``: units x codebook labels)."""
    table = stats.group_means(weights, groups)
    codes = codebook.codes()
    table = table.assign(area=[codes[c] for c in table.column]).rename(columns={"group": "city"})
    return table[["city", "area", "share", "ci_low", "ci_high"]]


def representative_units(units: pd.DataFrame, theta: np.ndarray, n: int = 3) -> pd.DataFrame:
    """The ``n`` units with the highest proportion of each topic (for a readable topic label)."""
    rows = []
    for t in range(theta.shape[1]):
        for rank, i in enumerate(np.argsort(-theta[:, t], kind="stable")[:n], start=1):
            rows.append({"topic": t, "rank": rank, "unit_id": units.unit_id.iloc[i],
                         "city": units.group.iloc[i], "proportion": float(theta[i, t]),
                         "text": units.text.iloc[i][:120]})
    return pd.DataFrame(rows)


def unit_areas_table(units: pd.DataFrame, weights: np.ndarray) -> pd.DataFrame:
    """Each unit's area weights and the area of the largest weight."""
    codes = codebook.codes()
    frame = units[["unit_id", "group"]].rename(columns={"group": "city"})
    frame["area"] = np.array(codes, dtype=object)[weights.argmax(axis=1)]
    for j, code in enumerate(codes):
        frame[f"w_{code}"] = weights[:, j]
    return frame
