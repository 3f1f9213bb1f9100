"""The groups a figure compares (cities, provinces, years, document types): the order they are
drawn in, by a rule every caption states, and their labels, each carrying the group's size
(documents and units) and fully translated in Chinese figures."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from research.corpus.metadata import TYPES, UNKNOWN
from research.report import ORDER_RULES

#: Chinese for the values the toolkit itself writes into metadata (document types, unknown).
VALUES_ZH = {UNKNOWN: "未知", "fragment": "片段", "programme": "方案", "news": "新闻", "other": "其他",
             **{kind: words[0] for kind, words in TYPES.items() if words},
             "national": "国家级", "provincial": "省级", "city": "市级", "county": "县级"}


def display_name(group, names: dict | None = None, lang: str = "en") -> str:
    """A group's name as figures show it: from ``names`` (e.g. ``city_zh``), else the value;
    in Chinese the toolkit's own values (``unknown``, document types) are translated."""
    value = str(group)
    shown = str((names or {}).get(value, value))
    return VALUES_ZH.get(shown, shown) if lang == "zh" else shown


#: The header over compact labels (:func:`size_label` with ``compact``), which name no unit.
COMPACT_HEADER = {"en": "(documents, units)", "zh": "（文件数，段落数）"}


def size_label(name: str, documents: int, units: int, lang: str = "en", compact: bool = False) -> str:
    """``Anytown (1 doc, 87 units)`` / ``某市（1篇，87段）``; ``compact``: ``Anytown (1, 87)``
    (for narrow figures, under the header :data:`COMPACT_HEADER`)."""
    if compact:
        return f"{name}（{documents}，{units}）" if lang == "zh" else f"{name} ({documents}, {units})"
    if lang == "zh":
        return f"{name}（{documents}篇，{units}段）"
    return f"{name} ({documents} doc{'' if documents == 1 else 's'}, {units} units)"


@dataclass(frozen=True)
class Groups:
    """Groups in drawing order with their labels; ``rule`` is the ordering rule (``ORDER_RULES``)."""

    order: list[str]
    labels: dict[str, str]
    rule: str = "name"
    compact: dict[str, str] = field(default_factory=dict)
    by: str = "city"
    documents: dict[str, int] = field(default_factory=dict)
    units: dict[str, int] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.order)

    def label(self, group, compact: bool = False) -> str:
        return (self.compact if compact else self.labels).get(str(group), str(group))


def group_sizes(labels: pd.DataFrame, metadata: pd.DataFrame, by: str) -> pd.DataFrame:
    """Per group: ``documents``, ``units`` and ``order`` (the smallest of its documents' values
    in the metadata's optional ``order`` column, NaN when none is given).  ``labels`` has one
    row per unit with ``doc_id``."""
    meta = metadata.assign(group=metadata[by].astype(str).replace("", UNKNOWN))
    given = pd.to_numeric(meta["order"], errors="coerce") if "order" in meta else pd.Series(float("nan"), meta.index)
    meta = meta.assign(order=given)
    from research.study.emphasis import with_groups

    units = with_groups(labels[["doc_id"]].astype(str), metadata, by).group
    sizes = pd.DataFrame({"units": units.value_counts()})
    used = meta[meta.doc_id.isin(set(labels.doc_id.astype(str)))]
    sizes["documents"] = used.groupby("group").doc_id.nunique()
    sizes["order"] = used.groupby("group").order.min()
    sizes = sizes.fillna({"documents": 0}).astype({"documents": int, "units": int})
    return sizes.rename_axis("group").reset_index()[["group", "documents", "units", "order"]]


def make_groups(sizes: pd.DataFrame, by: str = "city", lang: str = "en", names: dict | None = None,
                rule: str | None = None) -> Groups:
    """:class:`Groups` from :func:`group_sizes`.  ``rule`` None: ``given`` when the metadata
    gives an order, else ``name``."""
    sizes = sizes.assign(group=sizes.group.astype(str))
    has_order = "order" in sizes and sizes.order.notna().any()
    rule = rule or ("given" if has_order else "name")
    if rule not in ORDER_RULES or (rule == "given" and not has_order):
        raise ValueError(f"group order must be one of {', '.join(ORDER_RULES)} ('given' needs an order column)")
    shown = {g: display_name(g, names, lang) for g in sizes.group}
    # ties and the name rule go by the group's value, not its display name: the same order in
    # every language
    if rule == "given":  # groups without a value after those with one
        key = sizes.assign(_missing=sizes.order.isna())
        ordered = key.sort_values(["_missing", "order", "group"], kind="stable").group
    elif rule == "size":
        ordered = sizes.sort_values(["units", "group"], ascending=[False, True], kind="stable").group
    else:
        ordered = sorted(sizes.group)
    docs, units = dict(zip(sizes.group, sizes.documents)), dict(zip(sizes.group, sizes.units))
    labels = {g: size_label(shown[g], docs[g], units[g], lang) for g in sizes.group}
    compact = {g: size_label(shown[g], docs[g], units[g], lang, compact=True) for g in sizes.group}
    return Groups(list(ordered), labels, rule, compact, by, docs, units)


def plain_groups(values, lang: str = "en", names: dict | None = None) -> Groups:
    """Groups of a table without sizes (a notebook drawing a bare table): ordered by name."""
    order = sorted({str(v) for v in values})
    labels = {g: display_name(g, names, lang) for g in order}
    return Groups(order, labels, compact=labels)
