"""Guided LDA: one topic per codebook label whose seed words get a strong word prior, plus free topics.

The design is guided LDA with word priors (Jagarlamudi, Daumé & Udupa 2012, "Incorporating lexical
priors into topic models"; tomotopy's ``set_word_prior``): a seed word of label *l* has prior
``seed_prior`` in topic *l* and ``other_prior`` (close to zero) in every other topic, so it can only
be drawn from its own topic, while all other words are free.  Several chains with different seeds are
averaged (topics are anchored by their seeds, so their numbers agree across chains).  The model
never sees a gold label; read as a classifier, a unit's label is its most probable seeded topic.
"""

from __future__ import annotations

import numpy as np

from research import codebook
from research.topics.tomotopy_lda import Chain, fit_chains, frequent_vocab

SEEDS = (11, 23, 37, 41, 59)


def seed_words(vocab, term_list: str = "national_terms", min_part: int = 2) -> dict[str, list[str]]:
    """Vocabulary words of each label's codebook terms (``term_list``: "national_terms" or
    "terms").  A term that is not a vocabulary word contributes its jieba words of at least
    ``min_part`` characters; a word claimed by two labels seeds neither."""
    from research.topics.tokens import topic_tokenizer

    vocab = set(vocab)
    tokenizer = topic_tokenizer()
    out = {}
    for label in codebook.labels():
        words = set()
        for term in getattr(label, term_list):
            parts = [term] if term in vocab else [w for w in tokenizer(term) if len(w) >= min_part]
            words |= {w for w in parts if w in vocab}
        out[label.code] = words
    shared = {w for a in out for b in out if a < b for w in out[a] & out[b]}
    return {code: sorted(words - shared) for code, words in out.items()}


class GuidedLDA:
    """Guided LDA averaged over ``len(seeds)`` chains (scikit-learn style: params in ``__init__``,
    ``fit`` sets attributes ending in ``_``)."""

    def __init__(self, term_list: str = "national_terms", n_free: int = 2, seed_prior: float = 1.0,
                 other_prior: float = 1e-4, chain: Chain = Chain(), seeds=SEEDS, min_count: int = 2,
                 min_part: int = 2):
        self.term_list = term_list
        self.n_free = n_free
        self.seed_prior = seed_prior
        self.other_prior = other_prior
        self.chain = chain
        self.seeds = seeds
        self.min_count = min_count
        self.min_part = min_part

    def fit(self, docs: list[list[str]], jobs: int = 1) -> GuidedLDA:
        """Fit the chains on ``docs`` (token lists), in ``jobs`` processes (same result)."""
        self.labels_ = codebook.codes()
        self.vocab_ = frequent_vocab(docs, self.min_count)
        self.seed_words_ = seed_words(self.vocab_, self.term_list, self.min_part)
        k = len(self.labels_) + self.n_free
        priors = {}
        for t, code in enumerate(self.labels_):
            for word in self.seed_words_[code]:
                prior = [self.other_prior] * k
                prior[t] = self.seed_prior
                priors[word] = prior
        results = fit_chains(docs, self.vocab_, k, self.seeds, self.chain, priors, jobs=jobs)
        self.phi_ = np.mean([phi for phi, _ in results], axis=0)
        self.run_thetas_ = np.stack([theta for _, theta in results])  # chains x units x topics
        self.theta_ = self.run_thetas_.mean(axis=0)
        self.topic_labels_ = list(self.labels_) + ["free"] * self.n_free
        return self

    def predict(self) -> np.ndarray:
        """Label of each training unit's most probable seeded topic (free topics ignored)."""
        return seeded_labels(self.theta_)

    def area_weights(self) -> np.ndarray:
        """Seeded-topic proportions renormalised to sum to 1 per unit (units x labels)."""
        return seeded_shares(self.theta_)


def seeded_shares(theta: np.ndarray) -> np.ndarray:
    """The proportions of the seeded topics (the first, one per codebook label) renormalised
    to sum to 1 per unit (units x labels)."""
    seeded = np.asarray(theta)[:, : len(codebook.codes())]
    return seeded / seeded.sum(axis=1, keepdims=True)


def seeded_labels(theta: np.ndarray) -> np.ndarray:
    """Each unit's label read off its most probable seeded topic (free topics ignored)."""
    return np.array(codebook.codes(), dtype=object)[seeded_shares(theta).argmax(axis=1)]
