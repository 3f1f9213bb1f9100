"""Stage ``validate sample``: which units of a study people code.

Input: a study folder (``corpus/units.csv`` and ``labels.csv``, written by ``python -m research
study``).  Output: ``sample.csv``, one row per drawn unit with its stratum (document, and the
classifier's label with ``by_label``), the stratum's size and sample size, its inclusion
probability and the strategy that drew it:

- ``random``: a stratified random sample (proportional allocation, at least one unit per
  stratum), a probability sample whose inclusion probabilities weight every estimate;
- ``uncertainty``: the units whose two most probable codes are closest (for training);
- ``diversity``: one unit per k-means cluster of the units' character TF-IDF (for training).

Only a ``random`` sample estimates accuracy or corrects shares; the others record no inclusion
probability.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, stats
from research.classify.label import STRUCTURE_SOURCE
from research.errors import InputError

STRATEGIES = ("random", "uncertainty", "diversity")
PROBA = [f"p_{c}" for c in codebook.codes()]
SAMPLE_COLUMNS = ["unit_id", "doc_id", "stratum", "stratum_units", "stratum_sample", "inclusion_probability",
                  "strategy", "seed"]


def read_loco(path: str | Path) -> pd.DataFrame:
    """A model's held-out predictions (``loco_predictions.csv``, written by ``python -m research
    train``): every training unit predicted by the model trained without its city."""
    if not Path(path).exists():
        raise InputError(f"{path}: no such file (python -m research train writes it)")
    loco = pd.read_csv(path, dtype={"unit_id": str, "city": str})
    return loco.rename(columns={"predicted": "classifier_label"}).assign(doc_id=loco.city)


def study_units(study: str | Path) -> pd.DataFrame:
    """A study's units with their text, section path and the classifier's label and
    probabilities, in corpus order."""
    study = Path(study)
    for name in ("corpus/units.csv", "labels.csv"):
        if not (study / name).exists():
            raise InputError(f"{study / name}: no such file (python -m research study writes it)")
    units = pd.read_csv(study / "corpus" / "units.csv", dtype={"doc_id": str, "unit_id": str},
                        keep_default_na=False)
    labels = pd.read_csv(study / "labels.csv", dtype={"doc_id": str, "unit_id": str}, keep_default_na=False)
    merged = units[["unit_id", "doc_id", "order", "section_path", "text"]].merge(
        labels[["unit_id", "label_source", "classifier_label", *PROBA]], on="unit_id", how="inner",
        validate="one_to_one")
    if len(merged) != len(units):
        raise InputError(f"{study / 'labels.csv'}: does not label every unit of corpus/units.csv")
    merged = merged[merged.label_source != STRUCTURE_SOURCE].drop(columns="label_source")  # not policy text
    return merged.sort_values(["doc_id", "order"], kind="stable").reset_index(drop=True)


def allocate(sizes: pd.Series, n: int) -> pd.Series:
    """Sample size per stratum: one each, the rest in proportion to the strata's remaining
    units (largest remainder), never more than a stratum holds."""
    if n < len(sizes):
        raise InputError(f"a sample of {n} cannot hold one unit of each of {len(sizes)} strata; "
                         f"raise --n (or leave out --by-label)")
    n = min(n, int(sizes.sum()))
    alloc = pd.Series(1, index=sizes.index)
    while alloc.sum() < n:
        room = sizes - alloc
        quota = room / room.sum() * (n - alloc.sum())
        extra = np.minimum(np.floor(quota), room).astype(int)
        if extra.sum() == 0:  # hand out the remainders one by one, largest first
            order = (quota - np.floor(quota)).where(room > 0, -1).sort_values(ascending=False, kind="stable")
            extra = pd.Series(0, index=sizes.index)
            extra[order.index[: n - alloc.sum()]] = 1
        alloc += extra
    return alloc


def margin(proba: np.ndarray) -> np.ndarray:
    """Difference between each unit's two highest probabilities (small: uncertain)."""
    top = np.sort(proba, axis=1)
    return top[:, -1] - top[:, -2]


def diverse(texts: list[str], n: int, seed: int) -> np.ndarray:
    """Positions of ``n`` units spread over the text: the unit nearest each centre of a
    k-means clustering of character uni- and bigram TF-IDF."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import pairwise_distances

    if n >= len(texts):
        return np.arange(len(texts))
    X = TfidfVectorizer(analyzer="char", ngram_range=(1, 2)).fit_transform(texts)
    centres = KMeans(n_clusters=n, n_init=3, random_state=seed).fit(X).cluster_centers_
    distance = pairwise_distances(centres, X)
    picked: list[int] = []
    for row in distance:  # the nearest unit not yet picked
        row[picked] = np.inf
        picked.append(int(np.argmin(row)))
    return np.sort(np.array(picked))


def pick(units: pd.DataFrame, n: int, strategy: str, rng: np.random.Generator, seed: int) -> np.ndarray:
    """Positions of ``n`` of ``units`` chosen by ``strategy``."""
    if strategy == "random":
        return np.sort(rng.choice(len(units), size=n, replace=False))
    if strategy == "uncertainty":
        return np.sort(np.argsort(margin(units[PROBA].to_numpy(dtype=float)), kind="stable")[:n])
    return diverse(list(units.text), n, seed)


def draw_sample(units: pd.DataFrame, n: int, strategy: str = "random", by_label: bool = False,
                seed: int = stats.SEED) -> pd.DataFrame:
    """``sample.csv`` rows (:data:`SAMPLE_COLUMNS`) for ``n`` of ``units`` (:func:`study_units`),
    stratified by document (and the classifier's label with ``by_label``)."""
    if strategy not in STRATEGIES:
        raise InputError(f"unknown strategy {strategy!r} (choose {', '.join(STRATEGIES)})")
    if n < 1:
        raise InputError("--n must be at least 1")
    strata = units.doc_id.astype(str) + ("/" + units.classifier_label if by_label else "")
    sizes = strata.value_counts().sort_index()
    alloc = allocate(sizes, n)
    rng = stats.generator(seed)
    rows = []
    for stratum in sizes.index:
        members = units[strata == stratum]
        chosen = members.iloc[pick(members, int(alloc[stratum]), strategy, rng, seed)]
        rows.append(pd.DataFrame({
            "unit_id": chosen.unit_id, "doc_id": chosen.doc_id, "stratum": stratum,
            "stratum_units": int(sizes[stratum]), "stratum_sample": int(alloc[stratum]),
            "inclusion_probability": alloc[stratum] / sizes[stratum] if strategy == "random" else np.nan,
            "strategy": strategy, "seed": seed}))
    return pd.concat(rows, ignore_index=True)[SAMPLE_COLUMNS]


def read_sample(path: str | Path) -> pd.DataFrame:
    """A ``sample.csv`` written by :func:`draw_sample`."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file (python -m research validate sample writes it)")
    frame = pd.read_csv(path, dtype={"unit_id": str, "doc_id": str, "stratum": str}, keep_default_na=False,
                        na_values={"inclusion_probability": [""]})
    missing = [c for c in SAMPLE_COLUMNS if c not in frame]
    if missing:
        raise InputError(f"{path}: not a sample file (missing column(s) {', '.join(missing)})")
    return frame
