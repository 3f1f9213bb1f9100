"""Training rows made from labelled model inputs: context dropout and sentence augmentation.

A model trained only on paragraphs with their section path learns that a missing path means
`other`.  :class:`~research.classify.estimator.ParagraphClassifier` therefore lets each
labelled input enter training up to three ways (:func:`augment`, called inside ``fit``, so a
cross-validation fold is augmented from its own training units only):

- the input as given (the paragraph with its section path, when it has one);
- the paragraph without its path (context dropout, ``context_dropout=True``);
- each of its sentences alone, labelled with the unit's label and weighted ``sentence_weight``
  (a sentence may say less than its unit), when it has more than one.
"""

from __future__ import annotations

import numpy as np

from research.classify.features import split_input
from research.text.patterns import split_sentences

#: Shorter pieces ("一是", headings' tails) carry no label of their own.
MIN_SENTENCE_CJK = 8


def sentences(text: str) -> list[str]:
    """The sentences of a paragraph (split after 。！？；!?) of at least 8 Chinese characters."""
    return split_sentences(text, min_cjk=MIN_SENTENCE_CJK)


def augment(X, y, context_dropout: bool, sentence_weight: float) -> tuple[list[str], np.ndarray, np.ndarray]:
    """Model inputs, labels and sample weights of the training rows made from ``X`` and ``y``."""
    rows, labels, weights = [], [], []
    for value, label in zip(X, y):
        path, text = split_input(value)
        made = [(value, 1.0)]
        if context_dropout and path:
            made.append((text, 1.0))
        if sentence_weight > 0:
            parts = sentences(text)
            if len(parts) > 1:
                made += [(part, float(sentence_weight)) for part in parts]
        rows += [m[0] for m in made]
        labels += [label] * len(made)
        weights += [m[1] for m in made]
    return rows, np.array(labels, dtype=object), np.array(weights, dtype=float)
