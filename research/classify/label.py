"""The one function that labels units with a classifier (used by ``classify`` and the study).

>>> frame = label_units(model, texts, section_paths)   # doctest: +SKIP
>>> list(frame.columns)[:3]                             # doctest: +SKIP
['label', 'second_label', 'p_multi_tier']

:func:`label_records` gives the same values as a list of dicts, without pandas (``classify``
renders them as they are, so it starts without importing pandas).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from research import codebook


def _label_arrays(model, texts: Sequence[str], section_paths: Sequence[str] | None):
    """``(codes, first, second, proba)``: label indices into the codebook's codes and the
    probabilities in codes' order, rounded to 4 decimals."""
    from research.classify.inputs import compose

    paths = [""] * len(texts) if section_paths is None else list(section_paths)
    codes = codebook.codes()
    if not len(texts):
        return codes, np.zeros(0, dtype=int), np.zeros(0, dtype=int), np.zeros((0, len(codes)))
    raw = model.predict_proba([compose(t, p) for t, p in zip(texts, paths)])
    proba = np.zeros((len(raw), len(codes)))
    for j, c in enumerate(model.classes_):
        proba[:, codes.index(c)] = raw[:, j]
    order = np.argsort(-proba, axis=1, kind="stable")[:, :2]
    return codes, order[:, 0], order[:, 1], np.round(proba, 4)


def label_units(model, texts: Sequence[str], section_paths: Sequence[str] | None = None):
    """The model's most probable and second most probable label of each unit (its text read
    with its section path, when given) and its probability of every code, rounded to 4 decimals,
    in the codebook's order: a DataFrame with columns ``label``, ``second_label``, ``p_<code>`` ...
    A code the model does not know gets probability 0."""
    import pandas as pd

    codes, first, second, proba = _label_arrays(model, texts, section_paths)
    columns = [f"p_{c}" for c in codes]
    if not len(proba):
        return pd.DataFrame(columns=["label", "second_label", *columns])
    names = np.array(codes, dtype=object)
    frame = pd.DataFrame(proba, columns=columns)
    frame.insert(0, "label", names[first])
    frame.insert(1, "second_label", names[second])
    return frame


def label_records(model, texts: Sequence[str], section_paths: Sequence[str] | None = None) -> list[dict]:
    """:func:`label_units` as one dict per unit (Python floats)."""
    codes, first, second, proba = _label_arrays(model, texts, section_paths)
    columns = [f"p_{c}" for c in codes]
    return [{"label": codes[a], "second_label": codes[b], **dict(zip(columns, row))}
            for a, b, row in zip(first.tolist(), second.tolist(), proba.tolist())]
