"""``python -m research report``: every figure and table of the city-emphasis analysis.

Reads the derived data of the earlier steps (corpus, topic models, classifier evaluation) and
fails with one line naming the missing file and the command that writes it; it never runs
an earlier step itself.  Writes figures to ``reports/figures/`` (PNG 300 dpi and PDF) and tables to
``reports/tables/`` (CSV and LaTeX).  Chinese labels with ``--lang zh`` (files end in ``_zh``).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import paths
from research.atomic import atomic_dir
from research.report import figures as fg
from research.report.emphasis import share_correlation, view_agreement
from research.report.style import apply_style, label_names, save_figure
from research.report.tables import interval_table, save_table
from research.report.views import (INPUTS, SEEDED, TOPICS, city_names, emphasis, ensure_inputs,  # noqa: F401
                                   load_views, require_inputs, topic_view)


def build_report(lang: str = "en", out: Path | None = None, jobs: int = 1) -> list[Path]:
    """Write every figure and table (``lang`` "en", "zh" or "both"); return the paths written.
    With "both" and ``jobs`` > 1 the two languages are drawn in parallel processes."""
    langs = ["en", "zh"] if lang == "both" else [lang]
    if any(code not in ("en", "zh") for code in langs):
        from research.errors import ResearchError

        raise ResearchError(f"unknown language {lang!r}: use en, zh or both")
    out = Path(out) if out else paths.REPORTS
    require_inputs()
    with atomic_dir(out / "figures") as figs, atomic_dir(out / "tables") as tabs:
        if jobs > 1 and len(langs) > 1:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=min(jobs, len(langs))) as pool:
                parts = list(pool.map(_build, langs, [figs] * len(langs), [tabs] * len(langs)))
        else:
            parts = [_build(code, figs, tabs) for code in langs]
        final = {figs: out / "figures", tabs: out / "tables"}
        return [final[p.parent] / p.name for part in parts for p in part]


def _build(lang: str, figs: Path, tabs: Path) -> list[Path]:
    suffix = "" if lang == "en" else "_zh"
    apply_style()
    written: list[Path] = []
    units = load_views()
    shares = emphasis(units)
    cities = city_names(lang)

    written += save_figure(fg.emphasis_figure(shares["gold_units"], lang, group_names=cities), figs,
                           f"emphasis_gold{suffix}")
    written += save_figure(fg.emphasis_figure(shares["classifier_probability"], lang, group_names=cities), figs,
                           f"emphasis_classifier{suffix}")
    metrics = json.loads((paths.MODELS / "metrics.json").read_text(encoding="utf-8"))
    matrix = np.array(metrics["with_context"]["confusion"]["matrix"])
    written += save_figure(fg.confusion_figure(matrix, lang), figs, f"confusion{suffix}")
    calib = metrics["with_context"]["calibration"]
    written += save_figure(fg.reliability_figure(calib["bins"], calib["ece"], lang), figs, f"reliability{suffix}")
    summary = json.loads((TOPICS / "summary.json").read_text(encoding="utf-8"))
    k_table = pd.read_csv(TOPICS / "k_selection.csv")
    written += save_figure(fg.k_selection_figure(k_table, summary["k"], lang), figs, f"k_selection{suffix}")
    mapping = pd.read_csv(TOPICS / "topic_areas.csv")
    written += save_figure(fg.topic_words_figure(pd.read_csv(TOPICS / "topics.csv"), list(mapping.area), lang),
                           figs, f"topic_words{suffix}")
    seeded = json.loads((SEEDED / "summary.json").read_text(encoding="utf-8"))
    written += save_figure(fg.topic_words_figure(pd.read_csv(SEEDED / "topics.csv"), seeded["topic_labels"], lang),
                           figs, f"topic_words_seeded{suffix}")
    written += save_figure(fg.topic_prevalence_figure(pd.read_csv(TOPICS / "city_prevalence.csv"), lang,
                                                      group_names=cities), figs, f"topic_prevalence{suffix}")
    if lang != "en":
        return written

    # Tables (language-neutral codes, English headers).
    en = label_names("en")
    written += save_table(interval_table(shares["gold_units"], en), tabs, "emphasis_gold",
                          "Share of paragraph units per area (gold labels), percent [95% bootstrap interval]")
    written += save_table(interval_table(shares["gold_units_tasks"], en), tabs, "emphasis_gold_tasks",
                          "Share of units per area within the task chapters (gold labels), percent [95% interval]")
    written += save_table(interval_table(shares["classifier_probability"], en), tabs, "emphasis_classifier",
                          "Probability-weighted share per area (leave-one-city-out classifier), percent [95% interval]")
    long = pd.concat([s.assign(view=k) for k, s in shares.items()], ignore_index=True)
    written += save_table(long[["view", "city", "area", "share", "ci_low", "ci_high", "n_units"]].round(4),
                          tabs, "emphasis_all_views", "Emphasis per city and area, every view and weighting")
    # The independence test and its residuals are the study's (research/study/independence.py).
    agreement = view_agreement(units, ["gold", "classifier", "topics"]).round(3)
    written += save_table(agreement, tabs, "view_agreement",
                          "Unit-level agreement between gold labels, classifier and seeded topic model")
    corr = share_correlation({"gold": shares["gold_units"], "classifier": shares["classifier_probability"],
                              "topics": shares["topics_probability"]}).round(3).reset_index(names="view")
    written += save_table(corr, tabs, "share_correlation",
                          "Correlation of city-by-area shares between the three views")
    indicators = pd.read_csv(paths.TABLES, dtype=str, keep_default_na=False)
    indicators = indicators[["city", "dimension", "indicator", "value_2020", "target_2025", "kind"]]
    written += save_table(indicators, tabs, "indicators", "Indicator tables recovered from the documents (tidy)")
    written += save_table(k_table.round(4), tabs, "k_selection", "Diagnostics for the number of topics")
    written += save_table(pd.read_csv(SEEDED / "evaluation.csv"), tabs, "topics_seeded_evaluation",
                          "Seeded topics read as a classifier, against the keyword rule (gold used only to score)")
    stability = summary["stability"]
    written += save_table(pd.DataFrame([{"k": summary["k"], "stability_consensus": stability["consensus"],
                                         "stability_single_chain": stability["single_chain"],
                                         "stability_gensim_single_run": stability["gensim_single_run_at_k"],
                                         "runs_per_model": stability["runs_per_model"],
                                         "share_r_loco": summary["share_correlation_loco"]}]),
                          tabs, "topics_unseeded_summary",
                          "Unseeded topics: chosen K, stability (matched top-10 Jaccard) and out-of-sample share correlation")
    written += save_table(_metrics_table(metrics), tabs, "classifier_metrics",
                          "Leave-one-city-out evaluation of the classifier and baselines")
    return written


def _metrics_table(m: dict) -> pd.DataFrame:
    """Every evaluation in ``metrics.json`` with a macro-F1: the top-level ones (with and without
    section path, ...) first, then each family of them (ablations, baselines, ...)."""
    names = {"with_context": "classifier (with section path)", "without_context": "classifier (paragraph alone)",
             "fast_model": "fast classifier (no embeddings)"}
    rows = [(names.get(k, k.replace("_", " ")), v) for k, v in m.items()
            if isinstance(v, dict) and "macro_f1" in v]
    for family, entries in m.items():
        if isinstance(entries, dict) and "macro_f1" not in entries:
            rows += [(f"{family.rstrip('s').replace('_', ' ')}: {k}", v) for k, v in entries.items()
                     if isinstance(v, dict) and "macro_f1" in v]
    return pd.DataFrame([{"model": name, "macro_f1": s["macro_f1"], "accuracy": s.get("accuracy", np.nan),
                          "top2_accuracy": s.get("top2_accuracy", np.nan),
                          "ece": s.get("calibration", {}).get("ece", np.nan)} for name, s in rows])
