"""The reference engine: gensim's variational ``LdaModel``, for the K grid and side-by-side rows.

gensim fits every model of the K grid (:mod:`research.topics.k_selection`) and, in the
evaluation tables, one unseeded run at the chosen K and one model seeded with the codebook's
terms through its ``eta`` prior, beside the tomotopy models that are published.
"""

from __future__ import annotations

import logging

import numpy as np
from gensim.corpora import Dictionary
from gensim.models import LdaModel

from research import codebook
from research.numerics import one_blas_thread

logging.getLogger("gensim").setLevel(logging.WARNING)

PASSES, ITERATIONS = 10, 100
SEED = 11  #: the seed of the single gensim runs beside the published models
SEED_STRENGTH, BASE_ETA, OTHER_ETA = 50.0, 0.01, 0.001


def fit_lda(bow: list, dictionary: Dictionary, k: int, seed: int, eta=None,
            passes: int = PASSES, iterations: int = ITERATIONS) -> LdaModel:
    """Single-process ``LdaModel``: with a fixed ``seed`` it repeats exactly.  It computes in
    float64 (gensim's default float32 sums drift in their last digits between BLAS kernels and
    CPUs, which moved a perplexity across a rounding boundary on another machine) with one BLAS
    thread (no reduction order that depends on the thread count)."""
    with one_blas_thread():
        return LdaModel(corpus=bow, id2word=dictionary, num_topics=k, random_state=seed,
                        passes=passes, iterations=iterations, alpha="symmetric",
                        eta=BASE_ETA if eta is None else eta, eval_every=None, chunksize=2000,
                        dtype=np.float64)


def document_topics(model: LdaModel, bow: list) -> np.ndarray:
    """Topic proportions of each document (documents x topics, rows sum to 1)."""
    theta = np.zeros((len(bow), model.num_topics))
    for i, doc in enumerate(bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            theta[i, t] = p
    return theta / theta.sum(axis=1, keepdims=True)


def seeded_area_weights(docs: list[list[str]], n_free: int, dictionary: Dictionary,
                        seed_words: dict[str, list[str]], seed: int = SEED) -> np.ndarray:
    """One ``LdaModel`` with each label's ``seed_words`` pushed into its topic through ``eta``
    (and away from the other topics), plus ``n_free`` free topics; returns the seeded topics'
    proportions renormalised per unit (units x labels)."""
    codes = codebook.codes()
    eta = np.full((len(codes) + n_free, len(dictionary)), BASE_ETA)
    for t, code in enumerate(codes):
        ids = [dictionary.token2id[w] for w in seed_words[code]]
        eta[:, ids] = OTHER_ETA
        eta[t, ids] = SEED_STRENGTH
    bow = [dictionary.doc2bow(d) for d in docs]
    theta = document_topics(fit_lda(bow, dictionary, len(codes) + n_free, seed, eta=eta), bow)[:, :len(codes)]
    return theta / theta.sum(axis=1, keepdims=True)
