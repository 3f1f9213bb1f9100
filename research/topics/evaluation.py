"""A fitted topic model scored against labels (gold or a study's), beside its baselines.

Labels are used here only: to score the guided model read as a classifier, and to map free
topics to areas with each group left out in turn.  Every interval comes from
:mod:`research.stats` (one seed policy); the keyword rule from :mod:`research.baselines`.

Each function returns ``(tables, summary)``: file name -> DataFrame, and the figures for
``summary.json``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from research import codebook, stats
from research.baselines import keyword_rule
from research.topics.diagnostics import top_words
from research.topics.gensim_lda import SEED, document_topics, fit_lda, seeded_area_weights
from research.topics.guided import GuidedLDA, seed_words
from research.topics.mapping import loco_mapping, topic_area_mapping
from research.topics.tables import area_prevalence_table, unit_areas_table
from research.topics.tokens import build_dictionary, tokenize_all
from research.topics.units import unit_texts

#: Column names of the seeded ``evaluation.csv`` for :func:`research.stats.classification_scores`'s.
SCORE_COLUMNS = {"predictor": "view", "macro_f1_low": "f1_low", "macro_f1_high": "f1_high",
                 "diff_vs_reference": "diff_vs_keyword rule"}
REFERENCE = "keyword rule"


def _share(weights, labels, groups) -> dict:
    return stats.share_correlation(weights, codebook.onehot(labels), groups)


def unseeded_evaluation(units: pd.DataFrame, labels: np.ndarray, theta: np.ndarray, phi: np.ndarray,
                        vocab: list[str], docs: list[list[str]], dictionary, reference=None) -> tuple[dict, dict]:
    """The consensus topics mapped to areas (in-sample description, and leave one group out),
    and, side by side, one gensim run at the same K mapped the same way (on the units
    ``reference`` indexes, when given: a sample of a large collection)."""
    codes = codebook.codes()
    groups = units.group.to_numpy()
    k = theta.shape[1]
    described = topic_area_mapping(theta, labels, codes)
    described.insert(1, "top_words", [" ".join(w) for w in top_words(phi, vocab, 8)])
    described.insert(3, "mapping", "all cities (descriptive, in-sample)")
    loco, weights = loco_mapping(theta, labels, groups)
    ref = np.arange(len(units)) if reference is None else np.asarray(reference)
    bow = [dictionary.doc2bow(docs[i]) for i in ref]
    _, weights_g = loco_mapping(document_topics(fit_lda(bow, dictionary, k, SEED), bow), labels[ref], groups[ref])
    gensim_name = "gensim LdaModel, one run" + ("" if reference is None else f" (a sample of {len(ref)} units)")
    rows = []
    for name, w, y, g in (("tomotopy consensus (published)", weights, labels, groups),
                          (gensim_name, weights_g, labels[ref], groups[ref])):
        pred = np.array(codes, dtype=object)[w.argmax(axis=1)]
        share = _share(w, y, g)
        rows.append({"engine": name, "k": k, "mapping": "leave one city out",
                     "agreement_with_gold": float((pred == y).mean()),
                     "share_r": share["r"], "share_r_low": share["r_low"], "share_r_high": share["r_high"],
                     "share_r_units": _share(codebook.onehot(pred), y, g)["r"]})
    tables = {"topic_areas.csv": described, "topic_areas_loco.csv": loco,
              "unit_areas.csv": unit_areas_table(units, weights),
              "area_prevalence.csv": area_prevalence_table(weights, groups),
              "evaluation.csv": pd.DataFrame(rows)}
    head = rows[0]
    return tables, {"share_correlation_loco": round(head["share_r"], 3),
                    "share_correlation_loco_ci": [round(head["share_r_low"], 3), round(head["share_r_high"], 3)],
                    "topic_areas": described.area.tolist()}


def _views(units, model: GuidedLDA, jobs: int, reference) -> dict:
    """name -> (input, term list, predictions, area weights or None): the published guided
    model, the keyword rule, and each with the other term list and without section paths (all
    on the units ``reference`` indexes: every unit, or a sample of a large collection; the other
    guided models with the published model's chains)."""
    units = units.iloc[reference]
    with_path, text_only = unit_texts(units, True), unit_texts(units, False)
    docs = tokenize_all(with_path)
    same = {"n_free": model.n_free, "chain": model.chain, "seeds": model.seeds}
    terms_model = GuidedLDA("terms", **same).fit(docs, jobs=jobs)
    text_model = GuidedLDA("national_terms", **same).fit(tokenize_all(text_only), jobs=jobs)
    dictionary = build_dictionary(docs)
    gensim_weights = seeded_area_weights(docs, model.n_free, dictionary,
                                         seed_words(dictionary.token2id, "national_terms"))
    codes = np.array(codebook.codes(), dtype=object)
    return {
        "guided LDA, tomotopy (published)": ("path+text", "national_terms", model.predict()[reference],
                                             model.area_weights()[reference]),
        "keyword rule": ("path+text", "national_terms", keyword_rule(with_path, "national_terms"), None),
        "guided LDA, tomotopy, seed-plan terms": ("path+text", "terms", terms_model.predict(),
                                                  terms_model.area_weights()),
        "keyword rule, seed-plan terms": ("path+text", "terms", keyword_rule(with_path, "terms"), None),
        "seeded LDA, gensim eta (reference engine)": ("path+text", "national_terms",
                                                      codes[gensim_weights.argmax(axis=1)], gensim_weights),
        "guided LDA, tomotopy, text only": ("text", "national_terms", text_model.predict(), text_model.area_weights()),
        "keyword rule, text only": ("text", "national_terms", keyword_rule(text_only, "national_terms"), None),
    }


def score_table(labels: np.ndarray, views: dict, groups) -> pd.DataFrame:
    """Macro-F1 and accuracy of every view with intervals and the paired difference to the
    keyword rule, and the group x area share correlation of its weights (or one-hot labels)
    and of its labels."""
    table = stats.classification_scores(labels, {name: v[2] for name, v in views.items()}, codebook.codes(),
                                        reference=REFERENCE).rename(columns=SCORE_COLUMNS)
    table = table[["view", "macro_f1", "f1_low", "f1_high", "accuracy", "diff_vs_keyword rule",
                   "diff_low", "diff_high"]]
    table.insert(1, "input", [v[0] for v in views.values()])
    table.insert(2, "terms", [v[1] for v in views.values()])
    shares = [_share(codebook.onehot(v[2]) if v[3] is None else v[3], labels, groups) for v in views.values()]
    table["share_r"] = [s["r"] for s in shares]
    table["share_r_low"] = [s["r_low"] for s in shares]
    table["share_r_high"] = [s["r_high"] for s in shares]
    table["share_r_units"] = [_share(codebook.onehot(v[2]), labels, groups)["r"] for v in views.values()]
    return table


def seeded_evaluation(units: pd.DataFrame, labels: np.ndarray, model: GuidedLDA, jobs: int = 1,
                      reference=None) -> tuple[dict, dict]:
    """Every engine and term list side by side on the same units (scoring only; on the units
    ``reference`` indexes, when given: a sample of a large collection), and the free topics
    mapped to areas leave one group out (seeded topics keep their label: no labels)."""
    codes = codebook.codes()
    n = len(codes)
    groups = units.group.to_numpy()
    ref = np.arange(len(units)) if reference is None else np.asarray(reference)
    table = score_table(labels[ref], _views(units, model, jobs, ref), groups[ref])
    free = list(range(n, model.theta_.shape[1]))
    described = topic_area_mapping(model.theta_, labels, codes)
    described.insert(1, "seed_label", model.topic_labels_)
    described.insert(2, "top_words", [" ".join(w) for w in top_words(model.phi_, model.vocab_, 8)])
    described.insert(4, "mapping", ["seed terms (no gold)"] * n + ["all cities (descriptive, in-sample)"] * len(free))
    described.loc[:n - 1, "area"] = codes
    loco, weights = loco_mapping(model.theta_, labels, groups, topics=free)
    weights[:, :n] += model.theta_[:, :n]
    tables = {"evaluation.csv": table, "topic_areas.csv": described, "topic_areas_loco.csv": loco,
              "unit_areas.csv": unit_areas_table(units, weights)}
    head = table.iloc[0]
    key = table[table.view == REFERENCE].iloc[0]
    summary = {"macro_f1": round(float(head.macro_f1), 3),
               "macro_f1_ci": [round(float(head.f1_low), 3), round(float(head.f1_high), 3)],
               "keyword_rule_macro_f1": round(float(key.macro_f1), 3),
               "difference_vs_keyword_ci": [round(float(head.diff_low), 3), round(float(head.diff_high), 3)],
               "share_correlation": round(float(head.share_r), 3),
               "share_correlation_ci": [round(float(head.share_r_low), 3), round(float(head.share_r_high), 3)],
               "share_correlation_with_free_topics_loco": round(_share(weights, labels, groups)["r"], 3),
               "topic_areas": described.area.tolist()}
    return tables, summary
