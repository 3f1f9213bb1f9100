"""Stage 6, outputs: ``tables/`` (CSV + booktabs TeX), ``figures/`` (PNG + PDF, English and
Chinese), ``notebooks/`` (the numbered notebooks executed for this study) and ``report.html``."""

from __future__ import annotations

import contextlib
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

import pandas as pd

from research.report import figures as fg
from research.report.style import apply_style, label_names, save_figure
from research.report.tables import interval_table, save_table
from research.study.independence import statistics_table

LONG = ["group", "area", "share", "ci_low", "ci_high", "n_units"]


def group_names(metadata: pd.DataFrame, by: str, lang: str) -> dict[str, str]:
    """Display name per group, from the data: Chinese city names (``city_zh``) in Chinese."""
    if by == "city" and lang == "zh":
        return dict(zip(metadata.city, metadata.city_zh))
    return {}


def write_tables(folder: Path, summary: dict, metadata: pd.DataFrame, units: pd.DataFrame,
                 shares: dict, test: dict, topics: Path) -> list[Path]:
    by, en = summary["by"], label_names("en")
    what = f"per {by}"
    written = save_table(shares["groups"][LONG].round(4), folder, "emphasis",
                         f"Share of paragraph units per area {what}, with 95% bootstrap intervals")
    written += save_table(interval_table(shares["groups"], en).rename(columns={"group": by}), folder, "emphasis_wide",
                          f"Share of units per area {what}, percent [95% bootstrap interval]")
    written += save_table(shares["groups_probability"][LONG].round(4), folder, "emphasis_probability",
                          f"Classifier probability-weighted share per area {what} [95% interval]")
    written += save_table(shares["groups_chars"][LONG].round(4), folder, "emphasis_chars",
                          f"Share of characters per area {what} [95% interval]")
    written += save_table(shares["documents"][["doc_id", *LONG]].round(4), folder, "emphasis_documents",
                          "Share of units per area per document [95% interval]")
    written += save_table(statistics_table(test, by).round(4), folder, "independence_test",
                          f"Chi-square test of independence of {by} and area")
    if "residuals" in test:
        residuals = test["residuals"].round(2).rename_axis("group").reset_index()
        written += save_table(residuals, folder, "residuals", f"Adjusted standardized residuals, {by} by area")
    sources = pd.crosstab([units.doc_id, units.group], units.label_source).reset_index()
    for column in ("gold", "classifier"):
        if column not in sources:
            sources[column] = 0
    sources["units"] = sources.gold + sources.classifier
    written += save_table(sources[["doc_id", "group", "units", "gold", "classifier"]], folder, "label_sources",
                          "Units per document labelled from gold annotations and by the classifier")
    documents = metadata.merge(units.groupby("doc_id").size().rename("units").reset_index(), on="doc_id")
    written += save_table(documents[["doc_id", "file", "city", "province", "year", "type", "units"]], folder,
                          "documents", "Documents of the study")
    if (topics / "city_prevalence.csv").exists():
        prevalence = pd.read_csv(topics / "city_prevalence.csv").rename(columns={"city": "group"})
        written += save_table(prevalence.round(4), folder, "topic_prevalence",
                              f"Topic prevalence {what} (unseeded LDA) [95% bootstrap interval]")
    for name, sub in (("topic_areas", topics), ("topic_areas_seeded", topics / "seeded")):
        if (sub / "topic_areas.csv").exists():
            written += save_table(pd.read_csv(sub / "topic_areas.csv"), folder, name,
                                  "Topics and the area of the study's labels each is most associated with")
    return written


def draw_figures(folder: Path, lang: str, metadata: pd.DataFrame, by: str, shares: dict, test: dict,
                 topics: Path) -> list[Path]:
    suffix = "" if lang == "en" else "_zh"
    names = group_names(metadata, by, lang)
    apply_style()
    written = save_figure(fg.emphasis_figure(shares["groups"], lang, group_names=names), folder, f"emphasis{suffix}")
    written += save_figure(fg.emphasis_figure(shares["groups_probability"], lang, group_names=names), folder,
                           f"emphasis_probability{suffix}")
    if "residuals" in test:
        written += save_figure(fg.residual_heatmap(test["residuals"], lang, group_names=names), folder,
                               f"residuals{suffix}")
    if (topics / "doc_topics.csv").exists():
        mapping = pd.read_csv(topics / "topic_areas.csv")
        written += save_figure(fg.topic_words_figure(pd.read_csv(topics / "topics.csv"), list(mapping.area), lang),
                               folder, f"topic_words{suffix}")
        written += save_figure(fg.topic_prevalence_figure(pd.read_csv(topics / "city_prevalence.csv"), lang,
                                                          group_names=names), folder, f"topic_prevalence{suffix}")
        written += save_figure(fg.emphasis_figure(pd.read_csv(topics / "area_prevalence.csv"), lang,
                                                  group_names=names), folder, f"emphasis_topics{suffix}")
        table = pd.read_csv(topics / "k_selection.csv")
        if (table.model == "lda").sum() > 1:
            import json

            k = json.loads((topics / "summary.json").read_text(encoding="utf-8"))["k"]
            written += save_figure(fg.k_selection_figure(table, k, lang), folder, f"k_selection{suffix}")
    seeded = topics / "seeded"
    if (seeded / "doc_topics.csv").exists():
        import json

        labels = json.loads((seeded / "summary.json").read_text(encoding="utf-8"))["topic_labels"]
        written += save_figure(fg.topic_words_figure(pd.read_csv(seeded / "topics.csv"), labels, lang),
                               folder, f"topic_words_seeded{suffix}")
    return written


def _notebooks(study: Path) -> list[Path]:
    from research.notebooks import execute_for_study

    return execute_for_study(study)


def outputs_stage(study: Path, summary: dict, metadata: pd.DataFrame, units: pd.DataFrame, shares: dict,
                  test: dict, langs=("en", "zh"), notebooks: bool = True, workers: int = 2) -> dict:
    """Write every output of the study into ``study`` (the folder the other stages wrote)."""
    from research.study.page import write_page

    by = summary["by"]
    tables = write_tables(study / "tables", summary, metadata, units, shares, test, study / "topics")
    figures, executed = [], []
    with contextlib.ExitStack() as stack:
        futures = []
        if workers > 1 and len(langs) > 1:  # one process per language, forked before any thread starts
            pool = stack.enter_context(ProcessPoolExecutor(max_workers=min(workers, len(langs))))
            futures = [pool.submit(draw_figures, study / "figures", lang, metadata, by, shares, test,
                                   study / "topics") for lang in langs]
        # The notebooks read tables/, not figures/: they run meanwhile.
        running = stack.enter_context(ThreadPoolExecutor(max_workers=1)).submit(_notebooks, study) \
            if notebooks else None
        if not futures:
            for lang in langs:
                figures += draw_figures(study / "figures", lang, metadata, by, shares, test, study / "topics")
        for future in futures:
            figures += future.result()
        executed, not_run = running.result() if running else ([], {})
    summary["notebooks"] = [p.name for p in executed]
    summary["notebooks_not_run"] = not_run
    write_page(study, summary)
    return {"tables": tables, "figures": figures, "notebooks": executed}
