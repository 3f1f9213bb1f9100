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
from functools import lru_cache

from research.corpus.front_matter import front_matter_lines, is_notice
from research.corpus.headings import RANKS, MARKER, RUN_IN_MARKER, Marker, marker_at, split_run_in_heading
from research.corpus.tables import TABLE_CAPTION, Table, is_row, parse_rows, parse_table
from research.text.patterns import BREAK_ZH, CLAUSE_ZH, FULL_STOP, SENTENCE_END_ZH, SMALL_NUMERALS

PARTS = ("background", "goals", "tasks", "safeguards", "other", "front_matter")
#: The part of front matter (addressee, signature, date, document number, notice sentence,
#: speaker labels): kept as units, labelled ``other`` by structure, never classified.
FRONT_MATTER = "front_matter"

#: Heading words that decide a unit's part; the first unambiguous heading on the path wins.
PART_RULES = {
    "background": re.compile(r"基础|形势|背景|成就|回顾|开展情况|存在.*问题|问题及原因|机遇|挑战"),
    "goals": re.compile(r"总体要求|指导思想|基本原则|发展目标|总体思路|主要目标|目标任务|总体目标"),
    "safeguards": re.compile(r"保障措施|规划实施|组织实施|实施保障|组织领导"),
    "other": re.compile(r"^附录$"),
}

#: A line with any of this is a paragraph, not a caption.  Full-width only: the cleaner made
#: punctuation next to Chinese full-width, and what stays ASCII ("DRG, DIP") is not prose.
SENTENCE_PUNCT = re.compile(f"[{SENTENCE_END_ZH}{CLAUSE_ZH}]")
#: "一是……二是……" items start after a sentence or clause end.
ITEM_START = re.compile(f"(?<=[。；])(?=[{SMALL_NUMERALS}]+是)")
#: A lead sentence ("制度体系更加完善。") has no clause punctuation, quotes, brackets or figures.
NOT_LEAD = re.compile(f"[{CLAUSE_ZH}；“”（）\\d%]")
#: A numbered list item of a box ("1.", "2、").
ARABIC_ITEM = re.compile(r"\d{1,2}[.、]")
#: Marker kinds that can open a run-in heading inside a line.
RUN_IN_KINDS = ("top", "paren", "chapter", "section")
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


#: Full-width punctuation and space with their NFKD forms: replacing them first leaves NFKC unchanged,
#: and most texts then pass NFKC's quick check instead of being decomposed and composed again.
_TO_ASCII = tuple((c, unicodedata.normalize("NFKD", c)) for c in "，；：！？（）\u3000")


def normalized(text: str) -> str:
    """Text as used for identity: NFKC, no white space."""
    for full, ascii_form in _TO_ASCII:
        if full in text:
            text = text.replace(full, ascii_form)
    return "".join(unicodedata.normalize("NFKC", text).split())  # (str.split drops exactly what re's \s matches)


def unit_id(doc_id: str, text: str) -> str:
    digest = hashlib.sha1(normalized(text).encode("utf-8")).hexdigest()[:10]
    return f"{doc_id}-{digest}"


@lru_cache(maxsize=4096)  # (the units of a section share their path)
def part_of(path: tuple[str, ...]) -> str:
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
    if not RUN_IN_MARKER.search(line, 1):  # (most lines: no marker of these kinds after the start)
        return found
    trial = _Numbering()
    trial.last = dict(numbering.last)
    first = marker_at(line, 0)
    last_end = -100
    if first and first.kind in RUN_IN_KINDS:
        trial.accept(first)
        last_end = first.end
    for m in MARKER.finditer(line, 1):
        marker = marker_at(line, m.start())
        if marker is None or marker.kind not in RUN_IN_KINDS:
            continue
        before = line[m.start() - 1]
        boundary = before in BREAK_ZH + "”" or (m.start() - last_end) <= 15
        if boundary and trial.expected(marker):
            trial.accept(marker)
            found.append(marker)
            last_end = marker.end
    return found


