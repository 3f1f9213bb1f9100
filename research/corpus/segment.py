"""Segment a cleaned document into paragraph units that keep their place in the heading tree.

The input is the output of :func:`research.corpus.clean.clean_text` (one paragraph a line,
table cells on tab-led lines).  Every character of it ends up in exactly one piece: a heading,
a unit, a caption (title lines and other lines without sentence punctuation) or a table cell,
so segmentation neither loses nor invents text (see :meth:`Segmented.pieces`).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field

from research.corpus.headings import RANKS, MARKER, Marker, marker_at, split_run_in_heading
from research.corpus.tables import TABLE_CAPTION, Table, parse_table

PARTS = ("background", "goals", "tasks", "safeguards", "other")

#: Heading words that decide a unit's part; the first unambiguous heading on the path wins.
PART_RULES = {
    "background": re.compile(r"基础|形势|背景|成就|回顾|开展情况|存在.*问题|问题及原因|机遇|挑战"),
    "goals": re.compile(r"总体要求|指导思想|基本原则|发展目标|总体思路|主要目标|目标任务|总体目标"),
    "safeguards": re.compile(r"保障措施|规划实施|组织实施|实施保障|组织领导"),
    "other": re.compile(r"^附录$"),
}

SENTENCE_PUNCT = re.compile(r"[。；！？，：、]")
ITEM_START = re.compile(r"(?<=[。；])(?=[一二三四五六七八九十]+是)")
LEAD_MAX, UNIT_MIN = 18, 40
APPENDIX = "附录"


@dataclass
class Unit:
    doc_id: str
    order: int
    section_path: str
    part: str
    text: str
    unit_id: str = ""

    @property
    def n_chars(self) -> int:
        return len(self.text)


@dataclass
class Segmented:
    """A segmented document: its units, headings, captions and tables."""

    doc_id: str
    units: list[Unit] = field(default_factory=list)
    headings: list[tuple[int, str, str]] = field(default_factory=list)  # (rank, text, path)
    captions: list[str] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    pieces: list[str] = field(default_factory=list)  # every piece, in document order

    @property
    def title(self) -> str:
        return self.captions[0] if self.captions else ""

    def top_headings(self) -> list[str]:
        """Headings of the highest rank present (the plan's top-level parts), appendix aside."""
        main = [(r, t) for r, t, p in self.headings if r > 0 and not p.startswith(APPENDIX)]
        if not main:
            return []
        top = min(r for r, _ in main)
        return [t for r, t in main if r == top]


def normalized(text: str) -> str:
    """Text as used for identity: NFKC, no white space."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def unit_id(doc_id: str, text: str) -> str:
    digest = hashlib.sha1(normalized(text).encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}-{digest}"


def part_of(path: list[str]) -> str:
    """The plan part a unit belongs to, from the headings above it."""
    if not path:
        return "other"
    for heading in path:
        hits = [name for name, rule in PART_RULES.items() if rule.search(heading)]
        if len(hits) == 1:
            return hits[0]
    return "tasks"


class _Numbering:
    """Last accepted number per marker kind, to accept run-in markers only in sequence."""

    def __init__(self):
        self.last = {kind: 0 for kind in RANKS}

    def expected(self, marker: Marker) -> bool:
        return marker.number == self.last[marker.kind] + 1

    def accept(self, marker: Marker) -> None:
        self.last[marker.kind] = marker.number
        for kind, rank in RANKS.items():  # children restart
            if rank > RANKS[marker.kind] and kind != "box":
                self.last[kind] = 0


def _run_in_markers(line: str, numbering: _Numbering) -> list[Marker]:
    """Heading markers inside a line (not at its start) that sit at a sentence boundary and
    continue the numbering; e.g. the inline headings of a plan captured as one line."""
    found: list[Marker] = []
    trial = _Numbering()
    trial.last = dict(numbering.last)
    first = marker_at(line, 0)
    last_end = -100
    if first and first.kind in ("top", "paren", "chapter", "section"):
        trial.accept(first)
        last_end = first.end
    for m in MARKER.finditer(line, 1):
        marker = marker_at(line, m.start())
        if marker is None or marker.kind not in ("top", "paren", "chapter", "section"):
            continue
        before = line[m.start() - 1]
        boundary = before in "。！？；：”" or (m.start() - last_end) <= 15
        if boundary and trial.expected(marker):
            trial.accept(marker)
            found.append(marker)
            last_end = marker.end
    return found


def _line_heading(line: str, marker: Marker) -> tuple[str, str]:
    """Split a line that starts with a marker into (heading, body)."""
    if not re.search("[。！？；：]", line[marker.end:]) and len(line) <= 50:
        return line, ""  # "（四）建立来源多元、稳健可持续的筹资机制": commas do not end a heading
    if marker.kind == "arabic":
        return "", line  # "1.制度体系更加完善。……" is a list item, not a heading
    m = re.search("[。！？]", line[marker.end:])
    if m and m.start() <= 30:
        cut = marker.end + m.end()
        return line[:cut], line[cut:]
    return line[: marker.end], line[marker.end:]


def _split_items(text: str, run_in: bool) -> list[str]:
    """Split a paragraph into units: "一是……二是……" items, and in run-in text, lead-sentence
    items such as "制度体系更加完善。……"; pieces shorter than UNIT_MIN join the one before."""
    parts = [p for p in ITEM_START.split(text) if p]
    if run_in:
        split: list[str] = []
        for part in parts:
            sentences = re.findall(r"[^。]*。|[^。]+$", part)
            current = ""
            for sentence in sentences:
                is_lead = (current and 4 <= len(sentence) - 1 <= LEAD_MAX
                           and not re.search(r"[，、；：“”（）\d%]", sentence))
                if is_lead:
                    split.append(current)
                    current = sentence
                else:
                    current += sentence
            if current:
                split.append(current)
        parts = split
    merged: list[str] = []
    for part in parts:
        if merged and len(part.strip()) < UNIT_MIN:
            merged[-1] += part
        else:
            merged.append(part)
    if len(merged) > 1 and len(merged[0].strip()) < UNIT_MIN:
        merged[1] = merged[0] + merged[1]
        merged = merged[1:]
    return [m for m in merged if m.strip()]


def segment(text: str, doc_id: str) -> Segmented:
    """Segment cleaned text into units, headings, captions and tables."""
    doc = Segmented(doc_id)
    stack: list[tuple[int, str]] = []  # (rank, heading text)
    box_items = {"count": 0, "numbered": False}
    numbering = _Numbering()
    order = 0

    def path() -> list[str]:
        return [t for _, t in stack]

    def push(rank: int, heading: str) -> None:
        while stack and stack[-1][0] >= rank:
            stack.pop()
        stack.append((rank, heading))
        doc.headings.append((rank, heading, " > ".join(path())))
        doc.pieces.append(heading)
        if rank == RANKS["box"]:
            box_items.update(count=0, numbered=False)

    def add_paragraph(body: str, run_in: bool) -> None:
        nonlocal order
        body = body.strip()
        if not body:
            return
        numbered = bool(re.match(r"\d{1,2}[.、]", body))
        if stack and stack[-1][0] == RANKS["box"]:
            if box_items["count"] and (not numbered or not box_items["numbered"]):
                stack.pop()
            else:
                box_items["count"] += 1
                box_items["numbered"] = box_items["numbered"] or numbered
        for item in _split_items(body, run_in):
            order += 1
            headings = [t for r, t in stack if r != RANKS["box"]]
            doc.units.append(Unit(doc_id, order, " > ".join(path()), part_of(headings), item.strip()))
            doc.pieces.append(item)

    lines = text.split("\n")
    i = 0
    while i < len(lines):
        line = lines[i].strip("\t ")
        if not line:
            i += 1
            continue
        if TABLE_CAPTION.search(line) and not SENTENCE_PUNCT.search(line.replace("、", "")):
            table, i = parse_table(lines, i)
            table.section_path = " > ".join(path())
            doc.tables.append(table)
            body_cells = table.cells[:len(table.cells) - len(table.leftover)]
            doc.pieces.extend([table.caption, *body_cells])
            if table.leftover:  # cells that fill no row stay as text
                add_paragraph(" ".join(table.leftover), run_in=False)
            continue
        i += 1
        first = marker_at(line, 0)
        if first and first.kind == "box":
            push(RANKS["box"], line)
            continue
        run_in = _run_in_markers(line, numbering)
        if not run_in:
            if first and (first.kind != "arabic"
                          or (not SENTENCE_PUNCT.search(line) and len(line) <= 25)):
                heading, body = _line_heading(line, first)
                if heading:
                    if first.kind == "top" and first.number == 1 and numbering.last["top"] >= 2:
                        stack.clear()
                        push(RANKS["appendix"], APPENDIX)
                        doc.pieces.pop()  # the appendix heading is inferred, not in the text
                    numbering.accept(first)
                    push(RANKS[first.kind], heading)
                add_paragraph(body, run_in=False)
            elif not SENTENCE_PUNCT.search(line) and len(line) <= 60:
                doc.captions.append(line)
                doc.pieces.append(line)
            else:
                add_paragraph(line, run_in=False)
            continue
        # A run-in line: split it at its inline markers.
        starts = [0] if first and first.kind in ("top", "paren", "chapter", "section") else []
        bounds = starts + [m.start for m in run_in] + [len(line)]
        if bounds[0] != 0:
            add_paragraph(line[: bounds[0]], run_in=True)
        for start, end in zip(bounds, bounds[1:]):
            chunk = line[start:end]
            marker = marker_at(chunk, 0)
            numbering.accept(marker)
            head_len = split_run_in_heading(chunk[marker.end:])
            push(RANKS[marker.kind], chunk[: marker.end + head_len])
            add_paragraph(chunk[marker.end + head_len:], run_in=True)

    # Stable ids: document plus normalised text; repeated paragraphs get a suffix.
    seen: dict[str, int] = {}
    for unit in doc.units:
        base = unit_id(doc_id, unit.text)
        seen[base] = seen.get(base, 0) + 1
        unit.unit_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
    return doc
