"""Stage 5, effects (``study --effects "~ region + pilot + year"``): labels, metadata and the
topic chains -> covariate effects on each document's composition (:mod:`research.effects.model`).

Three views, each one table of rows: ``areas`` (the share of a document's units per area, from
the labels), ``topics`` (mean unseeded topic proportions per document, one fit per chain) and
``seeded topics`` (the same for the guided model).  Writes into the study's ``tables/``:

- ``effects.csv``: view, outcome, term, contrast, estimate, ci_low, ci_high, n_documents, note
  (a categorical term: each level minus the reference level; a numeric one: per unit);
- ``effects_levels.csv``: the expected share at each level of a categorical term;
- ``effects_curves.csv``: the expected share along a numeric term's range.

A level with fewer than 10 documents is a ``warning:`` line and its rows carry a note and no
interval; documents missing a covariate the formula uses are left out with a warning.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook
from research.atomic import write_csv
from research.errors import ResearchError
from research.study.metadata import NOT_COVARIATES, covariates

COLUMNS = ["view", "outcome", "term", "contrast", "estimate", "ci_low", "ci_high", "n_documents", "note"]
LEVEL_COLUMNS = ["view", "outcome", "term", "level", "estimate", "ci_low", "ci_high", "n_documents", "note"]
CURVE_COLUMNS = ["view", "outcome", "term", "value", "estimate", "ci_low", "ci_high"]
TOPIC_VIEWS = {"topics": "", "seeded topics": "seeded"}  #: view -> folder under topics/
CHAIN_FILE = "chain_doc_topics.csv"


def formula_variables(formula: str, available) -> list[str]:
    """The metadata columns ``formula`` uses; an unknown column or a bad formula is an error."""
    from formulaic import Formula
    from formulaic.errors import FormulaicError

    if not formula.strip().startswith("~"):
        raise ResearchError(f"--effects {formula!r}: write a one-sided formula such as '~ region + year' "
                            "(the outcome is each area's or topic's share)")
    try:
        names = sorted(str(v) for v in Formula(formula).required_variables)
    except (FormulaicError, SyntaxError, ValueError) as err:
        raise ResearchError(f"--effects {formula!r}: not a formula ({err})") from None
    known = [c for c in available if c not in NOT_COVARIATES]
    unknown = [n for n in names if n not in known]
    if unknown:
        raise ResearchError(f"--effects {formula!r}: no metadata column {', '.join(map(repr, unknown))} "
                            f"(columns: {', '.join(known)}; add it to the --meta file)")
    return names


def document_data(metadata: pd.DataFrame, names: list[str], doc_ids, echo=print) -> pd.DataFrame:
    """Typed covariates ``names`` of the documents ``doc_ids`` (index doc_id); documents with a
    missing value are left out, with a warning naming them."""
    meta = metadata.set_index("doc_id").loc[list(doc_ids)]
    data = covariates(meta.reset_index(drop=True), names, "metadata.csv", rows=np.arange(len(meta)) + 2)
    data.index = meta.index
    missing = data.isna().any(axis=1)
    if missing.any():
        left = data.index[missing].tolist()
        echo(f"warning: effects: {len(left)} document(s) miss a value of {', '.join(names)} and are left out: "
             + ", ".join(left[:5]) + (" ..." if len(left) > 5 else ""))
    return data[~missing]


def area_compositions(labels: pd.DataFrame) -> pd.DataFrame:
    """Share of each document's units per area (documents x codes, index doc_id)."""
    counts = pd.crosstab(labels.doc_id, labels.label).reindex(columns=codebook.codes(), fill_value=0)
    return counts.div(counts.sum(axis=1), axis=0)


