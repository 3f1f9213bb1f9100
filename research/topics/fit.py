"""``python -m research topics fit [--seeded]``: fit a topic model on paragraph units, write its tables.

:func:`fit_topics` is the entry point for any collection of units (the corpus, or a study's
documents): it takes a units DataFrame and an output folder and returns the summary.  Gold labels
are optional and used only to score and to map free topics to areas (leave one city out).

Unseeded (``data/topics/``): K chosen over a grid of gensim ``LdaModel`` fits (the reference
engine: NPMI, u_mass, held-out perplexity, stability across five seeds); the published model is
the consensus of ``RUNS`` tomotopy chains at that K (:mod:`research.topics.consensus`), and its
stability is measured across five such consensus models from disjoint seeds.
Seeded (``data/topics/seeded/``): guided LDA (:mod:`research.topics.guided`) with one topic per
codebook label, seeded with the label's ``national_terms``, plus ``N_FREE`` free topics.

Files: ``topics.csv``, ``doc_topics.csv`` (unit_id, doc_id, city, topic_0 ...),
``city_prevalence.csv``, ``representative_units.csv``, ``summary.json`` (``topic_labels``, ``k``)
and, unseeded, ``k_selection.csv`` and ``ldavis.html``, seeded, ``seed_words.csv`` and
``area_prevalence.csv``.  With gold: ``evaluation.csv`` (every engine and term list side by side),
``topic_areas.csv``, ``topic_areas_loco.csv``, ``unit_areas.csv`` and, unseeded, ``area_prevalence.csv``.
Every float is rounded to 4 significant digits, so reruns write the same bytes.
"""

from __future__ import annotations

import json
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, paths
from research.atomic import atomic_dir, atomic_path, write_csv, write_text
from research.errors import ResearchError
from research.progress import progress
from research.topics.diagnostics import choose_k, coherence, npmi_many, perplexity, stability, top_words, u_mass
from research.topics.model import fit_lda, seeded_eta
from research.topics.prevalence import bootstrap_runs, bootstrap_shares
from research.topics.tokens import build_dictionary, tokenize_all

K_GRID = (4, 6, 8, 10, 12, 16, 20)
SEEDS = (11, 23, 37, 41, 59)
N_FREE = 2
RUNS, STABILITY_SETS = 20, 5
HELDOUT_SHARE, SPLIT_SEED = 0.2, 2021
TOPICS_DIR = paths.DATA / "topics"


# --- running jobs ------------------------------------------------------------------------------

def _runner(jobs: int):
    """``run(fn, items)``: in turn, or in ``jobs`` processes (results in input order either way)."""
    def run(fn, items):
        items = list(items)
        if jobs > 1 and len(items) > 1:
            with ProcessPoolExecutor(max_workers=jobs) as pool:
                return list(progress(pool.map(fn, items), total=len(items), desc="topic runs"))
        return [fn(item) for item in progress(items, desc="topic runs")]
    return run


# --- K selection (gensim, reference engine) ----------------------------------------------------

