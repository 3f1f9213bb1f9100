"""Diagnostics of gensim models for choosing K: coherence (NPMI, u_mass), held-out perplexity,
stability across seeds, and the rule that combines them (:func:`choose_k`)."""

from __future__ import annotations

import numpy as np
from gensim.models import CoherenceModel, LdaModel
from scipy.optimize import linear_sum_assignment

TOPN = 10


def top_words(phi: np.ndarray, vocab: list[str], topn: int = TOPN) -> list[list[str]]:
    """The ``topn`` most probable words of each topic (rows of ``phi``, topics x words), ties
    broken by vocabulary order: the one top-word rule of every table, figure and diagnostic."""
    return [[vocab[i] for i in np.argsort(-row, kind="stable")[:topn]] for row in np.asarray(phi)]


def u_mass(model: LdaModel, bow: list, topn: int = TOPN) -> float:
    """Mean u_mass coherence (document co-occurrence in ``bow``)."""
    return float(CoherenceModel(model=model, corpus=bow, dictionary=model.id2word,
                                coherence="u_mass", topn=topn, processes=1).get_coherence())


def npmi_many(topic_sets: list[list[list[str]]], docs: list[list[str]], dictionary, topn: int = TOPN) -> list[float]:
    """Mean NPMI of each model's top words (sliding window over ``docs``), the word
    co-occurrences counted once for all models' words (the same values as one model at a time)."""
    cm = CoherenceModel(topics=[t for topics in topic_sets for t in topics], texts=docs, dictionary=dictionary,
                        coherence="c_npmi", topn=topn, processes=1)
    cm.estimate_probabilities()
    out = []
    for topics in topic_sets:
        cm.topics = topics
        out.append(float(cm.get_coherence()))
    return out


def perplexity(model: LdaModel, heldout: list) -> float:
    """Per-word perplexity of held-out units (gensim's variational bound, base 2)."""
    from research.numerics import one_blas_thread

    with one_blas_thread():
        return float(2 ** (-model.log_perplexity(heldout)))


def match_topics(a: list[list[str]], b: list[list[str]]) -> float:
    """Mean Jaccard overlap of top words after matching topics one to one (Hungarian)."""
    sim = np.array([[len(set(x) & set(y)) / len(set(x) | set(y)) for y in b] for x in a])
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean())


def stability(word_lists: list[list[list[str]]]) -> float:
    """Mean matched top-word overlap over every pair of runs with different seeds."""
    pairs = [match_topics(word_lists[i], word_lists[j])
             for i in range(len(word_lists)) for j in range(i + 1, len(word_lists))]
    return float(np.mean(pairs)) if pairs else float("nan")


def choose_k(table) -> tuple[int, str]:
    """K with the best mean rank over NPMI, u_mass, stability (higher better) and held-out
    perplexity (lower better); ties go to the smaller K."""
    ranks = (table["npmi"].rank(ascending=False) + table["u_mass"].rank(ascending=False)
             + table["stability"].rank(ascending=False) + table["perplexity"].rank(ascending=True)) / 4
    table = table.assign(mean_rank=ranks)
    best = table.sort_values(["mean_rank", "k"]).iloc[0]
    reason = (f"K={int(best.k)} has the best mean rank ({best.mean_rank:.2f}) over NPMI "
              f"({best.npmi:.3f}), u_mass ({best.u_mass:.2f}), stability across seeds "
              f"({best.stability:.2f}) and held-out perplexity ({best.perplexity:.0f})")
    return int(best.k), reason


def k_choice_table(table):
    """For each diagnostic, the K it alone would pick, and the K of the best mean rank (the rule
    :func:`choose_k` applies): where the diagnostics disagree, the mean rank decides."""
    import pandas as pd

    table = table[table["model"] == "lda"] if "model" in table else table
    rows = [{"diagnostic": name, "better": "higher" if higher else "lower",
             "best_k": int(table.sort_values([col, "k"], ascending=[not higher, True]).iloc[0].k)}
            for name, col, higher in (("NPMI", "npmi", True), ("u_mass", "u_mass", True),
                                      ("held-out perplexity", "perplexity", False),
                                      ("stability across seeds", "stability", True))]
    rows.append({"diagnostic": "mean rank of the four (decides)", "better": "lower", "best_k": choose_k(table)[0]})
    return pd.DataFrame(rows)
