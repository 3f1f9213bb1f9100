"""Stage 7, outputs: everything a reader sees, drawn from the files the earlier stages wrote.

Reads the study folder only (``study.json``, ``metadata.csv``, ``labels.csv``, ``corpus/``,
``topics/``, ``tables/*.csv``), so ``python -m research report STUDY`` redraws a finished study
with the same function.  Writes the LaTeX twin of every table, the presentation tables
(``emphasis_wide``, ``documents``, ``label_sources``, ``indicators``, ``topics_unseeded_summary``),
``figures/`` (:mod:`research.study.figure_set`: two print sizes, PNG and PDF, English and ``_zh``,
a caption beside each), ``notebooks/`` (executed for this study) and ``report.html``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pandas as pd

from research.errors import ResearchError
from research.parallel import map_ordered
from research.report.style import label_names
from research.report.tables import interval_table, save_table, write_tex

#: LaTeX twins of the stages' tables: ``tables/NAME.csv`` -> caption ("{by}": the grouping).
CAPTIONS = {
    "emphasis": "Share of paragraph units per area per {by}, with 95% bootstrap intervals",
    "emphasis_probability": "Classifier probability-weighted share per area per {by}, 95% bootstrap intervals",
    "emphasis_chars": "Share of characters per area per {by}, 95% bootstrap intervals",
    "emphasis_tasks": "Share of units per area per {by} within the task chapters, 95% bootstrap intervals",
    "emphasis_documents": "Share of units per area per document, 95% bootstrap intervals",
    "independence_test": "Chi-square test of independence of {by} and area",
    "residuals": "Adjusted standardized residuals, {by} by area",
    "classifier_metrics": "Leave-one-city-out evaluation of the classifier and baselines",
    "emphasis_classifier": "Probability-weighted share per area per {by}, classifier evaluated leaving "
                           "each city out, 95% bootstrap intervals",
    "view_agreement": "Unit-level agreement between human labels, classifier and seeded topic model",
    "share_correlation": "Correlation of {by}-by-area shares between the views, 95% bootstrap intervals",
    "effects": "Covariate effects on the expected share of units per area and on topic prevalence "
               "(fractional logit per document, 95% intervals)",
    "effects_levels": "Expected share at each level of the categorical covariates, 95% intervals",
}
#: LaTeX of the topic models' tables: file under the study -> (name in tables/, caption).
TOPIC_TABLES = {
    "topics/k_selection.csv": ("k_selection", "Diagnostics for the number of topics (gensim, mean over seeds)"),
    "topics/evaluation.csv": ("topics_unseeded_evaluation", "Unseeded topics mapped to areas leaving each group out"),
    "topics/seeded/evaluation.csv": ("topics_seeded_evaluation",
                                     "Seeded topics read as a classifier, against the keyword rule"),
    "topics/topic_areas.csv": ("topic_areas", "Unseeded topics and the area each is most associated with"),
    "topics/seeded/topic_areas.csv": ("topic_areas_seeded", "Seeded topics and their areas"),
}


def _read(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, **kwargs)


def write_tables(study: Path, summary: dict, metadata: pd.DataFrame) -> list[Path]:
    """The LaTeX twins and the presentation tables."""
    tables, by, written = study / "tables", summary["by"], []
    for name, caption in CAPTIONS.items():
        if (tables / f"{name}.csv").exists():
            written.append(write_tex(_read(tables / f"{name}.csv"), tables, name, caption.format(by=by)))
    for source, (name, caption) in TOPIC_TABLES.items():
        if (study / source).exists():
            written.append(write_tex(_read(study / source), tables, name, caption))
    en = label_names("en")
    written += save_table(interval_table(_read(tables / "emphasis.csv"), en).rename(columns={"group": by}),
                          tables, "emphasis_wide", f"Share of units per area per {by}, percent [95% bootstrap interval]")
    labels = _read(study / "labels.csv", dtype={"doc_id": str})
    units = labels.groupby("doc_id").size().rename("units").reset_index()
    documents = metadata.merge(units, on="doc_id")
    written += save_table(documents[["doc_id", "file", "city", "province", "year", "type", "units"]], tables,
                          "documents", "Documents of the study")
    sources = pd.crosstab(labels.doc_id, labels.label_source).reindex(columns=["human", "classifier", "structure"],
                                                                         fill_value=0)
    sources = sources.assign(units=sources.sum(axis=1)).reset_index()
    sources.insert(1, "group", sources.doc_id.map(metadata.set_index("doc_id")[by]))
    written += save_table(sources[["doc_id", "group", "units", "human", "classifier", "structure"]], tables,
                          "label_sources", "Units per document labelled by people, by the classifier and (front "
                          "matter) by structure")
    indicators = _read(study / "corpus" / "tables.csv", dtype=str)
    if len(indicators):
        written += save_table(indicators[["doc_id", "dimension", "indicator", "value_2020", "target_2025", "kind"]],
                              tables, "indicators", "Indicator tables recovered from the documents (tidy)")
    topics = study / "topics" / "summary.json"
    if topics.exists():
        written += save_table(_unseeded_summary(json.loads(topics.read_text(encoding="utf-8"))), tables,
                              "topics_unseeded_summary",
                              "Unseeded topics: chosen K, stability (matched top-10 Jaccard) and share correlation")
    return written


def _unseeded_summary(summary: dict) -> pd.DataFrame:
    stability = summary.get("stability", {})
    return pd.DataFrame([{"k": summary["k"], "stability_consensus": stability.get("consensus"),
                          "stability_single_chain": stability.get("single_chain"),
                          "stability_gensim_single_run": stability.get("gensim_single_run_at_k"),
                          "runs_per_model": stability.get("runs_per_model"),
                          "share_r_loco": summary.get("share_correlation_loco")}])


def outputs_stage(study: Path, langs=("en", "zh"), notebooks: bool = True, jobs: int = 2,
                  order: str | None = None) -> dict:
    """Write every output of the study folder ``study`` (the folder the other stages wrote);
    ``order``: the groups' order in the figures (:data:`research.report.ORDER_RULES`;
    None: as the metadata's ``order`` column gives, else by name)."""
    from research.study.figure_set import draw_figures
    from research.study.page import write_page

    study = Path(study)
    for needed in ("study.json", "metadata.csv", "labels.csv", "tables/emphasis.csv"):
        if not (study / needed).exists():
            raise ResearchError(f"{study / needed}: missing; run 'python -m research study ... --out {study}' first")
    summary = json.loads((study / "study.json").read_text(encoding="utf-8"))
    metadata = _read(study / "metadata.csv", dtype=str)
    tables = write_tables(study, summary, metadata)
    draw = functools.partial(draw_figures, study, order=order)
    figures = [p for part in map_ordered(draw, langs, jobs=min(jobs, len(langs)), desc="figures") for p in part]
    executed, not_run = _notebooks(study) if notebooks else ([], {})
    summary.update(notebooks=[p.name for p in executed], notebooks_not_run=not_run)
    write_page(study, summary)
    return {"tables": tables, "figures": figures, "notebooks": executed, "summary": summary}


def _notebooks(study: Path):
    from research.notebooks import execute_for_study

    return execute_for_study(study)
