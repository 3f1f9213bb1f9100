"""Reading a finished study folder: what the notebooks and the report page show.

>>> s = load_study("my_study")              # doctest: +SKIP
>>> s.table("emphasis")                     # group, area, share, ci_low, ci_high, n_units
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

import pandas as pd

from research import codebook
from research.errors import ResearchError
from research.study.emphasis import with_groups


@dataclass
class Study:
    """A study folder written by ``python -m research study``."""

    folder: Path

    def _csv(self, relative: str, **kwargs) -> pd.DataFrame:
        path = self.folder / relative
        if not path.exists():
            raise ResearchError(f"{path}: missing (run 'python -m research study ... --out {self.folder}')")
        return pd.read_csv(path, keep_default_na=False, **kwargs)

    @cached_property
    def summary(self) -> dict:
        path = self.folder / "study.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}

    @property
    def by(self) -> str:
        return self.summary.get("by", "city")

    @cached_property
    def metadata(self) -> pd.DataFrame:
        return self._csv("metadata.csv", dtype=str)

    @cached_property
    def units(self) -> pd.DataFrame:
        """Corpus units with their document's group."""
        units = self._csv("corpus/units.csv", dtype={"doc_id": str, "unit_id": str, "text": str})
        return with_groups(units, self.metadata, self.by)

    @cached_property
    def labels(self) -> pd.DataFrame:
        labels = self._csv("labels.csv", dtype={"doc_id": str, "unit_id": str})
        return with_groups(labels, self.metadata, self.by)

    @cached_property
    def cleaning(self) -> dict:
        return json.loads((self.folder / "corpus" / "cleaning_report.json").read_text(encoding="utf-8"))

    @cached_property
    def dropped(self) -> pd.DataFrame:
        return self._csv("corpus/dropped.csv", dtype={"doc_id": str})

    @cached_property
    def corpus_tables(self) -> pd.DataFrame:
        return self._csv("corpus/tables.csv", dtype=str)

    def table(self, name: str) -> pd.DataFrame:
        """A table of ``tables/`` by name (without ``.csv``)."""
        return self._csv(f"tables/{name}.csv")

    def has_table(self, name: str) -> bool:
        return (self.folder / "tables" / f"{name}.csv").exists()

    def names(self, lang: str = "en") -> dict[str, str]:
        """Display name per group: the Chinese city name (``city_zh``) in Chinese figures."""
        if self.by == "city" and lang == "zh":
            return dict(zip(self.metadata.city, self.metadata.city_zh))
        return {}

    def residuals(self) -> pd.DataFrame:
        """Adjusted residuals, group by area (codes as columns)."""
        frame = self.table("residuals").set_index("group")
        return frame

    def topics(self, seeded: bool = False) -> Path | None:
        """The topic model's folder, or None when it was skipped (reason in ``topic_status``)."""
        folder = self.folder / "topics" / ("seeded" if seeded else "")
        return folder if (folder / "doc_topics.csv").exists() else None

    @property
    def topic_status(self) -> dict:
        path = self.folder / "topics" / "status.json"
        return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


def load_study(folder: str | Path) -> Study:
    folder = Path(folder)
    if not (folder / "labels.csv").exists():
        raise ResearchError(f"{folder}: not a study folder (no labels.csv)")
    return Study(folder)


def removed_by_rule(cleaning: dict) -> pd.DataFrame:
    """Characters removed by each cleaning rule (rows), per document (columns)."""
    removed = pd.DataFrame({doc: {rule: v["chars_removed"] if isinstance(v, dict) else v
                                  for rule, v in r["rules"].items()}
                            for doc, r in cleaning.items()}).fillna(0).astype(int)
    removed.loc["chars in"] = [cleaning[d]["chars_in"] for d in removed.columns]
    removed.loc["chars out"] = [cleaning[d]["chars_out"] for d in removed.columns]
    return removed


def damage_table(cleaning: dict) -> pd.DataFrame:
    return pd.DataFrame({doc: {"script": r["script"], "damaged spans": r["damaged_spans"],
                               "examples": " | ".join(r["damaged_examples"][:3])}
                         for doc, r in cleaning.items()}).T


def top_headings(cleaning: dict) -> pd.DataFrame:
    return pd.DataFrame({doc: pd.Series(r["top_headings"], dtype=object) for doc, r in cleaning.items()})


def label_sources(labels: pd.DataFrame) -> pd.DataFrame:
    """Units per group labelled by people, by the classifier and (front matter) by structure."""
    table = pd.crosstab(labels.group, labels.label_source, margins=True, margins_name="total")
    return table.reindex(columns=[c for c in ("human", "classifier", "structure", "total") if c in table.columns],
                         fill_value=0)


def confidence(labels: pd.DataFrame) -> pd.DataFrame:
    """The classifier's top probability per group (how sure it is on this collection)."""
    top = labels[[f"p_{c}" for c in codebook.codes()]].max(axis=1)
    return top.groupby(labels.group).describe()[["count", "mean", "25%", "50%", "75%"]].round(3)


def uncertain_units(study: Study, n: int = 10) -> pd.DataFrame:
    """Classifier-labelled units with the smallest margin between the two most probable
    labels: the first ones to check by hand."""
    labels = study.labels[study.labels.label_source == "classifier"]
    probs = labels[[f"p_{c}" for c in codebook.codes()]].to_numpy()
    ordered = -pd.DataFrame(probs).apply(lambda r: sorted(-r)[:2], axis=1, result_type="expand")
    margin = (ordered[0] - ordered[1]).to_numpy() if len(labels) else []
    pick = labels.assign(margin=margin).nsmallest(n, "margin")
    text = study.units.set_index("unit_id").text
    return pick.assign(text=pick.unit_id.map(text).str[:100])[["group", "unit_id", "label", "margin", "text"]]
