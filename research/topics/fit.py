"""``python -m research topics fit``: choose K, fit the final LDA, write every topic table.

Outputs under ``data/topics/`` (``data/topics/seeded/`` for the seeded model):
``k_selection.csv``, ``topics.csv``, ``doc_topics.csv``, ``city_prevalence.csv``,
``representative_units.csv``, ``topic_areas.csv``, ``area_prevalence.csv``, ``summary.json``
and, for the unseeded model, ``ldavis.html``.
"""

from __future__ import annotations

import json
import shutil
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, paths
from research.atomic import atomic_dir, atomic_path, write_csv, write_text
from research.progress import progress
from research.topics.diagnostics import choose_k, coherence, perplexity, stability, top_words
from research.topics.model import fit_lda, seeded_eta
from research.topics.prevalence import bootstrap_shares, topic_area_mapping
from research.topics.tokens import build_dictionary, tokenize_all

K_GRID = (4, 6, 8, 10, 12, 16, 20)
SEEDS = (11, 23, 37, 41, 59)
N_FREE = 4
HELDOUT_SHARE, SPLIT_SEED = 0.2, 2021
TOPICS_DIR = paths.DATA / "topics"


def _split(n: int) -> tuple[np.ndarray, np.ndarray]:
    order = np.random.default_rng(SPLIT_SEED).permutation(n)
    cut = int(round(n * (1 - HELDOUT_SHARE)))
    return np.sort(order[:cut]), np.sort(order[cut:])


def _diagnose(job: tuple) -> dict:
    """Fit one (K, seed) model on the training units; measure it. Runs in a worker process."""
    kind, k, seed, docs, train, test, dictionary = job
    bow = [dictionary.doc2bow(d) for d in docs]
    eta = seeded_eta(dictionary, k - len(codebook.codes()))[0] if kind == "seeded" else None
    model = fit_lda([bow[i] for i in train], dictionary, k, seed, eta=eta)
    scores = coherence(model, [docs[i] for i in train], [bow[i] for i in train])
    return {"model": kind, "k": k, "seed": seed, **scores,
            "perplexity": perplexity(model, [bow[i] for i in test]), "words": top_words(model)}


def k_selection(docs, dictionary, grid=K_GRID, seeds=SEEDS, seeded_k: int | None = None,
                jobs: int = 1) -> pd.DataFrame:
    """Diagnostics per K (mean over seeds) for the unseeded grid and, optionally, the seeded model."""
    train, test = _split(len(docs))
    jobs_list = [("lda", k, s, docs, train, test, dictionary) for k in grid for s in seeds]
    if seeded_k:
        jobs_list += [("seeded", seeded_k, s, docs, train, test, dictionary) for s in seeds]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            results = list(progress(pool.map(_diagnose, jobs_list), total=len(jobs_list), desc="K grid"))
    else:
        results = [_diagnose(j) for j in progress(jobs_list, desc="K grid")]
    frame = pd.DataFrame(results)
    rows = []
    for (kind, k), group in frame.groupby(["model", "k"], sort=False):
        rows.append({"model": kind, "k": k, "npmi": group.npmi.mean(), "npmi_sd": group.npmi.std(),
                     "u_mass": group.u_mass.mean(), "u_mass_sd": group.u_mass.std(),
                     "perplexity": group.perplexity.mean(), "perplexity_sd": group.perplexity.std(),
                     "stability": stability(list(group.words)), "seeds": len(group)})
    return pd.DataFrame(rows).round(4)


def _phrase_npmi(job) -> float:
    stream, k, seed = job
    dictionary = build_dictionary(stream)
    bow = [dictionary.doc2bow(d) for d in stream]
    return coherence(fit_lda(bow, dictionary, k, seed), stream, bow)["npmi"]


def phrase_check(docs, k: int, seeds=SEEDS[:3], jobs: int = 1) -> dict:
    """Mean NPMI at ``k`` with and without gensim ``Phrases`` bigrams (detected on the units)."""
    from gensim.models.phrases import Phrases

    phrases = Phrases(docs, min_count=3, threshold=10.0, delimiter="_")
    merged = [list(phrases[d]) for d in docs]
    work = [(stream, k, s) for stream in (docs, merged) for s in seeds]
    if jobs > 1:
        with ProcessPoolExecutor(max_workers=jobs) as pool:
            values = list(pool.map(_phrase_npmi, work))
    else:
        values = [_phrase_npmi(job) for job in work]
    n = len(seeds)
    out = {"words": round(float(np.mean(values[:n])), 4),
           "words_and_phrases": round(float(np.mean(values[n:])), 4)}
    out["phrases_help"] = out["words_and_phrases"] > out["words"]
    return out


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


