"""What a raw document's structure says about it, read before any furniture is removed: its
title line, page metadata lines (发布时间, 成文日期, 来源, 发文单位), document numbers, signatures
(an issuing body above a date), the addressee line, and a news dateline.

Each finding is an :class:`Evidence` (a value, where it was found, a confidence);
:mod:`research.corpus.metadata` decides the fields from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from research.corpus.front_matter import DATE, DATE_LEAD, DOC_NUMBER, NATIONAL, is_date_line, is_issuer, line_kind
from research.corpus.line_rules import furniture_rule, is_heading, is_prose
from research.text.patterns import CJK, NUMERALS

#: A page metadata label and its value: "发布时间：2021-12-06", "发文单位 武汉市医疗保障局".
META_LABEL = re.compile(r"(?:^|(?<=\s))(?:(成文日期|发文日期|发布时间|发布日期|印发日期|发文单位|发文机关|发布机构|"
                        r"发布单位|来源)\s*[：:]?|(日期|时间)\s*[：:])\s*")
#: A news dateline: agency or paper, place, date, 电/讯 ("新华社北京3月5日电").
DATELINE = re.compile(rf"^[（(]?(?:[{CJK}]{{1,8}}(?:社|报|网|台))?(?:记者[{CJK}]{{2,4}})?[{CJK}]{{0,8}}?"
                      r"\d{1,2}月\d{1,2}日(?:电|讯)")
#: A reporter's byline: "（记者 张三）", "本报记者 李四".
BYLINE = re.compile(rf"^(?:[（(]\s*)?(?:本报|本网)?记者\s*[{CJK}]{{2,4}}")
#: "X关于印发Y的通知": the issuer X (may be empty) and the issued document Y.
ISSUING = re.compile(r"^(.*?)关于印发(.+?)的通知$")
#: The body a plan or notice names as its issuer inside a title ("X关于…", "X印发…").
TITLE_ISSUER = re.compile(r"^(.{2,30}?)(?:关于|印发)")
_MENU_ROW = re.compile(rf"^(?:[{CJK}A-Za-z]{{1,8}}\s+){{3,}}[{CJK}A-Za-z]{{1,8}}$")
_TITLE_PUNCT = re.compile(r"[。；，：:!?！？]")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0"}


@dataclass
class Evidence:
    value: str
    source: str
    confidence: float


def year_of(date: str) -> str:
    """The year of a date in digits or Chinese numerals ("" when none)."""
    m = re.search(rf"(\d{{4}}|[{NUMERALS}]{{4}})\s*[年\-./]", date)
    if not m:
        return ""
    year = "".join(_CN_DIGIT.get(c, c) for c in m.group(1))
    return year if year.isdigit() and 1949 <= int(year) <= 2100 else ""


def is_menu_row(line: str) -> bool:
    """A navigation row: four or more short words separated by spaces, no punctuation."""
    return bool(_MENU_ROW.match(line))


def body_start(lines: list[str]) -> int:
    """Index of the first line of prose or numbered heading (len(lines) when none)."""
    return next((i for i, line in enumerate(lines) if is_prose(line) or is_heading(line)), len(lines))


def title_line(lines: list[str], start: int) -> Evidence | None:
    """The document's own title: among the lines before the body that are not furniture, menus,
    front matter or sentences, the last that names a kind of document, else the longest."""
    candidates = []
    for i in range(min(start, len(lines))):
        line = lines[i].strip()
        if (len(re.findall(f"[{CJK}]", line)) < 6 or _TITLE_PUNCT.search(line.rstrip("：:")) or is_menu_row(line)
                or META_LABEL.match(line) or line_kind(line) or DATE.search(line) and len(line) < 25):
            continue
        if furniture_rule(line, "", "") and not kind_words(line):
            continue
        candidates.append(line)
    if not candidates:
        return None
    named = [c for c in candidates if kind_words(c)]
    if named:
        return Evidence(named[-1], "title_line", 0.9)
    return Evidence(max(candidates, key=len), "longest_line_before_body", 0.5)


def kind_words(title: str) -> bool:
    from research.corpus.metadata import document_type

    return document_type(title) != ""


def meta_lines(lines: list[str]) -> dict[str, Evidence]:
    """Page metadata lines: year (signed or published) and issuer, from labelled values."""
    found: dict[str, Evidence] = {}
    for line in lines[:80] + lines[-40:]:
        for m in META_LABEL.finditer(line):
            label, rest = m.group(1) or m.group(2), line[m.end():]
            value = re.split(rf"\s{{2,}}|\s(?={META_LABEL.pattern})", rest, maxsplit=1)[0].strip()
            if label in ("成文日期", "发文日期", "印发日期") and year_of(value):
                found.setdefault("year_signed", Evidence(year_of(value), f"{label}_line", 0.9))
            elif label in ("发布时间", "发布日期", "日期", "时间") and year_of(value):
                found.setdefault("year_published", Evidence(year_of(value), f"{label}_line", 0.8))
            elif label in ("发文单位", "发文机关", "发布机构", "发布单位") and value:
                found.setdefault("issuer", Evidence(value.split()[0], f"{label}_line", 0.9))
            elif label == "来源" and value:
                found.setdefault("source", Evidence(value.split()[0], "来源_line", 0.6))
                if year_of(line):  # "2021-11-19 10:05 来源：新华社": the date it was published
                    found.setdefault("year_published", Evidence(year_of(line), "来源_line_date", 0.7))
    return found


def signatures(lines: list[str]) -> list[tuple[str, str]]:
    """(issuing body, date) pairs: a body line directly above a date line (last first)."""
    pairs = []
    live = [line.strip() for line in lines if line.strip()]
    for a, b in zip(live, live[1:]):
        if is_date_line(b) and is_issuer(a):
            pairs.append((a, b))
    return pairs[::-1]


def document_numbers(lines: list[str]) -> list[tuple[str, str]]:
    """(issuer abbreviation, year) of 〔2021〕-style document numbers near the start or end."""
    out = []
    for line in lines[:60] + lines[-30:]:
        for m in DOC_NUMBER.finditer(line):
            abbreviation = re.match(f"[{CJK}]+", m.group(0)).group(0)
            out.append((abbreviation, m.group(1)))
    return out


def dateline(lines: list[str], start: int) -> str:
    """The news dateline or byline opening the body ("" when there is none)."""
    near = [line.strip() for line in lines[:start] if line.strip()][-3:]
    for line in near + [line.strip() for line in lines[start:start + 3]]:
        if DATELINE.match(line) or BYLINE.match(line):
            return line
    return ""


def leading_dates(lines: list[str], start: int) -> str:
    """A date line standing between the title and the body (a speech or signing date)."""
    before = [line.strip() for line in lines[:start] if line.strip()][-6:]
    for line in before:
        if is_date_line(line) or DATE_LEAD.match(line):
            return year_of(line)
    return ""


def is_national(name: str) -> bool:
    return bool(NATIONAL.match(name))