def _split(n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    cut = int(round(n * (1 - HELDOUT_SHARE)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _diagnose(job: tuple) -> dict:
    """Fit one (K, seed) gensim model on the training units; measure it."""
    kind, k, seed, docs, train, test, dictionary = job
    bow = [dictionary.doc2bow(d) for d in docs]
    eta = seeded_eta(dictionary, k - len(codebook.codes()))[0] if kind == "seeded" else None
    model = fit_lda([bow[i] for i in train], dictionary, k, seed, eta=eta)
    return {"model": kind, "k": k, "seed": seed, "u_mass": u_mass(model, [bow[i] for i in train]),
            "perplexity": perplexity(model, [bow[i] for i in test]), "words": top_words(model)}


def k_selection(docs, dictionary, grid=K_GRID, seeds=SEEDS, seeded_k: int | None = None,
                jobs: int = 1) -> pd.DataFrame:
    """gensim diagnostics per K (mean over seeds); perplexity to 1 decimal, the rest to 4."""
    train, test = _split(len(docs))
    work = [("lda", k, s, docs, train, test, dictionary) for k in grid for s in seeds]
    if seeded_k:
        work += [("seeded", seeded_k, s, docs, train, test, dictionary) for s in seeds]
    frame = pd.DataFrame(_runner(jobs)(_diagnose, work))
    frame["npmi"] = npmi_many(list(frame.words), [docs[i] for i in train], dictionary)
    rows = []
    for (kind, k), group in frame.groupby(["model", "k"], sort=False):
        rows.append({"model": kind, "k": k, "npmi": group.npmi.mean(), "npmi_sd": group.npmi.std(),
                     "u_mass": group.u_mass.mean(), "u_mass_sd": group.u_mass.std(),
                     "perplexity": round(group.perplexity.mean(), 1), "perplexity_sd": round(group.perplexity.std(), 1),
                     "stability": stability(list(group.words)), "seeds": len(group)})
    return pd.DataFrame(rows).round(4)


def phrase_check(docs, k: int, seeds=SEEDS[:3], jobs: int = 1) -> dict:
    """Mean NPMI at ``k`` with and without gensim ``Phrases`` bigrams (not run by default)."""
    from gensim.models.phrases import Phrases

    phrases = Phrases(docs, min_count=3, threshold=10.0, delimiter="_")
    merged = [list(phrases[d]) for d in docs]
    values = _runner(jobs)(_phrase_npmi, [(stream, k, s) for stream in (docs, merged) for s in seeds])
    n = len(seeds)
    out = {"words": round(float(np.mean(values[:n])), 4), "words_and_phrases": round(float(np.mean(values[n:])), 4)}
    out["phrases_help"] = out["words_and_phrases"] > out["words"]
    return out


def _phrase_npmi(job) -> float:
    stream, k, seed = job
    dictionary = build_dictionary(stream)
    bow = [dictionary.doc2bow(d) for d in stream]
    return coherence(fit_lda(bow, dictionary, k, seed), stream, bow)["npmi"]


def write_coverage(out: Path | None = None) -> dict:
    """Dictionary coverage of the hand-checked domain terms; writes ``dictionary_coverage.csv``."""
    from research.corpus.build import load_units
    from research.text.coverage import coverage_summary, term_coverage

    table = term_coverage(load_units().text)
    out = Path(out) if out else TOPICS_DIR
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "dictionary_coverage.csv", table)
    summary = coverage_summary(table)
    write_text(out / "dictionary_coverage.json", json.dumps(summary, indent=1) + "\n")
    return summary


# --- inputs --------------------------------------------------------------------------------------

def _prepare(units: pd.DataFrame | None, gold) -> tuple[pd.DataFrame, np.ndarray | None]:
    """Units with a ``city`` column (from ``city``, ``group`` or ``doc_id``) and, when known,
    their gold labels (``gold="auto"``: the project's gold file for the project's corpus)."""
    from research.corpus.build import load_units

    corpus = units is None
    units = (load_units() if corpus else units).reset_index(drop=True)
    missing = {"unit_id", "text"} - set(units.columns)
    if missing:
        raise ResearchError(f"topic units need the columns unit_id and text (missing: {', '.join(sorted(missing))})")
    units = units.copy()
    if "city" not in units.columns:
        units["city"] = units["group"] if "group" in units.columns else units.get("doc_id", "all")
    if "doc_id" not in units.columns:
        units["doc_id"] = units.city
    units["text"] = units.text.fillna("").astype(str)
    if gold is None or (isinstance(gold, str) and (not corpus or not paths.GOLD.exists())):
        return units, None
    if isinstance(gold, str):
        from research.annotations.check import load_gold

        gold = load_gold(units=units)[["unit_id", "label"]]
    if isinstance(gold, pd.DataFrame):
        gold = gold.set_index("unit_id")["label"]
    gold = pd.Series(gold)
    if not units.unit_id.isin(gold.index).all():
        raise ResearchError("gold labels do not cover every unit")
    return units, gold.loc[units.unit_id].to_numpy()


def unit_texts(units: pd.DataFrame, with_path: bool) -> list[str]:
    """A unit's text, after its section path (its headings) when ``with_path``."""
    if not with_path or "section_path" not in units.columns:
        return list(units.text)
    heads = units.section_path.fillna("").astype(str)
    return [f"{h}\n{t}" if h else t for h, t in zip(heads, units.text)]


# --- the entry point ------------------------------------------------------------------------------

def fit_topics(units: pd.DataFrame | None = None, out: Path | None = None, seeded: bool = False,
               k: int | str = "auto", jobs: int = 1, gold="auto", grid=K_GRID, sensitivity: bool = False) -> dict:
    """Fit the unseeded (or, ``seeded=True``, the guided) topic model on ``units`` (columns
    unit_id, text, and city, group or doc_id; optional section_path) and write its tables to
    ``out``; return the summary.  ``units=None`` reads the project's corpus and ``gold="auto"``
    then scores against the project's gold labels; pass ``gold`` as a unit_id -> label Series
    (or a DataFrame with unit_id, label) to score another collection, or None to skip scoring.
    ``sensitivity`` (seeded, with gold) also writes ``sensitivity.csv``: the guided model's scores
    under other settings (:mod:`research.topics.sensitivity`)."""
    units, labels = _prepare(units, gold)
    if len(units) < 10:
        raise ResearchError(f"{len(units)} units: a topic model needs at least 10")
    out = Path(out) if out else (TOPICS_DIR / "seeded" if seeded else TOPICS_DIR)
    run = _runner(jobs)
    if seeded:
        return _fit_seeded(units, labels, out, k, run, sensitivity)
    return _fit_unseeded(units, labels, out, k, run, jobs, grid)


def _fit_unseeded(units, labels, out, k, run, jobs, grid) -> dict:
    from research.topics.consensus import consensus_stability

    docs = tokenize_all(units.text)
    dictionary = build_dictionary(docs)
    if len(dictionary) < 10:
        raise ResearchError(f"{len(dictionary)} words in the vocabulary: too few for a topic model")
    grid = tuple(g for g in grid if g < len(units)) if k == "auto" else (int(k),)
    table = k_selection(docs, dictionary, grid=grid, jobs=jobs)
    k_final, reason = choose_k(table) if k == "auto" else (int(k), f"K={k} given by the user")
    vocab = [dictionary[i] for i in range(len(dictionary))]
    models, stab = consensus_stability(docs, vocab, k_final, runs=RUNS, n_sets=STABILITY_SETS, run=run)
    model = models[0]
    summary = {"k": k_final, "seeded": False, "reason": reason, "engine": "tomotopy consensus",
               "runs": RUNS, "seed": model.seed, "vocabulary": len(vocab), "units": len(units),
               "topic_labels": ["free"] * k_final,
               "stability": {**stab, "gensim_single_run_at_k": _grid_value(table, k_final, "stability")}}
    bow = [dictionary.doc2bow(d) for d in docs]
    from gensim.models import CoherenceModel

    summary["npmi"] = round(float(CoherenceModel(topics=model.top_words(), texts=docs, dictionary=dictionary,
                                                 coherence="c_npmi", topn=10, processes=1).get_coherence()), 4)
    with atomic_dir(out) as tmp:
        write_csv(tmp / "k_selection.csv", table)
        _common_tables(tmp, units, model.phi_, vocab, model.theta_, ["free"] * k_final, model.run_thetas_)
        if labels is not None:
            summary.update(_unseeded_scores(tmp, units, labels, model, run, docs, dictionary, bow, k_final))
        write_text(tmp / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
        _write_ldavis(model.phi_, model.theta_, docs, vocab, tmp)
    return summary


def _grid_value(table, k, column):
    row = table[(table.model == "lda") & (table.k == k)]
    return float(row[column].iloc[0]) if len(row) else None


def _unseeded_scores(out, units, labels, model, run, docs, dictionary, bow, k) -> dict:
    """Topic-to-area mapping (leave one city out) and the share correlation, for the consensus
    model and, side by side, one gensim ``LdaModel`` run at the same K."""
    from research.topics.scoring import loco_mapping, onehot, share_correlation, topic_area_mapping

    codes = codebook.codes()
    cities = units.city.to_numpy()
    described = topic_area_mapping(model.theta_, labels, codes)
    described.insert(1, "top_words", [" ".join(w[:8]) for w in model.top_words()])
    described.insert(3, "mapping", "all cities (descriptive, in-sample)")
    write_csv(out / "topic_areas.csv", described)
    loco, weights = loco_mapping(model.theta_, labels, cities)
    write_csv(out / "topic_areas_loco.csv", loco)
    _write_unit_areas(out, units, weights)
    prev = bootstrap_shares(weights, cities)
    prev = prev.assign(area=[codes[c] for c in prev.column]).rename(columns={"group": "city"})
    write_csv(out / "area_prevalence.csv", prev[["city", "area", "share", "ci_low", "ci_high"]])

    gensim_model = fit_lda(bow, dictionary, k, SEEDS[0])
    theta_g = _gensim_theta(gensim_model, bow, k)
    _, weights_g = loco_mapping(theta_g, labels, cities)
    rows = []
    for name, w in (("tomotopy consensus (published)", weights), ("gensim LdaModel, one run", weights_g)):
        pred = np.array(codes, dtype=object)[w.argmax(axis=1)]
        rows.append({"engine": name, "k": k, "mapping": "leave one city out",
                     "agreement_with_gold": float((pred == labels).mean()),
                     **{f"share_{key}": v for key, v in share_correlation(w, labels, cities).items() if key != "cells"},
                     "share_r_units": share_correlation(onehot(pred), labels, cities)["r"]})
    write_csv(out / "evaluation.csv", pd.DataFrame(rows))
    return {"share_correlation_loco": rows[0]["share_r"], "share_correlation_loco_ci": [rows[0]["share_r_low"], rows[0]["share_r_high"]],
            "topic_areas": described.area.tolist()}


def _gensim_theta(model, bow, k) -> np.ndarray:
    theta = np.zeros((len(bow), k))
    for i, doc in enumerate(bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            theta[i, t] = p
    return theta / theta.sum(axis=1, keepdims=True)


def _fit_seeded(units, labels, out, k, run, sensitivity=False) -> dict:
    from research.topics.guided import GuidedLDA

    n_labels = len(codebook.codes())
    k_final = n_labels + N_FREE if k == "auto" else int(k)
    if k_final <= n_labels:
        raise ResearchError(f"seeded LDA needs K > {n_labels} (one topic per label plus free topics)")
    docs = tokenize_all(unit_texts(units, with_path=True))
    model = GuidedLDA("national_terms", n_free=k_final - n_labels).fit(docs, run=run)
    summary = {"k": k_final, "seeded": True, "engine": "tomotopy guided LDA",
               "reason": (f"guided LDA (word priors): {n_labels} topics seeded with the codebook's national_terms "
                          f"plus {k_final - n_labels} free topics; {len(model.seeds)} chains averaged; "
                          "a unit is read with its section path"),
               "term_list": "national_terms", "chains": list(model.seeds), "vocabulary": len(model.vocab_),
               "units": len(units), "seed_words": sum(len(v) for v in model.seed_words_.values()),
               "topic_labels": model.topic_labels_}
    with atomic_dir(out) as tmp:
        _common_tables(tmp, units, model.phi_, model.vocab_, model.theta_, model.topic_labels_, model.run_thetas_)
        write_csv(tmp / "seed_words.csv", pd.DataFrame(
            [{"label": c, "word": w} for c, words in model.seed_words_.items() for w in words]))
        prev = bootstrap_shares(model.area_weights(), units.city.to_numpy())
        prev = prev.assign(area=[codebook.codes()[c] for c in prev.column]).rename(columns={"group": "city"})
        write_csv(tmp / "area_prevalence.csv", prev[["city", "area", "share", "ci_low", "ci_high"]])
        if labels is not None:
            summary.update(_seeded_scores(tmp, units, labels, model, run))
            if sensitivity and k == "auto":
                from research.topics.sensitivity import guided_sensitivity

                write_csv(tmp / "sensitivity.csv", guided_sensitivity(docs, labels, units.city.to_numpy(), run))
        write_text(tmp / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return summary


def _seeded_scores(out, units, labels, model, run) -> dict:
    """Every engine and term list side by side on the same units, against gold (scoring only)."""
    from research.topics.guided import GuidedLDA
    from research.topics.scoring import (f1_with_ci, keyword_rule, loco_mapping, onehot, share_correlation,
                                         topic_area_mapping)

    codes = codebook.codes()
    n = len(codes)
    cities = units.city.to_numpy()
    with_path, text_only = unit_texts(units, True), unit_texts(units, False)
    terms_model = GuidedLDA("terms", n_free=model.n_free).fit(tokenize_all(with_path), run=run)
    text_model = GuidedLDA("national_terms", n_free=model.n_free).fit(tokenize_all(text_only), run=run)
    gensim_weights = _gensim_seeded(tokenize_all(with_path), model.n_free)
    views = {  # name -> (input, term list, predictions, area weights)
        "guided LDA, tomotopy (published)": ("path+text", "national_terms", model.predict(), model.area_weights()),
        "keyword rule": ("path+text", "national_terms", keyword_rule(with_path, "national_terms"), None),
        "guided LDA, tomotopy, seed-plan terms": ("path+text", "terms", terms_model.predict(), terms_model.area_weights()),
        "keyword rule, seed-plan terms": ("path+text", "terms", keyword_rule(with_path, "terms"), None),
        "seeded LDA, gensim eta (reference engine)": ("path+text", "national_terms",
                                                      np.array(codes, dtype=object)[gensim_weights.argmax(axis=1)],
                                                      gensim_weights),
        "guided LDA, tomotopy, text only": ("text", "national_terms", text_model.predict(), text_model.area_weights()),
        "keyword rule, text only": ("text", "national_terms", keyword_rule(text_only, "national_terms"), None),
    }
    table = f1_with_ci(labels, {name: v[2] for name, v in views.items()}, reference="keyword rule")
    table.insert(1, "input", [v[0] for v in views.values()])
    table.insert(2, "terms", [v[1] for v in views.values()])
    shares = [share_correlation(onehot(v[2]) if v[3] is None else v[3], labels, cities) for v in views.values()]
    table["share_r"] = [s["r"] for s in shares]
    table["share_r_low"] = [s["r_low"] for s in shares]
    table["share_r_high"] = [s["r_high"] for s in shares]
    table["share_r_units"] = [share_correlation(onehot(v[2]), labels, cities)["r"] for v in views.values()]
    write_csv(out / "evaluation.csv", table)

    # Free topics: mapped to areas leave one city out; seeded topics keep their label (no gold).
    free = list(range(n, model.theta_.shape[1]))
    described = topic_area_mapping(model.theta_, labels, codes)
    described.insert(1, "seed_label", model.topic_labels_)
    described.insert(2, "top_words", [" ".join(w) for w in _top(model.phi_, model.vocab_, 8)])
    described.insert(4, "mapping", ["seed terms (no gold)"] * n + ["all cities (descriptive, in-sample)"] * len(free))
    described.loc[:n - 1, "area"] = codes
    write_csv(out / "topic_areas.csv", described)
    loco, free_weights = loco_mapping(model.theta_, labels, cities, topics=free)
    write_csv(out / "topic_areas_loco.csv", loco)
    weights = free_weights.copy()
    weights[:, :n] += model.theta_[:, :n]
    _write_unit_areas(out, units, weights)
    head = table.iloc[0]
    key = table[table.view == "keyword rule"].iloc[0]
    return {"macro_f1": round(float(head.macro_f1), 3), "macro_f1_ci": [round(float(head.f1_low), 3), round(float(head.f1_high), 3)],
            "keyword_rule_macro_f1": round(float(key.macro_f1), 3),
            "difference_vs_keyword_ci": [round(float(head.diff_low), 3), round(float(head.diff_high), 3)],
            "share_correlation": float(head.share_r), "share_correlation_ci": [float(head.share_r_low), float(head.share_r_high)],
            "share_correlation_with_free_topics_loco": share_correlation(weights, labels, cities)["r"],
            "topic_areas": described.area.tolist()}


def _gensim_seeded(docs, n_free) -> np.ndarray:
    """gensim ``LdaModel`` with the codebook's national terms through ``eta`` (one run): the
    reference engine's seeded topics, renormalised over the seeded topics (units x labels)."""
    from research.topics.guided import seed_words

    dictionary = build_dictionary(docs)
    n = len(codebook.codes())
    words = seed_words(dictionary.token2id, "national_terms")
    eta = np.full((n + n_free, len(dictionary)), 0.01)
    for t, code in enumerate(codebook.codes()):
        ids = [dictionary.token2id[w] for w in words[code]]
        eta[:, ids] = 0.001
        eta[t, ids] = 50.0
    bow = [dictionary.doc2bow(d) for d in docs]
    theta = _gensim_theta(fit_lda(bow, dictionary, n + n_free, SEEDS[0], eta=eta), bow, n + n_free)[:, :n]
    return theta / theta.sum(axis=1, keepdims=True)


# --- tables ---------------------------------------------------------------------------------------

def _top(phi, vocab, n):
    return [[vocab[i] for i in np.argsort(-row, kind="stable")[:n]] for row in phi]


def _common_tables(out, units, phi, vocab, theta, topic_labels, run_thetas=None) -> None:
    k = theta.shape[1]
    rows = []
    for t in range(k):
        for r, i in enumerate(np.argsort(-phi[t], kind="stable")[:20]):
            rows.append({"topic": t, "seed_label": topic_labels[t], "rank": r + 1, "word": vocab[i],
                         "weight": float(phi[t, i])})
    write_csv(out / "topics.csv", pd.DataFrame(rows))
    doc_topics = units[["unit_id", "doc_id", "city"]].copy()
    for t in range(k):
        doc_topics[f"topic_{t}"] = theta[:, t]
    write_csv(out / "doc_topics.csv", doc_topics)
    cities = units.city.to_numpy()
    prev = bootstrap_shares(theta, cities) if run_thetas is None else bootstrap_runs(run_thetas, cities)
    write_csv(out / "city_prevalence.csv", prev.rename(columns={"group": "city", "column": "topic"}))
    write_csv(out / "representative_units.csv", representative_units(units, theta))


def _write_unit_areas(out, units, weights) -> None:
    codes = codebook.codes()
    frame = units[["unit_id", "city"]].copy()
    frame["area"] = np.array(codes, dtype=object)[weights.argmax(axis=1)]
    for j, code in enumerate(codes):
        frame[f"w_{code}"] = weights[:, j]
    write_csv(out / "unit_areas.csv", frame)


def representative_units(units, theta, n: int = 3) -> pd.DataFrame:
    """The ``n`` units with the highest proportion of each topic (for a readable topic label)."""
    rows = []
    for t in range(theta.shape[1]):
        for rank, i in enumerate(np.argsort(-theta[:, t], kind="stable")[:n], start=1):
            rows.append({"topic": t, "rank": rank, "unit_id": units.unit_id.iloc[i],
                         "city": units.city.iloc[i], "proportion": float(theta[i, t]),
                         "text": units.text.iloc[i][:120]})
    return pd.DataFrame(rows)


LDAVIS_JS = ("d3.v5.min.js", "ldavis.v3.0.0.js", "ldavis.v1.0.0.css")


def _write_ldavis(phi, theta, docs, vocab, out: Path) -> None:
    """Offline pyLDAvis page in topics.csv's order (``sort_topics=False``), its JavaScript copied
    beside it.  pyLDAvis counts topics from 1 and treats topic 0 as "none selected", so its
    numbering stays; the local copy of its script draws each circle's label minus one, so the
    circles carry topics.csv's numbers (its "Selected Topic" box still counts from 1)."""
    import warnings

    import pyLDAvis

    index = {w: i for i, w in enumerate(vocab)}
    lengths = np.array([max(1, sum(w in index for w in d)) for d in docs])
    freq = np.zeros(len(vocab))
    for d in docs:
        for w in d:
            if w in index:
                freq[index[w]] += 1
    keep = freq > 0
    phi = phi[:, keep] / phi[:, keep].sum(axis=1, keepdims=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vis = pyLDAvis.prepare(phi, theta, lengths, [w for w, k_ in zip(vocab, keep) if k_], freq[keep],
                               sort_topics=False, n_jobs=1, mds="pcoa")
    js_dir = Path(pyLDAvis.__file__).parent / "js"
    for name in LDAVIS_JS:
        if (js_dir / name).exists():
            text = (js_dir / name).read_text(encoding="utf-8")
            if name.startswith("ldavis.v3"):
                text = _label_from_zero(text)
            write_text(out / name, text)
    with atomic_path(out / "ldavis.html") as tmp:
        pyLDAvis.save_html(vis, str(tmp), d3_url="d3.v5.min.js", ldavis_url="ldavis.v3.0.0.js",
                           ldavis_css_url="ldavis.v1.0.0.css", visid="ldavis_topics")


_CIRCLE_LABEL = ".text(function(d) {\n                return d.topics;\n            });"


def _label_from_zero(script: str) -> str:
    """pyLDAvis's script with circle labels drawn as ``topic - 1`` (topics.csv's numbers)."""
    if script.count(_CIRCLE_LABEL) != 1:
        raise ResearchError("pyLDAvis's script changed: cannot renumber its topic labels from 0")
    note = "// research: circle labels show topic - 1, the 0-based numbers of topics.csv\n"
    return note + script.replace(_CIRCLE_LABEL, _CIRCLE_LABEL.replace("d.topics;", "d.topics - 1;"))
