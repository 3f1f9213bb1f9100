"""``report.html``: one self-contained page (figures as base64 PNG, tables as HTML, the packaged
CJK font subset to the page's characters, no external URL) with the study's main figures and
tables, naming every group."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import pandas as pd

from research.report.fonts import embed_font
from research.stats import N_DRAWS, SEED

STYLE = """body{max-width:1100px;margin:2em auto;
padding:0 1em;color:#222;line-height:1.45}table{border-collapse:collapse;font-size:13px;margin:.5em 0 1.5em}
th,td{border-bottom:1px solid #ddd;padding:3px 8px;text-align:right}th{background:#f4f4f4}
td:first-child,th:first-child{text-align:left}img{max-width:100%}.note{color:#555;font-size:14px}"""


def _figure(path: Path, caption: str = "") -> str:
    """The figure with its caption: the text the outputs stage wrote beside it
    (``NAME.caption.txt``, the same the notebooks show), else ``caption``."""
    if not path.exists():
        return ""
    written = path.with_name(f"{path.stem}.caption.txt")
    caption = written.read_text(encoding="utf-8").strip() if written.exists() else caption
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    return (f'<figure><img alt="{html.escape(caption)}" src="data:image/png;base64,{data}">'
            f"<figcaption class=note>{html.escape(caption)}</figcaption></figure>")


def _table(path: Path, caption: str = "") -> str:
    if not path.exists():
        return ""
    frame = pd.read_csv(path, keep_default_na=False)
    head = f"<p class=note>{html.escape(caption)}</p>" if caption else ""
    return head + frame.to_html(index=False, border=0, escape=True, float_format=lambda v: f"{v:.3f}")


def _documents(path: Path) -> str:
    """Percent of units per area, one row per document."""
    if not path.exists():
        return ""
    from research import codebook

    frame = pd.read_csv(path, keep_default_na=False)
    wide = (100 * frame.pivot_table(index=["doc_id", "group"], columns="area", values="share")).round(1)
    names = codebook.names("en")
    wide = wide[[c for c in names if c in wide.columns]].rename(columns=names).reset_index()
    return ("<p class=note>Percent of units per area (intervals in <code>tables/emphasis_documents.csv</code>)</p>"
            + wide.to_html(index=False, border=0, escape=True))


def _evaluation(summary: dict, figs: Path, tabs: Path) -> list[str]:
    """The classifier's out-of-sample evaluation on the human-labelled units, when there is one."""
    status = summary.get("evaluation", {})
    if "skipped" in status or not status:
        return ["<h2>Classifier evaluation</h2>",
                f"<p class=note>Not evaluated: {html.escape(status.get('skipped', 'no human labels'))}</p>"]
    return ["<h2>Classifier evaluation</h2>",
            f"<p>On the {status['units']} human-labelled units, each predicted by the classifier trained "
            "without its city (leave one city out).</p>",
            _table(tabs / "classifier_metrics.csv", "Macro-F1, accuracy, top-2 accuracy and calibration error"),
            _figure(figs / "confusion.png", "Confusion matrix, rows normalised, counts in the cells"),
            _figure(figs / "reliability.png", "Reliability of the top label's probability"),
            _figure(figs / "emphasis_classifier.png", "Shares weighted by the out-of-sample probabilities"),
            _table(tabs / "view_agreement.csv", "Unit-level agreement between the views"),
            _table(tabs / "share_correlation.csv", "Correlation of group x area shares between the views")]


def _effects(summary: dict, figs: Path, tabs: Path) -> list[str]:
    """Covariate effects (``study --effects``), when the study has them."""
    status = summary.get("effects")
    if not status:
        return []
    parts = ["<h2>Covariate effects</h2>",
             f"<p>{html.escape(status['formula'])} on {status['documents']} documents (fractional logit of each "
             "document's shares, 95% intervals; topic intervals carry the chains' variation). "
             f"{status['marked']} of {status['rows']} rows marked: too few documents, no interval.</p>"]
    for view in status.get("views", {}):
        slug = view.replace(" ", "_")
        parts.append(_figure(figs / f"effects_{slug}.png", f"Effects on {view}: difference in expected share"))
        parts += [_figure(path, f"{view}: {path.stem[len(slug) + 9:].replace('_', ' ', 1)}")
                  for path in sorted(figs.glob(f"effects_{slug}_[lc]*.png")) if not path.stem.endswith(("_zh", "_1col"))]
    return parts + [_table(tabs / "effects.csv", "tables/effects.csv")]


def _validation(folder: Path) -> list[str]:
    """The study's own validation (``validation/``, written by ``python -m research validate``):
    coders' agreement, accuracy with intervals, corrected beside uncorrected shares."""
    import json

    if not (folder / "evaluation.json").exists() and not (folder / "agreement.csv").exists():
        return []
    parts = ["<h2>Validation on this collection</h2>"]
    if (folder / "evaluation.json").exists():
        e = json.loads((folder / "evaluation.json").read_text(encoding="utf-8"))
        parts.append(f"<p>{e['units_validated']} of {e['units_in_study']} units drawn at random (stratified, "
                     f"{e['strata']} strata) and coded by people; estimates weighted by the inverse inclusion "
                     f"probabilities, 95% intervals from {e['n_draws']:,} resamples of the sample within strata. "
                     f"Shares corrected by the <code>{html.escape(e['method'])}</code> method.</p>")
    return parts + [_table(folder / "agreement.csv", "Agreement between the coders (Cohen's kappa per pair, "
                                                     "Krippendorff's alpha, nominal), 95% bootstrap intervals"),
                    _table(folder / "accuracy.csv", "The classifier against the adjudicated sample"),
                    _table(folder / "per_code.csv", "Precision and recall per code (weighted)"),
                    _table(folder / "corrected_shares.csv", "Corrected shares beside uncorrected (labels counted, "
                                                            "probabilities averaged)")]


def write_page(study: Path, summary: dict) -> Path:
    """Write ``study/report.html`` from the study's figures and tables."""
    figs, tabs, by = study / "figures", study / "tables", summary["by"]
    groups = summary["groups"]
    sources = summary["label_sources"]
    parts = [f"<h1>Study of {summary['documents']} documents by {html.escape(by)}</h1>",
             f"<p>{summary['units']} paragraph units in {len(groups)} groups: "
             f"{html.escape(', '.join(map(str, groups)))}. Labels: {sources.get('human', 0)} units with a human "
             f"label, {sources.get('classifier', 0)} by the classifier"
             + (f", {sources['structure']} front-matter units as other by their structure" if sources.get("structure")
                else "") + ". Metadata "
             f"{summary['metadata']} (<code>metadata.csv</code>).</p>"]
    if summary.get("metadata_warnings"):  # unknown fields, or one group holding most documents
        parts.append("<p class=note><b>Metadata:</b> " + html.escape("; ".join(summary["metadata_warnings"]))
                     + ". Each field's source and confidence are in <code>metadata.csv</code>.</p>")
    if summary.get("skipped"):
        parts.append("<p class=note>Skipped: " + html.escape("; ".join(summary["skipped"])) + "</p>")
    if summary.get("repeats"):
        parts.append("<p class=note>Counted once: " + html.escape("; ".join(summary["repeats"])) + "</p>")
    parts += ["<h2>Documents</h2>", _table(tabs / "documents.csv"),
              "<h2>Emphasis</h2>",
              _figure(figs / "emphasis.png", f"Share of units per area and {by}, 95% bootstrap intervals "
                                             f"(units resampled within {by}, {N_DRAWS:,} draws, seed {SEED})"),
              _table(tabs / "emphasis_wide.csv", "Percent of units [95% interval]"),
              _figure(figs / "emphasis_probability.png", "The same, weighted by the classifier's probabilities"),
              "<h2>Is emphasis independent of the group?</h2>",
              _table(tabs / "independence_test.csv",
                     "Chi-square test; quote the Monte Carlo p-value when many expected counts are below 5"),
              _figure(figs / "residuals.png", "Adjusted standardized residuals (|r| > 2 marked *)"),
              _table(tabs / "residuals.csv"), *_effects(summary, figs, tabs)]
    parts.append("<h2>Topics</h2>")
    for name, status in summary.get("topics", {}).items():
        if isinstance(status, dict) and "skipped" in status:
            parts.append(f"<p>{html.escape(name)} topic model skipped: {html.escape(status['skipped'])}</p>")
        elif isinstance(status, dict):
            parts.append(f"<p>{html.escape(name)} topic model: K = {status.get('k')} ({html.escape(str(status.get('reason', '')))})</p>")
        elif name == "sample":
            parts.append(f"<p class=note>{html.escape(str(status))}</p>")
    parts += [_figure(figs / "topic_words.png", "Top words per topic (unseeded LDA)"),
              _figure(figs / "topic_prevalence.png", f"Topic prevalence per {by}, 95% bootstrap intervals"),
              _figure(figs / "emphasis_topics.png", "Topic weight mapped onto areas"),
              _figure(figs / "topic_words_seeded.png", "Top words per topic (seeded LDA)"),
              "<h2>Labels</h2>", _table(tabs / "label_sources.csv"),
              *_evaluation(summary, figs, tabs),
              *_validation(study / "validation"),
              "<h2>Notebooks</h2>",
              "<p>" + html.escape(", ".join(summary.get("notebooks", [])) or "none executed") + " in "
              "<code>notebooks/</code>" + "".join(f"; {html.escape(k)} not run: {html.escape(v)}"
                                                 for k, v in summary.get("notebooks_not_run", {}).items())
              + ".</p>",
              "<h2>Per document</h2>", _documents(tabs / "emphasis_documents.csv")]
    page = embed_font("<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>Study</title>"
                      f"<style>{STYLE}</style></head><body>" + "\n".join(p for p in parts if p) + "</body></html>\n")
    target = study / "report.html"
    target.write_text(page, encoding="utf-8")
    return target
