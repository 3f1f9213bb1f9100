"""The number of unseeded topics: a grid of gensim fits (the reference engine), measured.

Every (K, seed) model is fitted on the same 80% of units; it is measured by u_mass on them,
by per-word perplexity on the other 20%, by NPMI (sliding window over the training units) and,
per K, by the stability of its top words across the seeds.  :func:`research.topics.diagnostics.choose_k`
picks K from the table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research.parallel import map_ordered
from research.topics.diagnostics import npmi_many, perplexity, stability, top_words, u_mass
from research.topics.gensim_lda import fit_lda

K_GRID = (4, 6, 8, 10, 12, 16, 20)
SEEDS = (11, 23, 37, 41, 59)
HELDOUT_SHARE, SPLIT_SEED = 0.2, 2021


def split(n: int, share: float = HELDOUT_SHARE, seed: int = SPLIT_SEED) -> tuple[np.ndarray, np.ndarray]:
    """Indices of the training and the held-out units (fixed seed, each sorted)."""
    order = np.random.default_rng(seed).permutation(n)
    cut = int(round(n * (1 - share)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _diagnose(job: tuple) -> dict:
    """Fit one (K, seed) model on the training units; measure it."""
    k, seed, bow, train, test, dictionary = job
    model = fit_lda([bow[i] for i in train], dictionary, k, seed)
    vocab = [dictionary[i] for i in range(len(dictionary))]
    return {"model": "lda", "k": k, "seed": seed, "u_mass": u_mass(model, [bow[i] for i in train]),
            "perplexity": perplexity(model, [bow[i] for i in test]), "words": top_words(model.get_topics(), vocab)}


def k_selection(docs: list[list[str]], dictionary, grid=K_GRID, seeds=SEEDS, jobs: int = 1) -> pd.DataFrame:
    """Diagnostics per K (mean and standard deviation over ``seeds``): one row per K with
    ``model, k, npmi, npmi_sd, u_mass, u_mass_sd, perplexity, perplexity_sd, stability, seeds``;
    perplexity to 1 decimal, the rest to 4."""
    train, test = split(len(docs))
    bow = [dictionary.doc2bow(d) for d in docs]
    work = [(k, s, bow, train, test, dictionary) for k in grid for s in seeds]
    frame = pd.DataFrame(list(map_ordered(_diagnose, work, jobs=jobs, total=len(work), desc="K grid")))
    frame["npmi"] = npmi_many(list(frame.words), [docs[i] for i in train], dictionary)
    rows = []
    for k, group in frame.groupby("k", sort=False):
        rows.append({"model": "lda", "k": k, "npmi": group.npmi.mean(), "npmi_sd": group.npmi.std(),
                     "u_mass": group.u_mass.mean(), "u_mass_sd": group.u_mass.std(),
                     "perplexity": round(group.perplexity.mean(), 1),
                     "perplexity_sd": round(group.perplexity.std(), 1),
                     "stability": stability(list(group.words)), "seeds": len(group)})
    return pd.DataFrame(rows).round(4)


def grid_value(table: pd.DataFrame, k: int, column: str) -> float | None:
    """``column`` of the grid's row for ``k`` (None when K was not on the grid)."""
    row = table[table.k == k]
    return float(row[column].iloc[0]) if len(row) else None
