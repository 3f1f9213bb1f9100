"""``python -m research topics coverage``: how often the topic models' tokenizer keeps the
hand-checked domain terms whole, with and without the domain dictionary, on given units."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from research.atomic import write_csv, write_text
from research.errors import ResearchError
from research.text.coverage import coverage_summary, term_coverage


def write_coverage(units: pd.DataFrame, out: Path) -> dict:
    """Coverage of the domain terms in ``units.text``: writes ``dictionary_coverage.csv`` (per
    term) and ``dictionary_coverage.json`` (the summary) into ``out`` (other files there are
    kept); returns the summary."""
    if "text" not in units.columns:
        raise ResearchError("tokenizer coverage needs units with a text column")
    table = term_coverage(units.text.fillna("").astype(str))
    summary = coverage_summary(table)
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "dictionary_coverage.csv", table)
    write_text(out / "dictionary_coverage.json", json.dumps(summary, indent=1) + "\n")
    return summary