def fit_topics(k: int | str = "auto", seeded: bool = False, out: Path | None = None,
               jobs: int = 1, grid=K_GRID) -> dict:
    """Fit the topic model and write its tables; return the summary."""
    from research.corpus.build import load_units

    out = Path(out) if out else (TOPICS_DIR / "seeded" if seeded else TOPICS_DIR)
    units = load_units()
    docs = tokenize_all(units.text)
    dictionary = build_dictionary(docs)
    bow = [dictionary.doc2bow(d) for d in docs]
    n_labels = len(codebook.codes())

    if seeded:
        k_final = n_labels + N_FREE if k == "auto" else int(k)
        if k_final <= n_labels:
            from research.errors import ResearchError

            raise ResearchError(f"seeded LDA needs K > {n_labels} (one topic per label plus free topics)")
        table = k_selection(docs, dictionary, grid=(), seeded_k=k_final, jobs=jobs)
        reason = (f"seeded LDA: {n_labels} topics seeded with the codebook's terms per label "
                  f"plus {k_final - n_labels} free topics")
        eta, topic_labels = seeded_eta(dictionary, k_final - n_labels)
    else:
        grid = grid if k == "auto" else (int(k),)
        table = k_selection(docs, dictionary, grid=grid, jobs=jobs)
        k_final, reason = choose_k(table) if k == "auto" else (int(k), f"K={k} given by the user")
        eta, topic_labels = None, ["free"] * k_final

    model = fit_lda(bow, dictionary, k_final, SEEDS[0], eta=eta)
    theta = np.zeros((len(bow), k_final))
    for i, doc in enumerate(bow):
        for t, p in model.get_document_topics(doc, minimum_probability=0.0):
            theta[i, t] = p
    theta = theta / theta.sum(axis=1, keepdims=True)

    with atomic_dir(out) as tmp:
        summary = _write_outputs(tmp, units, model, theta, bow, dictionary, table, topic_labels,
                                 {"k": k_final, "seeded": seeded, "reason": reason,
                                  "vocabulary": len(dictionary), "units": len(units), "seed": SEEDS[0],
                                  "topic_labels": topic_labels},
                                 None if seeded else phrase_check(docs, k_final, jobs=jobs))
    return summary


def _write_outputs(out, units, model, theta, bow, dictionary, table, topic_labels, summary, phrases):
    k_final = theta.shape[1]
    write_csv(out / "k_selection.csv", table)
    topics = pd.DataFrame([{"topic": t, "seed_label": topic_labels[t], "rank": r + 1, "word": w,
                            "weight": round(float(p), 6)}
                           for t in range(k_final) for r, (w, p) in enumerate(model.show_topic(t, 20))])
    write_csv(out / "topics.csv", topics)
    doc_topics = units[["unit_id", "doc_id", "city"]].copy()
    for t in range(k_final):
        doc_topics[f"topic_{t}"] = theta[:, t].round(6)
    write_csv(out / "doc_topics.csv", doc_topics)

    prev = bootstrap_shares(theta, units.city.to_numpy())
    prev = prev.rename(columns={"group": "city", "column": "topic"}).round(6)
    write_csv(out / "city_prevalence.csv", prev)
    write_csv(out / "representative_units.csv", representative_units(units, theta))

    if phrases is not None:
        summary["phrases"] = phrases
    mapping = _write_mapping(units, theta, out, topic_labels)
    if mapping is not None:
        summary["topic_areas"] = mapping.area.tolist()
    write_text(out / "summary.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    if not summary["seeded"]:  # the interactive view is for the unseeded model
        _write_ldavis(model, bow, dictionary, out)
    return summary


def representative_units(units, theta, n: int = 3) -> pd.DataFrame:
    """The ``n`` units with the highest proportion of each topic (for a readable topic label)."""
    rows = []
    for t in range(theta.shape[1]):
        for rank, i in enumerate(np.argsort(-theta[:, t], kind="stable")[:n], start=1):
            rows.append({"topic": t, "rank": rank, "unit_id": units.unit_id.iloc[i],
                         "city": units.city.iloc[i], "proportion": round(float(theta[i, t]), 4),
                         "text": units.text.iloc[i][:120]})
    return pd.DataFrame(rows)


def _write_mapping(units, theta, out: Path, topic_labels: list[str]):
    """Topic-to-area mapping against the gold labels, and area prevalence per city."""
    if not paths.GOLD.exists():
        return None
    from research.annotations.check import load_gold

    gold = load_gold(units=units).set_index("unit_id").loc[units.unit_id]
    codes = codebook.codes()
    mapping = topic_area_mapping(theta, gold.label, codes)
    mapping.insert(1, "seed_label", topic_labels)
    words = pd.read_csv(out / "topics.csv") if (out / "topics.csv").exists() else None
    if words is not None:
        mapping.insert(2, "top_words", [" ".join(words[(words.topic == t) & (words["rank"] <= 8)].word)
                                        for t in mapping.topic])
    write_csv(out / "topic_areas.csv", mapping)
    area_weights = np.zeros((theta.shape[0], len(codes)))
    for t, area in enumerate(mapping.area):
        area_weights[:, codes.index(area)] += theta[:, t]
    prev = bootstrap_shares(area_weights, units.city.to_numpy())
    prev["area"] = [codes[c] for c in prev.column]
    prev = prev.rename(columns={"group": "city"})[["city", "area", "share", "ci_low", "ci_high"]]
    write_csv(out / "area_prevalence.csv", prev.round(6))
    return mapping


def _write_ldavis(model, bow, dictionary, out: Path) -> None:
    """Interactive pyLDAvis page with topic numbers as in topics.csv, JavaScript served locally."""
    import warnings

    import pyLDAvis
    import pyLDAvis.gensim_models

    js_dir = Path(pyLDAvis.__file__).parent / "js"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        vis = pyLDAvis.gensim_models.prepare(model, bow, dictionary, sort_topics=False, n_jobs=1,
                                             mds="pcoa")
    for name in ("d3.v5.min.js", "ldavis.v3.0.0.js", "ldavis.v1.0.0.css"):
        if (js_dir / name).exists():
            shutil.copyfile(js_dir / name, out / name)
    with atomic_path(out / "ldavis.html") as tmp:
        pyLDAvis.save_html(vis, str(tmp), d3_url="d3.v5.min.js", ldavis_url="ldavis.v3.0.0.js",
                           ldavis_css_url="ldavis.v1.0.0.css", visid="ldavis_topics")
