"""The one function that labels units with a classifier (used by ``classify`` and the study).

>>> frame = label_units(model, texts, section_paths, parts)   # doctest: +SKIP
>>> list(frame.columns)[:3]                                    # doctest: +SKIP
['label', 'second_label', 'p_multi_tier']

:func:`label_records` gives the same values as a list of dicts, without pandas (``classify``
renders them as they are, so it starts without importing pandas).  A front-matter unit
(addressee, signature, date ...: ``parts``) is not policy text: it is never sent to the
classifier and gets label ``other`` with probability 1 and no second label.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from research import codebook

#: Label and label source of a front-matter unit (addressee, signature, date ...): not policy
#: text, so never sent to the classifier.
STRUCTURE_LABEL, STRUCTURE_SOURCE = "other", "structure"


def _label_arrays(model, texts: Sequence[str], section_paths: Sequence[str] | None,
                  parts: Sequence[str] | None = None):
    """``(codes, first, second, proba)``: label indices into the codebook's codes (second -1
    for front matter) and the probabilities in codes' order, rounded to 4 decimals."""
    from research.classify.inputs import compose
    from research.corpus.segment import FRONT_MATTER

    paths = [""] * len(texts) if section_paths is None else list(section_paths)
    codes = codebook.codes()
    front = np.array([p == FRONT_MATTER for p in parts] if parts is not None else [False] * len(texts), dtype=bool)
    proba = np.zeros((len(texts), len(codes)))
    proba[front, codes.index(STRUCTURE_LABEL)] = 1.0
    policy = np.flatnonzero(~front)
    if len(policy):
        raw = model.predict_proba([compose(texts[i], paths[i]) for i in policy])
        for j, c in enumerate(model.classes_):
            proba[policy, codes.index(c)] = raw[:, j]
    order = np.argsort(-proba, axis=1, kind="stable")[:, :2]
    second = np.where(front, -1, order[:, 1]) if len(texts) else order[:, 1]
    return codes, order[:, 0], second, np.round(proba, 4)


def label_units(model, texts: Sequence[str], section_paths: Sequence[str] | None = None,
                parts: Sequence[str] | None = None):
    """The model's most probable and second most probable label of each unit (its text read
    with its section path, when given) and its probability of every code, rounded to 4 decimals,
    in the codebook's order: a DataFrame with columns ``label``, ``second_label``, ``p_<code>`` ...
    A code the model does not know gets probability 0; a front-matter unit (``parts``) is
    ``other`` with probability 1 and no second label."""
    import pandas as pd

    codes, first, second, proba = _label_arrays(model, texts, section_paths, parts)
    columns = [f"p_{c}" for c in codes]
    if not len(proba):
        return pd.DataFrame(columns=["label", "second_label", *columns])
    names = np.array([*codes, ""], dtype=object)  # index -1: no second label
    frame = pd.DataFrame(proba, columns=columns)
    frame.insert(0, "label", names[first])
    frame.insert(1, "second_label", names[second])
    return frame


def label_records(model, texts: Sequence[str], section_paths: Sequence[str] | None = None,
                  parts: Sequence[str] | None = None) -> list[dict]:
    """:func:`label_units` as one dict per unit (Python floats)."""
    codes, first, second, proba = _label_arrays(model, texts, section_paths, parts)
    columns = [f"p_{c}" for c in codes]
    names = [*codes, ""]
    return [{"label": names[a], "second_label": names[b], **dict(zip(columns, row))}
            for a, b, row in zip(first.tolist(), second.tolist(), proba.tolist())]
