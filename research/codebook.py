"""The codebook's machine-readable twin (``research/codebook.yaml``): codes, names, term lists.

``terms`` were read off the seed plans (in-sample vocabulary); ``national_terms`` come only from the
framework's national wording, so a model evaluated on the seeds may use them without leakage.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import yaml

from research import paths


@dataclass(frozen=True)
class Label:
    code: str
    framework: str
    zh: str
    en: str
    short_en: str
    short_zh: str
    terms: tuple[str, ...]
    national_terms: tuple[str, ...] = ()


@lru_cache(maxsize=1)
def labels() -> tuple[Label, ...]:
    """The eight labels in the framework's order (multi_tier … service, then other)."""
    data = yaml.load(paths.CODEBOOK.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    return tuple(Label(code=d["code"], framework=str(d["framework"]), zh=d["zh"], en=d["en"],
                       short_en=d["short_en"], short_zh=d["short_zh"], terms=tuple(d["terms"]),
                       national_terms=tuple(d.get("national_terms", ())))
                 for d in data["labels"])


def codes() -> list[str]:
    """Label codes in the framework's order."""
    return [label.code for label in labels()]


def onehot(values, order: list[str] | None = None):
    """Labels as indicator rows (units x codes, float), the codes in the codebook's order unless
    ``order`` gives them; a value that is no code is a row of zeros."""
    import numpy as np

    order = codes() if order is None else order
    return (np.asarray(values, dtype=object)[:, None] == np.array(order, dtype=object)[None]).astype(float)


def label(code: str) -> Label:
    for item in labels():
        if item.code == code:
            return item
    raise KeyError(code)


def names(lang: str = "en", short: bool = True) -> dict[str, str]:
    """Display name per code, in English or Chinese."""
    if lang not in ("en", "zh"):
        raise ValueError("lang must be 'en' or 'zh'")
    attr = ("short_" if short else "") + lang
    return {item.code: getattr(item, attr) for item in labels()}


@lru_cache(maxsize=1)
def definitions() -> dict[str, str]:
    """Each code's one-line definition: the "in one line" column of ``codebook.md``'s quick
    reference table (the document that decides)."""
    text = (paths.PACKAGE / "codebook.md").read_text(encoding="utf-8")
    lines = {}
    for row in text.splitlines():
        cells = [c.strip() for c in row.strip().strip("|").split("|")]
        if len(cells) == 5 and cells[0].strip("`") in codes():
            lines[cells[0].strip("`")] = cells[4]
    return {c: lines[c] for c in codes()}
