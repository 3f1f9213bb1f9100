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


#: Label and label source of a front-matter unit (addressee, signature, date ...): not policy
#: text, so never sent to the classifier.
STRUCTURE_LABEL, STRUCTURE_SOURCE = "other", "structure"


def label_units(model, texts: Sequence[str], section_paths: Sequence[str] | None = None,
                parts: Sequence[str] | None = None) -> pd.DataFrame:
    """The model's most probable and second most probable label of each unit (its text read
    with its section path, when given) and its probability of every code, rounded to 4 decimals,
    in the codebook's order: columns ``label``, ``second_label``, ``p_<code>`` ...  A code the
    model does not know gets probability 0.  A unit whose part (``parts``) is front matter is
    not classified: label ``other`` with probability 1, no second label."""
    from research.corpus.segment import FRONT_MATTER

    codes = codebook.codes()
    columns = [f"p_{c}" for c in codes]
    front = np.array([p == FRONT_MATTER for p in parts] if parts is not None else [False] * len(texts), dtype=bool)
    paths = [""] * len(texts) if section_paths is None else list(section_paths)
    frame = pd.DataFrame(0.0, index=range(len(texts)), columns=columns)
    frame.insert(0, "label", STRUCTURE_LABEL)
    frame.insert(1, "second_label", "")
    frame.loc[front, f"p_{STRUCTURE_LABEL}"] = 1.0
    policy = np.flatnonzero(~front)
    if len(policy):
        predicted = _predict(model, [texts[i] for i in policy], [paths[i] for i in policy], codes)
        predicted.index = policy
        frame.loc[policy, predicted.columns] = predicted
    return frame


def _predict(model, texts: list[str], paths: list[str], codes: list[str]) -> pd.DataFrame:
    from research.classify.features import compose

    columns = [f"p_{c}" for c in codes]
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
