"""The study's figures, drawn from its folder's files: each in two print sizes, one column
(``NAME_1col``, 3.5 in) and two columns (``NAME``, 7.1 in), PNG and PDF, English and Chinese
(``_zh``), with its caption beside it (``NAME.caption.txt``, ``NAME_zh.caption.txt``).

:func:`study_figure` draws one of them with its caption (the notebooks use it), so the figure a
notebook shows is the file's and its caption the same text."""

from __future__ import annotations

import json
from functools import cached_property
from pathlib import Path

import pandas as pd

from research.atomic import write_text
from research.report.captions import caption
from research.report.groups import Groups, group_sizes, make_groups
from research.report.style import ONE_COLUMN, TWO_COLUMNS
from research.study.folder import load_study

#: File-name suffix of each print size.
SIZES = {"": TWO_COLUMNS, "_1col": ONE_COLUMN}
#: Every figure, in the order the outputs stage draws them.
NAMES = ("emphasis", "emphasis_probability", "emphasis_classifier", "residuals", "confusion", "reliability",
         "topic_words", "topic_prevalence", "emphasis_topics", "k_selection", "topic_words_seeded")
#: The file each figure is drawn from (it is drawn when that file exists).
SOURCES = {"emphasis": "tables/emphasis.csv", "emphasis_probability": "tables/emphasis_probability.csv",
           "emphasis_classifier": "tables/emphasis_classifier.csv", "residuals": "tables/residuals.csv",
           "confusion": "tables/confusion.csv", "reliability": "tables/calibration.csv",
           "topic_words": "topics/topics.csv", "topic_prevalence": "topics/city_prevalence.csv",
           "emphasis_topics": "topics/area_prevalence.csv", "k_selection": "topics/k_selection.csv",
           "topic_words_seeded": "topics/seeded/topics.csv"}
#: The axis of each figure of area shares (a key of :data:`research.report.model_figures.TEXT`).
SHARE_AXES = {"emphasis": "share", "emphasis_probability": "probability", "emphasis_classifier": "classifier",
              "emphasis_topics": "topic_area"}


def _read(path: Path, **kwargs) -> pd.DataFrame:
    return pd.read_csv(path, keep_default_na=False, **kwargs)


def _json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}


class StudyFigures:
    """The figures of the study folder ``study`` in ``lang``; ``order`` the groups' order rule
    (None: as the metadata gives, else by name)."""

    def __init__(self, study: Path, lang: str = "en", order: str | None = None):
        self.study, self.lang = Path(study), lang
        self.summary = _json(self.study / "study.json")
        self.by = self.summary.get("by", "city")
        folder = load_study(self.study)
        labels = _read(self.study / "labels.csv", dtype={"doc_id": str}, usecols=["doc_id", "label_source"])
        self.groups: Groups = make_groups(group_sizes(labels, folder.metadata, self.by), self.by, lang,
                                          folder.names(lang), order)
        sources = labels.label_source.value_counts()
        self.facts = {"by": self.by, "groups": len(self.groups), "documents": int(labels.doc_id.nunique()),
                      "units": len(labels), "human": int(sources.get("human", 0)), "structure": int(sources.get("structure", 0)),
                      "classifier": int(sources.get("classifier", 0)), "rule": self.groups.rule}

    def available(self) -> list[str]:
        """The figures whose source file exists (K selection only with a grid of K)."""
        names = [n for n in NAMES if (self.study / SOURCES[n]).exists()]
        if "k_selection" in names and (_read(self.study / SOURCES["k_selection"]).model == "lda").sum() < 2:
            names.remove("k_selection")
        return names

    @cached_property
    def _topics(self) -> dict:
        topics = _json(self.study / "topics" / "summary.json")
        seeded = _json(self.study / "topics" / "seeded" / "summary.json")
        k_table = self.study / SOURCES["k_selection"]
        seeds = int(_read(k_table).seeds.max()) if k_table.exists() else 0
        return {"k": topics.get("k"), "chains": topics.get("runs", 1), "topic_units": topics.get("units"),
                "seeded_k": seeded.get("k"), "seeds": seeds, "topic_labels": seeded.get("topic_labels", [])}

    def facts_for(self, name: str) -> dict:
        facts = {**self.facts, **self._topics}
        facts["evaluated"] = self.summary.get("evaluation", {}).get("units", self.facts["units"])
        facts["source"] = SOURCES[name]
        if name == "reliability":
            facts["ece"] = float(_read(self.study / SOURCES[name]).ece.iloc[0])
        if name in SHARE_AXES or name == "residuals":
            table = _read(self.study / SOURCES["emphasis" if name == "residuals" else name])
            facts["empty"] = [a for a, s in table.groupby("area", sort=False).share if (s == 0).all()]
        return facts

    def caption(self, name: str) -> str:
        return caption(name, self.lang, self.facts_for(name))

    def draw(self, name: str, width: float = TWO_COLUMNS):
        """Figure ``name`` at ``width`` inches."""
        from research.report import figures as fg
        from research.report.model_figures import TEXT
        from research.report.style import apply_style

        apply_style()
        lang, groups, source = self.lang, self.groups, self.study / SOURCES[name]
        if name in SHARE_AXES:
            return fg.emphasis_figure(_read(source), lang, groups, width, TEXT[lang][SHARE_AXES[name]])
        if name == "residuals":
            return fg.residual_heatmap(_read(source).set_index("group"), lang, groups, width)
        if name == "confusion":
            return fg.confusion_figure(_read(source).set_index("gold").to_numpy(), lang, width)
        if name == "reliability":
            calibration = _read(source)
            return fg.reliability_figure(calibration.to_dict("records"), float(calibration.ece.iloc[0]), lang, width)
        if name == "topic_prevalence":
            return fg.topic_prevalence_figure(_read(source), lang, groups, width, self._topic_areas())
        if name == "k_selection":
            return fg.k_selection_figure(_read(source), self._topics["k"], lang, width)
        labels = self._topic_areas() if name == "topic_words" else self._topics["topic_labels"]
        return fg.topic_words_figure(_read(source), labels, lang, width=width)

    def _topic_areas(self) -> list[str]:
        path = self.study / "topics" / "topic_areas.csv"
        return list(_read(path).area) if path.exists() else []


