"""The one function that labels units with a classifier (used by ``classify`` and the study).

>>> frame = label_units(model, texts, section_paths)   # doctest: +SKIP
>>> list(frame.columns)[:3]                             # doctest: +SKIP
['label', 'second_label', 'p_multi_tier']
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from research import codebook


def label_units(model, texts: Sequence[str], section_paths: Sequence[str] | None = None) -> pd.DataFrame:
    """The model's most probable and second most probable label of each unit (its text read
    with its section path, when given) and its probability of every code, rounded to 4 decimals,
    in the codebook's order: columns ``label``, ``second_label``, ``p_<code>`` ...  A code the
    model does not know gets probability 0."""
    from research.classify.features import compose

    paths = [""] * len(texts) if section_paths is None else list(section_paths)
    codes = codebook.codes()
    columns = [f"p_{c}" for c in codes]
    if not len(texts):
        return pd.DataFrame(columns=["label", "second_label", *columns])
    raw = model.predict_proba([compose(t, p) for t, p in zip(texts, paths)])
    classes = list(model.classes_)
    proba = np.zeros((len(raw), len(codes)))
    for j, c in enumerate(classes):
        proba[:, codes.index(c)] = raw[:, j]
    order = np.argsort(-proba, axis=1, kind="stable")[:, :2]
    names = np.array(codes, dtype=object)
    frame = pd.DataFrame(np.round(proba, 4), columns=columns)
    frame.insert(0, "label", names[order[:, 0]])
    frame.insert(1, "second_label", names[order[:, 1]])
    return frame
