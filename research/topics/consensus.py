"""Unseeded topics from several runs: chains aligned to their mean topics and averaged.

Each chain's topics are matched one to one to the current mean topics (Hungarian algorithm on the
cosine similarity of topic-word distributions) and averaged; matching and averaging are repeated a
few times (a Procrustes-style mean).  Stability of the result is measured as the issue defines it:
``n_sets`` consensus models from disjoint sets of seeds, their top-10 words matched pairwise
(:func:`research.topics.diagnostics.stability`).  Compare Greene, O'Callaghan & Cunningham (2014),
"How many topics? Stability analysis for topic models", and the ensemble idea of gensim's
``EnsembleLda`` (Brigl 2019).
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import linear_sum_assignment

from research.topics.diagnostics import stability, top_words
from research.topics.tomotopy_lda import Chain, fit_chains

UNSEEDED_CHAIN = Chain(alpha=0.1, eta=0.1, burn=100, snapshots=3, gap=10)


def align(reference: np.ndarray, phi: np.ndarray) -> np.ndarray:
    """Permutation of ``phi``'s topics that best matches ``reference`` (cosine, one to one)."""
    a = reference / np.linalg.norm(reference, axis=1, keepdims=True)
    b = phi / np.linalg.norm(phi, axis=1, keepdims=True)
    _, cols = linear_sum_assignment(-(a @ b.T))
    return cols


def consensus(phis: list[np.ndarray], thetas: list[np.ndarray], rounds: int = 3):
    """Mean topics after aligning every run; returns (phi, theta, aligned run thetas)."""
    mean = phis[0]
    for _ in range(rounds):
        orders = [align(mean, phi) for phi in phis]
        mean = np.mean([phi[o] for phi, o in zip(phis, orders)], axis=0)
    runs = np.stack([theta[:, o] for theta, o in zip(thetas, orders)])
    return mean, runs.mean(axis=0), runs


class ConsensusLDA:
    """LDA with ``k`` topics, the consensus of ``runs`` tomotopy chains (seeds ``seed`` ...
    ``seed + runs - 1``).  ``fit`` sets ``vocab_``, ``phi_``, ``theta_`` and ``run_thetas_``."""

    def __init__(self, k: int, runs: int = 10, seed: int = 1, chain: Chain = UNSEEDED_CHAIN):
        self.k = k
        self.runs = runs
        self.seed = seed
        self.chain = chain

    def fit(self, docs: list[list[str]], vocab: list[str], jobs: int = 1) -> ConsensusLDA:
        seeds = range(self.seed, self.seed + self.runs)
        return self._set(vocab, fit_chains(docs, vocab, self.k, seeds, self.chain, jobs=jobs))

    def _set(self, vocab, results) -> ConsensusLDA:
        self.vocab_ = list(vocab)
        self.phi_, self.theta_, self.run_thetas_ = consensus([p for p, _ in results], [t for _, t in results])
        return self

    def top_words(self, topn: int = 10) -> list[list[str]]:
        return top_words(self.phi_, self.vocab_, topn)


def consensus_stability(docs, vocab, k: int, runs: int = 10, n_sets: int = 5, seed: int = 1,
                        chain: Chain = UNSEEDED_CHAIN, jobs: int = 1) -> tuple[list[ConsensusLDA], dict]:
    """Fit ``n_sets`` consensus models from disjoint seeds; return them (the first is the one to
    publish) and their stability: mean matched top-10 Jaccard over pairs, and that of single
    chains (the first chain of each set) for comparison."""
    starts = [seed + s * runs for s in range(n_sets)]
    results = fit_chains(docs, vocab, k, [s0 + r for s0 in starts for r in range(runs)], chain, jobs=jobs)
    models = [ConsensusLDA(k, runs, s0, chain)._set(vocab, results[i * runs:(i + 1) * runs])
              for i, s0 in enumerate(starts)]
    single = [top_words(results[i * runs][0], vocab) for i in range(n_sets)]
    return models, {"consensus": round(stability([m.top_words() for m in models]), 3),
                    "single_chain": round(stability(single), 3), "runs_per_model": runs, "models": n_sets}
