"""Baselines that use no gold label: the keyword rule.

(Written in part B's worktree against the interface of the design; part A's module of the same
name holds the project's baselines, and the integrator keeps that one.)
"""

from __future__ import annotations

import numpy as np

from research import codebook


def keyword_rule(texts, term_list: str = "national_terms", fallback: str = "other") -> np.ndarray:
    """The label whose codebook terms (``term_list``: "national_terms" or "terms") occur most
    often in each text, the first label on ties; ``fallback`` when no term occurs."""
    labels = codebook.labels()
    out = []
    for text in texts:
        counts = [sum(text.count(t) for t in getattr(label, term_list)) for label in labels]
        out.append(labels[int(np.argmax(counts))].code if max(counts) else fallback)
    return np.array(out, dtype=object)
