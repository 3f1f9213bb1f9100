"""The topic model of a collection of paragraph units: one object, both engines behind it.

:class:`TopicModel` is a facade in the manner of BERTopic's: ``fit(units, labels=None)``,
``transform(units)`` (topic proportions of new units, folded in under the fitted topics),
``top_words(n)`` and ``write(folder)`` (every table).  Parameters live in ``__init__`` and are
checked in ``fit``; fitted attributes end in ``_``.

- Unseeded (``seeded=False``): K chosen over a grid of gensim ``LdaModel`` fits (the reference
  engine, :mod:`research.topics.k_selection`), then the published model is the consensus of
  ``runs`` tomotopy Gibbs chains at that K (:mod:`research.topics.consensus`), its stability
  measured across ``stability_sets`` consensus models from disjoint seeds.
- Seeded (``seeded=True``): guided LDA with tomotopy word priors (:mod:`research.topics.guided`),
  one topic per codebook label seeded with its ``national_terms`` plus ``n_free`` free topics;
  a unit is read with its section path.

Labels (gold, or a study's labels) are never seen by a fit: they only score the model and map
free topics to areas leaving each group out (:mod:`research.topics.evaluation`).
:func:`fit_topic_model` is the entry point of the study and of ``topics fit``.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook
from research.atomic import atomic_dir, write_csv, write_text
from research.errors import ResearchError
from research.topics import tables as tb
from research.topics.consensus import UNSEEDED_CHAIN, ConsensusLDA, consensus_stability
from research.topics.diagnostics import choose_k, npmi_many, top_words
from research.topics.evaluation import seeded_evaluation, unseeded_evaluation
from research.topics.guided import GuidedLDA
from research.topics.k_selection import K_GRID, grid_value, k_selection
from research.topics.ldavis import write_ldavis
from research.topics.tokens import build_dictionary, tokenize_all
from research.topics.tomotopy_lda import CHECK_EVERY, Chain, fold_in
from research.topics.units import align_labels, prepare_units, unit_texts

N_FREE = 2
RUNS, STABILITY_SETS = 20, 5
MIN_VOCABULARY = 10
SAMPLE_SEED = 2021
#: Above ``sample`` units, the published models are fitted on every unit with these chains (fewer
#: and, for the guided model, shorter than on a small collection, which bounds the time), while K,
#: stability and the reference engines are measured on a fixed-seed sample of ``sample`` units.
#: Their burn-in stops once the log-likelihood per word has settled (``LARGE_TOL``, relative,
#: checked every 20 iterations; :class:`~research.topics.tomotopy_lda.Chain`).
LARGE_RUNS, LARGE_GUIDED_SEEDS, LARGE_TOL = 2, (11, 23), 1e-3
LARGE_GUIDED_CHAIN = Chain(burn=200, snapshots=5, gap=20, tol=LARGE_TOL)
LARGE_UNSEEDED_CHAIN = dataclasses.replace(UNSEEDED_CHAIN, tol=LARGE_TOL)
#: Above ``sample`` units, the gensim K grid runs three seeds per K, not five, on a fixed-seed
#: subsample of ``LARGE_GRID_UNITS`` of the sample's units.
LARGE_K_SEEDS, LARGE_GRID_UNITS = (11, 23, 37), 1000


class TopicModel:
    """An unseeded (consensus) or seeded (guided) LDA model of paragraph units.

    After ``fit``: ``k_``, ``topic_labels_`` ("free" or the seed label of each topic),
    ``vocab_``, ``phi_`` (topics x words), ``theta_`` (units x topics), ``run_thetas_``
    (chains x units x topics, aligned), ``units_`` (the checked units), ``engine_`` (the fitted
    tomotopy model), ``summary_`` (what ``summary.json`` holds) and ``tables_`` (file name ->
    DataFrame); unseeded also ``k_selection_`` (the gensim grid), seeded ``seed_words_``.
    With ``sample=N`` and more than N units (a large collection), the model is still fitted on
    every unit, while K, stability, NPMI and the reference engines are measured on a fixed-seed
    sample of N units (``sample_``: their indices; ``summary_["sample"]`` says so).
    """

    def __init__(self, seeded: bool = False, k="auto", jobs: int = 1, sensitivity: bool = False,
                 grid=K_GRID, runs: int = RUNS, stability_sets: int = STABILITY_SETS, n_free: int = N_FREE,
                 sample: int | None = None):
        self.seeded = seeded
        self.k = k
        self.jobs = jobs
        self.sensitivity = sensitivity
        self.grid = grid
        self.runs = runs
        self.stability_sets = stability_sets
        self.n_free = n_free
        self.sample = sample

    # --- fitting ----------------------------------------------------------------------------

    def _checked_k(self) -> int | None:
        """The requested K (None for "auto"), checked."""
        if self.jobs < 1:
            raise ResearchError("jobs must be at least 1")
        if self.k == "auto":
            return None
        try:
            k = int(self.k)
        except (TypeError, ValueError):
            raise ResearchError(f"K must be 'auto' or a whole number, not {self.k!r}") from None
        n_labels = len(codebook.codes())
        if self.seeded and k <= n_labels:
            raise ResearchError(f"seeded LDA needs K > {n_labels} (one topic per label plus free topics)")
        if k < 2:
            raise ResearchError(f"K={k}: a topic model needs at least 2 topics")
        return k

    def fit(self, units: pd.DataFrame, labels=None) -> TopicModel:
        """Fit on ``units`` (DataFrame: unit_id, doc_id, text, group or city, optional
        section_path); with ``labels`` (Series unit_id -> label) also score and map topics."""
        k = self._checked_k()
        self.units_ = prepare_units(units)
        y = align_labels(labels, self.units_)
        n = len(self.units_)
        self.sample_ = None if self.sample is None or n <= self.sample else _subsample(n, self.sample)
        self.tables_: dict[str, pd.DataFrame] = {}
        if self.seeded:
            self._fit_seeded(k, y)
        else:
            self._fit_unseeded(k, y)
        units = self.units_
        self.tables_ = {"topics.csv": tb.topics_table(self.phi_, self.vocab_, self.topic_labels_),
                        "doc_topics.csv": tb.doc_topics_table(units, self.theta_),
                        "chain_doc_topics.csv": tb.chain_doc_topics_table(units, self.run_thetas_),
                        "city_prevalence.csv": tb.prevalence_table(self.run_thetas_, units.group.to_numpy()),
                        "representative_units.csv": tb.representative_units(units, self.theta_),
                        **self.tables_}
        return self

    def _fit_unseeded(self, k: int | None, y) -> None:
        units, sample = self.units_, self.sample_
        docs = tokenize_all(units.text)
        dictionary = build_dictionary(docs)
        if len(dictionary) < MIN_VOCABULARY:
            raise ResearchError(f"{len(dictionary)} words in the vocabulary: too few for a topic model")
        # K and stability on the sample (a large collection) or on every unit
        chosen_docs = docs if sample is None else [docs[i] for i in sample]
        chosen_dictionary = dictionary if sample is None else build_dictionary(chosen_docs)
        grid_docs, grid_dictionary = chosen_docs, chosen_dictionary
        if sample is not None and len(sample) > LARGE_GRID_UNITS:
            grid_docs = [chosen_docs[i] for i in _subsample(len(sample), LARGE_GRID_UNITS)]
            grid_dictionary = build_dictionary(grid_docs)
        grid = tuple(g for g in self.grid if g < len(grid_docs)) if k is None else (k,)
        if not grid:
            raise ResearchError(f"{len(units)} units: too few for any K of the grid {self.grid}")
        seeds = {} if sample is None else {"seeds": LARGE_K_SEEDS}
        self.k_selection_ = k_selection(grid_docs, grid_dictionary, grid=grid, jobs=self.jobs, **seeds)
        k, reason = choose_k(self.k_selection_) if k is None else (k, f"K={k} given by the user")
        vocab = [dictionary[i] for i in range(len(dictionary))]
        if sample is None:
            models, stab = consensus_stability(docs, vocab, k, runs=self.runs, n_sets=self.stability_sets,
                                               jobs=self.jobs)
            model, runs = models[0], self.runs
        else:
            chosen_vocab = [chosen_dictionary[i] for i in range(len(chosen_dictionary))]
            _, stab = consensus_stability(chosen_docs, chosen_vocab, k, runs=LARGE_RUNS, n_sets=self.stability_sets,
                                          jobs=self.jobs)
            stab["measured_on"] = f"a sample of {len(sample)} units"
            model = ConsensusLDA(k, runs=LARGE_RUNS, chain=LARGE_UNSEEDED_CHAIN).fit(docs, vocab, jobs=self.jobs)
            runs = LARGE_RUNS
        self.engine_ = model
        self._set(model, ["free"] * k, docs, UNSEEDED_CHAIN.alpha)
        stab["gensim_single_run_at_k"] = grid_value(self.k_selection_, k, "stability")
        self.summary_ = {"k": k, "seeded": False, "reason": reason, "engine": "tomotopy consensus",
                         "runs": runs, "seed": model.seed, "vocabulary": len(vocab), "units": len(units),
                         "topic_labels": self.topic_labels_, "stability": stab,
                         "npmi": round(npmi_many([model.top_words()], chosen_docs, dictionary)[0], 4)}
        if sample is not None:
            self.summary_["sample"] = self._sample_note()
        self.tables_["k_selection.csv"] = self.k_selection_
        if y is not None:
            tables, scores = unseeded_evaluation(units, y, model.theta_, model.phi_, vocab, docs, dictionary,
                                                 reference=sample)
            self.tables_.update(tables)
            self.summary_.update(scores)

    def _sample_note(self) -> str:
        return sample_note(len(self.units_), len(self.sample_))

    def _fit_seeded(self, k: int | None, y) -> None:
        units = self.units_
        n_labels = len(codebook.codes())
        n_free = self.n_free if k is None else k - n_labels
        docs = tokenize_all(unit_texts(units, with_path=True))
        large = {} if self.sample_ is None else {"chain": LARGE_GUIDED_CHAIN, "seeds": LARGE_GUIDED_SEEDS}
        self.engine_ = model = GuidedLDA("national_terms", n_free=n_free, **large).fit(docs, jobs=self.jobs)
        self._set(model, model.topic_labels_, docs, model.chain.alpha)
        self.seed_words_ = model.seed_words_
        self.summary_ = {
            "k": self.k_, "seeded": True, "engine": "tomotopy guided LDA",
            "reason": (f"guided LDA (word priors): {n_labels} topics seeded with the codebook's national_terms "
                       f"plus {n_free} free topics; {len(model.seeds)} chains averaged; "
                       "a unit is read with its section path"),
            "term_list": "national_terms", "chains": list(model.seeds), "vocabulary": len(model.vocab_),
            "units": len(units), "seed_words": sum(len(v) for v in model.seed_words_.values()),
            "topic_labels": self.topic_labels_}
        if self.sample_ is not None:
            self.summary_["sample"] = self._sample_note()
        self.tables_["seed_words.csv"] = pd.DataFrame(
            [{"label": c, "word": w} for c, words in model.seed_words_.items() for w in words])
        self.tables_["area_prevalence.csv"] = tb.area_prevalence_table(model.area_weights(), units.group.to_numpy())
        if y is not None:
            tables, scores = seeded_evaluation(units, y, model, jobs=self.jobs, reference=self.sample_)
            self.tables_.update(tables)
            self.summary_.update(scores)
            if self.sensitivity and k is None:
                from research.topics.sensitivity import guided_sensitivity

                self.tables_["sensitivity.csv"] = guided_sensitivity(docs, y, units.group.to_numpy(), jobs=self.jobs)

    def _set(self, model, topic_labels: list[str], docs: list[list[str]], alpha: float) -> None:
        self.phi_, self.theta_, self.run_thetas_ = model.phi_, model.theta_, model.run_thetas_
        self.vocab_, self.topic_labels_, self.k_ = list(model.vocab_), list(topic_labels), model.phi_.shape[0]
        self.docs_, self.alpha_ = docs, alpha

    # --- using a fitted model ---------------------------------------------------------------

    def _fitted(self) -> None:
        if not hasattr(self, "phi_"):
            raise ResearchError("this TopicModel is not fitted yet: call fit(units) first")

    def transform(self, units: pd.DataFrame) -> np.ndarray:
        """Topic proportions (units x topics) of ``units`` (same columns as for ``fit``; any
        number of units), read as in ``fit`` and folded in under the fitted topics."""
        self._fitted()
        units = prepare_units(units, min_units=0)
        docs = tokenize_all(unit_texts(units, with_path=self.seeded))
        return fold_in(self.phi_, self.vocab_, docs, alpha=self.alpha_)

    def top_words(self, n: int = 10) -> list[list[str]]:
        """The ``n`` most probable words of each topic."""
        self._fitted()
        return top_words(self.phi_, self.vocab_, n)

    def write(self, folder: Path) -> dict:
        """Write every table, ``summary.json`` and (unseeded) the pyLDAvis page into ``folder``,
        atomically; return the summary."""
        self._fitted()
        with atomic_dir(Path(folder)) as tmp:
            for name, table in self.tables_.items():
                write_csv(tmp / name, table)
            write_text(tmp / "summary.json", json.dumps(self.summary_, ensure_ascii=False, indent=1) + "\n")
            if not self.seeded:
                write_ldavis(self.phi_, self.theta_, self.docs_, self.vocab_, tmp)
        return self.summary_


def sample_note(units: int, sample: int) -> str:
    """What a model of a large collection (``units`` above ``sample``) was fitted and measured on."""
    return (f"fitted on all {units} units (Gibbs burn-in stopped once the log-likelihood per word moved less "
            f"than {LARGE_TOL:g} in {CHECK_EVERY} iterations); K, stability, NPMI and the reference engines "
            f"measured on a random sample of {sample} units (seed {SAMPLE_SEED}; the K grid with "
            f"{len(LARGE_K_SEEDS)} seeds per K on {min(sample, LARGE_GRID_UNITS)} of them)")


def _subsample(n: int, size: int) -> np.ndarray:
    """Sorted fixed-seed indices of ``size`` of ``n`` items."""
    return np.sort(np.random.default_rng(SAMPLE_SEED).choice(n, size, replace=False))


def fit_topic_model(units: pd.DataFrame, out: Path, seeded: bool, labels: pd.Series | None = None,
                    k="auto", jobs: int = 1, sensitivity: bool = False, grid=K_GRID, sample: int | None = None) -> dict:
    """Fit the unseeded (or, ``seeded``, the guided) topic model on ``units``, score it against
    ``labels`` when given (unit_id -> label, covering every unit), write its tables to ``out``
    and return its summary.  ``sensitivity`` (seeded, K auto, with labels) also writes
    ``sensitivity.csv``.  ``sample``: above this many units, K, stability and the reference
    engines are measured on a fixed-seed sample of them (the published model is fitted on all)."""
    model = TopicModel(seeded=seeded, k=k, jobs=jobs, sensitivity=sensitivity, grid=grid, sample=sample)
    return model.fit(units, labels).write(out)