def study_figure(study: str | Path, name: str, lang: str = "en", width: float = TWO_COLUMNS,
                 order: str | None = None):
    """``(figure, caption)`` of figure ``name`` of the study folder ``study``."""
    figures = StudyFigures(Path(study), lang, order)
    return figures.draw(name, width), figures.caption(name)


def draw_figures(study: Path, lang: str, order: str | None = None) -> list[Path]:
    """Every figure of the study in ``lang`` in both sizes, and its caption (files end in
    ``_zh`` in Chinese)."""
    from research.report.style import save_figure

    figures = StudyFigures(Path(study), lang, order)
    out, suffix = Path(study) / "figures", "" if lang == "en" else "_zh"
    written: list[Path] = []
    for name in figures.available():
        for size, width in SIZES.items():
            written += save_figure(figures.draw(name, width), out, f"{name}{size}{suffix}")
        target = out / f"{name}{suffix}.caption.txt"
        write_text(target, figures.caption(name) + "\n")
        written.append(target)
    return written + _effects_figures(Path(study), lang, out, suffix)


def _effects_figures(study: Path, lang: str, out: Path, suffix: str) -> list[Path]:
    """The effects stage's figures (when the study has ``tables/effects.csv``), in both sizes,
    each with its caption."""
    from research.report.captions import effects_caption
    from research.report.effects_figures import effects_figures
    from research.report.style import apply_style, save_figure

    if not (study / "tables" / "effects.csv").exists():
        return []
    apply_style()
    tables = [pd.read_csv(study / "tables" / f"{n}.csv", dtype={"note": str})
              for n in ("effects", "effects_levels", "effects_curves")]
    status, written = _json(study / "study.json").get("effects", {}), []
    for size, width in SIZES.items():
        for name, fig in effects_figures(*tables, lang, width):
            written += save_figure(fig, out, f"{name}{size}{suffix}")
            if not size:
                target = out / f"{name}{suffix}.caption.txt"
                write_text(target, effects_caption(name, lang, status) + "\n")
                written.append(target)
    return written


def show(fig, text: str) -> None:
    """Display ``fig`` and its caption below it (in a notebook)."""
    import matplotlib.pyplot as plt
    from IPython.display import Markdown, display

    display(fig)
    plt.close(fig)
    display(Markdown(text.replace("*", r"\*")))


def show_figure(study: str | Path, name: str, lang: str = "en", width: float = TWO_COLUMNS) -> None:
    """Display figure ``name`` of the study folder ``study`` with its caption: the figure file's
    drawing and the text of its ``.caption.txt``."""
    show(*study_figure(study, name, lang, width))
