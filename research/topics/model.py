"""Fitting LDA with gensim, unseeded or seeded with the codebook's terms through ``eta``."""

from __future__ import annotations

import logging

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel

from research import codebook
from research.text import Tokenizer

logging.getLogger("gensim").setLevel(logging.WARNING)

PASSES, ITERATIONS = 10, 100
SEED_STRENGTH, BASE_ETA = 50.0, 0.01  # strong enough to hold against ~300 units of data


def fit_lda(bow: list, dictionary: Dictionary, k: int, seed: int, eta=None,
            passes: int = PASSES, iterations: int = ITERATIONS) -> LdaModel:
    """Single-process ``LdaModel``: with a fixed ``seed`` it repeats exactly."""
    return LdaModel(corpus=bow, id2word=dictionary, num_topics=k, random_state=seed,
                    passes=passes, iterations=iterations, alpha="symmetric",
                    eta=BASE_ETA if eta is None else eta, eval_every=None, chunksize=2000)


def seed_terms(dictionary: Dictionary) -> dict[str, list[int]]:
    """Dictionary ids of each label's codebook terms.  A term jieba splits contributes its
    parts of three or more characters; an id claimed by two labels seeds neither."""
    tokenizer = Tokenizer(user_dict=True, stop="topic", min_len=3)
    out = {}
    for label in codebook.labels():
        ids = set()
        for term in label.terms:
            words = [term] if term in dictionary.token2id else tokenizer(term)
            ids |= {dictionary.token2id[w] for w in words if w in dictionary.token2id}
        out[label.code] = ids
    shared = {i for a in out for b in out if a < b for i in out[a] & out[b]}
    return {code: sorted(ids - shared) for code, ids in out.items()}


def seeded_eta(dictionary: Dictionary, n_free: int, strength: float = SEED_STRENGTH,
               base: float = BASE_ETA) -> tuple[np.ndarray, list[str]]:
    """Topic-word prior: one topic per codebook label whose terms get ``strength``, a seed
    term of one label is discouraged in the other seeded topics, then ``n_free`` free topics.
    Returns the (K, V) prior and the label (or "free") of each topic."""
    seeds = seed_terms(dictionary)
    codes = list(seeds)
    k = len(codes) + n_free
    eta = np.full((k, len(dictionary)), base)
    for t, code in enumerate(codes):
        for other in codes:
            if other != code:
                eta[t, seeds[other]] = base / 10
        eta[t, seeds[code]] = strength
    return eta, codes + ["free"] * n_free
