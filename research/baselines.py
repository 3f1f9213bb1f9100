"""The baselines a classifier or a topic model is compared with, one definition each.

- :func:`keyword_rule`: the label whose codebook terms occur most often in the text; the
  input decides what it reads (a paragraph alone, or with its section path);
- :func:`heading_rule`: the heading-based silver label (the area the section path names);
- :func:`majority`: the most frequent training label (scikit-learn's ``DummyClassifier``; it
  learns, so evaluate it leave-one-group-out).

The two rules use no gold label.  Both fall back to ``fallback`` (default ``"other"``) where they
find nothing.
"""

from __future__ import annotations

import numpy as np
from sklearn.dummy import DummyClassifier

from research import codebook

FALLBACK = "other"


def keyword_rule(texts, term_list: str = "national_terms", fallback: str = FALLBACK) -> np.ndarray:
    """Label whose terms (``term_list``: the codebook's ``"national_terms"``, the framework's
    wording, or ``"terms"``, read off the seed plans) occur most often in each text (the first
    label in codebook order on ties); no term at all -> ``fallback``."""
    labels = codebook.labels()
    if not hasattr(labels[0], term_list):
        raise ValueError(f"unknown term list {term_list!r}: use 'national_terms' or 'terms'")
    terms = [getattr(label, term_list) for label in labels]
    out = []
    for text in texts:
        counts = [sum(text.count(t) for t in group) for group in terms]
        out.append(labels[int(np.argmax(counts))].code if max(counts) else fallback)
    return np.array(out, dtype=object)


def heading_rule(section_paths, fallback: str = FALLBACK) -> np.ndarray:
    """The area the deepest heading of each section path names
    (:func:`research.annotations.silver.silver_label`); none named -> ``fallback``."""
    from research.annotations.silver import silver_label

    return np.array([silver_label(p or "") or fallback for p in section_paths], dtype=object)


def majority() -> DummyClassifier:
    """The majority-label baseline, unfitted."""
    return DummyClassifier(strategy="most_frequent")
