"""Training inputs made from labelled units: context dropout and sentence augmentation.

A model trained only on paragraphs with their section path learns that a missing path means
`other`.  Each labelled unit therefore enters training up to three ways (:func:`training_rows`):

- ``context``: the paragraph with its section path (when it has one);
- ``alone``: the paragraph without it (context dropout);
- ``sentence``: each of its sentences alone, labelled with the unit's label and weighted
  ``sentence_weight`` (a stress-tested augmentation: a sentence may say less than its unit).

Only the units of a training fold are augmented, so evaluation never sees a held-out unit.
"""

from __future__ import annotations

import re

import numpy as np

from research.classify.features import compose

KINDS = ("context", "alone", "sentence")
_SENTENCE = re.compile(r"[^。；！？!?]+[。；！？!?]?")
_CJK = re.compile(r"[\u3400-\u9fff]")
MIN_SENTENCE_CJK = 8  # shorter pieces ("一是", headings' tails) carry no label of their own


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (split at 。；！？), those of at least 8 Chinese characters."""
    return [s.strip() for s in _SENTENCE.findall(text) if len(_CJK.findall(s)) >= MIN_SENTENCE_CJK]


def training_rows(texts, section_paths, labels, context_dropout: bool = True,
                  sentence_weight: float = 0.5) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Model inputs, labels and sample weights for a set of labelled units."""
    X, y, w = [], [], []
    for text, path, label in zip(texts, section_paths, labels):
        for kind, value, weight in unit_inputs(text, path, context_dropout, sentence_weight):
            X.append(value)
            y.append(label)
            w.append(weight)
    return X, np.array(y, dtype=object), np.array(w, dtype=float)


def unit_inputs(text: str, path: str, context_dropout: bool = True, sentence_weight: float = 0.5):
    """``(kind, model input, weight)`` for one unit (see the module docstring)."""
    yield "context", compose(text, path), 1.0
    if context_dropout and path:
        yield "alone", text, 1.0
    if sentence_weight > 0:
        parts = sentences(text)
        if len(parts) > 1:
            for part in parts:
                yield "sentence", part, float(sentence_weight)