def _line_heading(line: str, marker: Marker) -> tuple[str, str]:
    """Split a line that starts with a marker into (heading, body)."""
    if not re.search(f"[{BREAK_ZH}]", line[marker.end:]) and len(line) <= 50:
        return line, ""  # "（四）建立来源多元、稳健可持续的筹资机制": commas do not end a heading
    if marker.kind == "arabic":
        return "", line  # "1.制度体系更加完善。……" is a list item, not a heading
    m = re.search(f"[{FULL_STOP}]", line[marker.end:])
    if m and m.start() <= 30:
        cut = marker.end + m.end()
        return line[:cut], line[cut:]
    return line[: marker.end], line[marker.end:]


def _split_items(text: str, run_in: bool) -> list[str]:
    """Split a paragraph into units: "一是……二是……" items, and in run-in text, lead-sentence
    items such as "制度体系更加完善。……"; pieces shorter than UNIT_MIN join the one before."""
    parts = [p for p in ITEM_START.split(text) if p] if "是" in text else [text]  # (an item needs 是)
    if run_in:
        split: list[str] = []
        for part in parts:
            sentences = re.findall(r"[^。]*。|[^。]+$", part)
            current = ""
            for sentence in sentences:
                is_lead = (current and 4 <= len(sentence) - 1 <= LEAD_MAX
                           and not NOT_LEAD.search(sentence))
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