def topic_compositions(topics: Path, folder: str):
    """Per-chain mean topic proportions of each document (chains x documents x topics), the
    documents and the topic names, or None when that topic model was not fitted."""
    path = topics / folder / CHAIN_FILE
    if not path.exists():
        return None
    frame = pd.read_csv(path, dtype={"doc_id": str})
    columns = [c for c in frame.columns if c.startswith("topic_")]
    chains = sorted(frame.chain.unique())
    docs = frame[frame.chain == chains[0]].doc_id.tolist()
    runs = np.stack([frame[frame.chain == c].set_index("doc_id").loc[docs, columns].to_numpy(float) for c in chains])
    names = columns
    summary = topics / folder / "summary.json"
    if folder and summary.exists():
        labels = json.loads(summary.read_text(encoding="utf-8")).get("topic_labels", [])
        names = [lab if lab != "free" else f"free_{i}" for i, lab in enumerate(labels)] or columns
    return runs, docs, names


def _warn_marked(table: pd.DataFrame, view: str, echo) -> None:
    marked = table[(table.kind == "level") & table.note.str.startswith("few")][["term", "contrast", "n_documents"]]
    for row in marked.drop_duplicates().itertuples():
        echo(f"warning: effects ({view}): {row.term} = {row.contrast} has {row.n_documents} document(s), fewer "
             f"than 10: its rows are marked and carry no interval")
    numeric = table[(table.kind == "effect") & (table.contrast == "per unit") & table.note.str.startswith("few")]
    for term in numeric.term.unique():
        echo(f"warning: effects ({view}): {term} varies in too few documents (fewer than 10 off its most common "
             f"value, or fewer than 20 in all): its rows are marked and carry no interval")
    for outcome in table[table.note.str.startswith("not estimable")].outcome.unique():
        note = table[table.outcome == outcome].note.iloc[0]
        echo(f"warning: effects ({view}): {outcome}: {note}")


def effects_stage(formula: str, labels: pd.DataFrame, metadata: pd.DataFrame, topics: Path, tables: Path,
                  echo=print) -> dict:
    """Write the effects tables (module docstring) into ``tables``; return a summary."""
    from research.effects.model import design, effects_table

    names = formula_variables(formula, metadata.columns)
    areas = area_compositions(labels)
    data = document_data(metadata, names, areas.index, echo)
    summary = {"formula": formula, "documents": int(len(data)), "left_out": int(len(areas) - len(data)),
               "views": {"areas": ""}}
    if len(data) < 3:
        raise ResearchError(f"--effects: {len(data)} document(s) with every covariate: too few for a model")
    views = [("areas", areas.loc[data.index].to_numpy()[None], data, codebook.codes())]
    for view, folder in TOPIC_VIEWS.items():
        found = topic_compositions(Path(topics), folder)
        if found is None:
            summary["views"][view] = "not estimated: no topic model"
            continue
        runs, docs, outcomes = found
        keep = [i for i, d in enumerate(docs) if d in data.index]
        views.append((view, runs[:, keep], data.loc[[docs[i] for i in keep]], outcomes))
    parts = []
    for view, runs, view_data, outcomes in views:
        d = design(formula, view_data.reset_index(drop=True))
        if len(view_data) <= d.X.shape[1]:
            raise ResearchError(f"--effects {formula!r}: {len(view_data)} documents for {d.X.shape[1]} "
                                f"coefficients: too few documents for this formula")
        table = effects_table(runs, outcomes, d)
        _warn_marked(table, view, echo)
        parts.append(table.assign(view=view))
        summary["views"][view] = f"{len(view_data)} documents, {runs.shape[0]} fit(s) per outcome"
    table = pd.concat(parts, ignore_index=True)
    effects = table[table.kind == "effect"]
    write_csv(tables / "effects.csv", effects[COLUMNS])
    write_csv(tables / "effects_levels.csv", table[table.kind == "level"].rename(columns={"contrast": "level"})[LEVEL_COLUMNS])
    write_csv(tables / "effects_curves.csv", table[table.kind == "curve"][CURVE_COLUMNS])
    summary["rows"] = int(len(effects))
    summary["marked"] = int((effects.note != "").sum())
    return summary
