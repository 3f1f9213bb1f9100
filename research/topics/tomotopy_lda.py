"""The Gibbs-sampling engine: tomotopy's ``LDAModel`` chains on a fixed vocabulary.

tomotopy (``LDAModel``, ``set_word_prior``) is tens of times faster than gensim here and
repeats exactly with a fixed ``seed`` and ``workers=1``.  A chain's topic-word and document-topic
distributions are averaged over a few snapshots after burn-in, which smooths the last sample.
The published unseeded model (:mod:`research.topics.consensus`) and the guided model
(:mod:`research.topics.guided`) are both averages of such chains; :func:`fit_chains` runs them
through :func:`research.parallel.map_ordered` in threads, so ``jobs`` changes the time, never the result.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

from research.parallel import map_ordered


def tomotopy():
    """``import tomotopy`` without its import-time DeprecationWarning."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", DeprecationWarning)
        import tomotopy as tp
    return tp


@dataclass(frozen=True)
class Chain:
    """Settings of one Gibbs chain: ``burn`` iterations, then ``snapshots`` every ``gap``.  With
    ``tol`` (large collections), burn-in stops early, after a multiple of :data:`CHECK_EVERY`
    iterations, once the log-likelihood per word moved by less than ``tol`` (relative) since the
    last check."""

    alpha: float = 0.1
    eta: float = 0.01
    burn: int = 800
    snapshots: int = 5
    gap: int = 40
    tol: float | None = None


#: Iterations between two convergence checks of a chain with a ``tol``.
CHECK_EVERY = 20


def burn_in(model, chain: Chain) -> int:
    """Train ``model`` through the burn-in of ``chain``; return the iterations run."""
    if chain.tol is None:
        model.train(chain.burn, workers=1)
        return chain.burn
    done, last = 0, None
    while done < chain.burn:
        step = min(CHECK_EVERY, chain.burn - done)
        model.train(step, workers=1)
        done += step
        ll = model.ll_per_word
        if last is not None and abs(ll - last) < chain.tol * abs(last):
            break
        last = ll
    return done


def fit_chain(docs: list[list[str]], vocab: list[str], k: int, seed: int, chain: Chain = Chain(),
              priors: dict[str, list[float]] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """One chain on ``docs`` restricted to ``vocab``; ``priors`` maps a word to its per-topic
    prior (guided LDA).  Returns ``phi`` (k x len(vocab)) and ``theta`` (len(docs) x k); a
    document with no vocabulary word gets the uniform distribution."""
    tp = tomotopy()
    index = {w: i for i, w in enumerate(vocab)}
    model = tp.LDAModel(k=k, alpha=chain.alpha, eta=chain.eta, seed=seed)
    kept = []
    for i, doc in enumerate(docs):
        words = [w for w in doc if w in index]
        if words:
            model.add_doc(words)
            kept.append(i)
    for word, prior in (priors or {}).items():
        if word in index:
            model.set_word_prior(word, [float(p) for p in prior])
    burn_in(model, chain)
    columns = None
    phi = np.zeros((k, len(vocab)))
    theta = np.full((len(docs), k), 1.0 / k)
    theta_kept = np.zeros((len(kept), k))
    for _ in range(chain.snapshots):
        model.train(chain.gap, workers=1)
        if columns is None:
            columns = np.array([index[w] for w in model.used_vocabs])
        for t in range(k):
            phi[t, columns] += model.get_topic_word_dist(t)
        theta_kept += np.array([d.get_topic_dist() for d in model.docs])
    phi /= chain.snapshots
    theta[kept] = theta_kept / chain.snapshots
    return phi, theta


def _chain(job: tuple) -> tuple[np.ndarray, np.ndarray]:
    docs, vocab, k, seed, chain, priors = job
    return fit_chain(docs, vocab, k, seed, chain, priors)


def fit_chains(docs: list[list[str]], vocab: list[str], k: int, seeds, chain: Chain = Chain(),
               priors: dict[str, list[float]] | None = None, jobs: int = 1) -> list[tuple[np.ndarray, np.ndarray]]:
    """One chain per seed (in ``jobs`` threads: tomotopy samples without the GIL, and each chain
    has one worker, so a chain's result is the same in any thread), results in the order of
    ``seeds``.  Threads, not processes: the token lists are neither pickled nor copied."""
    tomotopy()  # imported once, here, not by two threads at once
    work = [(docs, vocab, k, seed, chain, priors) for seed in seeds]
    return list(map_ordered(_chain, work, jobs=jobs, total=len(work), desc="topic chains", threads=True))


def frequent_vocab(docs: list[list[str]], min_count: int = 2) -> list[str]:
    """Words that occur at least ``min_count`` times, in first-seen order (deterministic)."""
    counts: dict[str, int] = {}
    for doc in docs:
        for w in doc:
            counts[w] = counts.get(w, 0) + 1
    return [w for w, c in counts.items() if c >= min_count]


def fold_in(phi: np.ndarray, vocab: list[str], docs: list[list[str]], alpha: float = 0.1,
            iterations: int = 200, tol: float = 1e-9) -> np.ndarray:
    """Topic proportions of new documents under fixed topic-word distributions ``phi``
    (k x len(vocab)): for each document, expectation-maximisation of its topic mixture alone
    (each word's topic responsibilities, then the mixture as expected counts plus ``alpha``).
    Deterministic; a document with no vocabulary word gets the uniform distribution."""
    k = phi.shape[0]
    index = {w: i for i, w in enumerate(vocab)}
    out = np.full((len(docs), k), 1.0 / k)
    for d, doc in enumerate(docs):
        ids, counts = np.unique([index[w] for w in doc if w in index], return_counts=True)
        if not len(ids):
            continue
        word_phi = phi[:, ids]  # k x words
        theta = np.full(k, 1.0 / k)
        for _ in range(iterations):
            resp = word_phi * theta[:, None]
            resp /= np.maximum(resp.sum(axis=0, keepdims=True), 1e-300)
            new = resp @ counts + alpha
            new /= new.sum()
            done = np.abs(new - theta).max() < tol
            theta = new
            if done:
                break
        out[d] = theta
    return out