class _Builder:
    """The document being segmented: the heading stack, numbering and unit order so far."""

    def __init__(self, doc_id: str):
        self.doc = Segmented(doc_id)
        self.stack: list[tuple[int, str]] = []  # (rank, heading text)
        self.box = {"count": 0, "numbered": False}  # items seen in the open box (专栏)
        self.numbering = _Numbering()
        self.order = 0
        self.in_body = False  # a policy paragraph or heading has been seen

    def add_front_matter(self, line: str) -> None:
        """A line of front matter: a unit of its own, outside the heading tree."""
        self.order += 1
        self.doc.units.append(Unit(self.doc.doc_id, self.order, "", FRONT_MATTER, line.strip()))
        self.doc.pieces.append(line)

    def path(self) -> list[str]:
        return [t for _, t in self.stack]

    def push(self, rank: int, heading: str) -> None:
        self.in_body = True
        while self.stack and self.stack[-1][0] >= rank:
            self.stack.pop()
        self.stack.append((rank, heading))
        self.doc.headings.append((rank, heading, " > ".join(self.path())))
        self.doc.pieces.append(heading)
        if rank == RANKS["box"]:
            self.box.update(count=0, numbered=False)

    def add_paragraph(self, body: str, run_in: bool) -> None:
        body = body.strip()
        if not body:
            return
        numbered = bool(ARABIC_ITEM.match(body))
        if self.stack and self.stack[-1][0] == RANKS["box"]:  # a box holds one paragraph or a numbered list
            if self.box["count"] and (not numbered or not self.box["numbered"]):
                self.stack.pop()
            else:
                self.box["count"] += 1
                self.box["numbered"] = self.box["numbered"] or numbered
        for item in _split_items(body, run_in):
            if not self.in_body and is_notice(item):
                self.add_front_matter(item)  # "各区人民政府：……现印发给你们……" before the body
                self.doc.pieces[-1] = item
                continue
            self.in_body = True
            self.order += 1
            headings = tuple(t for r, t in self.stack if r != RANKS["box"])
            self.doc.units.append(Unit(self.doc.doc_id, self.order, " > ".join(self.path()), part_of(headings),
                                       item.strip()))
            self.doc.pieces.append(item)

    def add_table(self, lines: list[str], i: int, rows: bool = False) -> int:
        """The table whose caption is ``lines[i]`` (with ``rows``: whose first row is); returns
        the index of the line after it."""
        heading = None if rows else marker_at(lines[i].strip(), 0)
        table, i = parse_rows(lines, i) if rows else parse_table(lines, i)
        if heading and heading.kind in RUN_IN_KINDS:  # "二、主要指标": a heading that captions a table
            self.numbering.accept(heading)
            self.push(RANKS[heading.kind], table.caption)
        table.section_path = " > ".join(self.path())
        self.doc.tables.append(table)
        body_cells = table.cells[:len(table.cells) - len(table.leftover)]
        self.doc.pieces.extend([table.caption, *body_cells][1 if heading and heading.kind in RUN_IN_KINDS else 0:])
        if table.leftover:  # cells that fill no row stay as text
            self.add_paragraph(" ".join(table.leftover), run_in=False)
        return i

    def add_line(self, line: str) -> None:
        """A line that is not a table: a box title, a heading (with its body), a caption, a
        paragraph, or a run-in line of several headings and their text."""
        first = marker_at(line, 0)
        if first and first.kind == "box":
            self.push(RANKS["box"], line)
            return
        run_in = _run_in_markers(line, self.numbering)
        if run_in:
            self.add_run_in(line, first, run_in)
        elif first and (first.kind != "arabic" or (not SENTENCE_PUNCT.search(line) and len(line) <= 25)):
            self.add_heading(line, first)
        elif not SENTENCE_PUNCT.search(line) and len(line) <= 60:
            self.doc.captions.append(line)
            self.doc.pieces.append(line)
        else:
            self.add_paragraph(line, run_in=False)

    def add_heading(self, line: str, first: Marker) -> None:
        heading, body = _line_heading(line, first)
        if heading:
            if first.kind == "top" and first.number == 1 and self.numbering.last["top"] >= 2:
                self.stack.clear()  # numbering starts again: an appendix
                self.push(RANKS["appendix"], APPENDIX)
                self.doc.pieces.pop()  # the appendix heading is inferred, not in the text
            self.numbering.accept(first)
            self.push(RANKS[first.kind], heading)
        self.add_paragraph(body, run_in=False)

    def add_run_in(self, line: str, first: Marker | None, markers: list[Marker]) -> None:
        """Split a run-in line at its inline markers."""
        starts = [0] if first and first.kind in RUN_IN_KINDS else []
        bounds = starts + [m.start for m in markers] + [len(line)]
        if bounds[0] != 0:
            self.add_paragraph(line[: bounds[0]], run_in=True)
        for start, end in zip(bounds, bounds[1:]):
            chunk = line[start:end]
            marker = marker_at(chunk, 0)
            self.numbering.accept(marker)
            head_len = split_run_in_heading(chunk[marker.end:])
            self.push(RANKS[marker.kind], chunk[: marker.end + head_len])
            self.add_paragraph(chunk[marker.end + head_len:], run_in=True)


def segment(text: str, doc_id: str) -> Segmented:
    """Segment cleaned text into units, headings, captions and tables."""
    builder = _Builder(doc_id)
    lines = text.split("\n")
    front = front_matter_lines(lines)
    i = 0
    while i < len(lines):
        line = lines[i].strip("\t ")
        if not line:
            i += 1
        elif i in front:
            builder.add_front_matter(line)
            i += 1
        elif is_row(lines[i]):
            i = builder.add_table(lines, i, rows=True)
        elif TABLE_CAPTION.search(line) and not SENTENCE_PUNCT.search(line.replace("、", "")):
            i = builder.add_table(lines, i)
        else:
            builder.add_line(line)
            i += 1
    _assign_ids(builder.doc.units, doc_id)
    return builder.doc


def _assign_ids(units: list[Unit], doc_id: str) -> None:
    """Stable ids: document plus normalised text; repeated paragraphs get a suffix."""
    seen: dict[str, int] = {}
    for unit in units:
        base = unit_id(doc_id, unit.text)
        seen[base] = seen.get(base, 0) + 1
        unit.unit_id = base if seen[base] == 1 else f"{base}-{seen[base]}"
