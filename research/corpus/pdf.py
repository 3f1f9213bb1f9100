"""Text of a PDF's text layer from its layout: lines in reading order, running headers, footers
and page numbers removed (and returned, named, so that they are listed as dropped), and the
lines a paragraph wraps over joined again.

pdfminer's plain ``extract_text`` puts blank lines between the wrapped lines of a paragraph, so
blank lines are no paragraph boundaries.  Here a line continues the one before when that line
reaches the right margin and this one starts at the left margin (no first-line indent) without
a paragraph's extra spacing, also across a page break.
"""

from __future__ import annotations

import io
import re
import statistics
from collections import Counter
from dataclasses import dataclass

from research.text.patterns import HEADING_START

#: A page number alone: "3", "- 3 -", "— 3 —", "第3页", "第 3 页 共 10 页", "3/10".
PAGE_NUMBER = re.compile(r"^(?:[-—－–\s]*\d{1,4}[-—－–\s]*|第\s*\d+\s*页(?:\s*[/，,]?\s*共\s*\d+\s*页)?|"
                         r"\d{1,4}\s*/\s*\d{1,4})$")
EDGE_LINES = 2  # lines at the top and at the bottom of a page that may be page furniture


@dataclass
class Line:
    page: int
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


def page_lines(data: bytes) -> list[list[Line]]:
    """The text lines of every page, top to bottom, left to right."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams, LTTextContainer, LTTextLine

    pages = []
    for number, page in enumerate(extract_pages(io.BytesIO(data), laparams=LAParams()), 1):
        lines = []
        for element in page:
            if not isinstance(element, LTTextContainer):
                continue
            for line in (element if not isinstance(element, LTTextLine) else [element]):
                if isinstance(line, LTTextLine) and line.get_text().strip():
                    lines.append(Line(number, line.x0, line.y0, line.x1, line.y1, line.get_text().strip()))
        pages.append(sorted(lines, key=lambda ln: (-round(ln.y1), ln.x0)))
    return pages


def _key(text: str) -> str:
    return re.sub(r"\d+", "#", re.sub(r"\s+", "", text))


def running_lines(pages: list[list[Line]]) -> dict[int, str]:
    """Page furniture: id(line) -> rule, for page numbers and for the lines that open or close
    two or more pages with the same words (digits aside)."""
    found: dict[int, str] = {}
    tops = Counter(_key(ln.text) for page in pages for ln in page[:EDGE_LINES])
    bottoms = Counter(_key(ln.text) for page in pages for ln in page[-EDGE_LINES:])
    repeated = len(pages) >= 2
    for page in pages:
        for position, edge in (("header", page[:EDGE_LINES]), ("footer", page[-EDGE_LINES:][::-1])):
            counts = tops if position == "header" else bottoms
            for line in edge:  # from the page's edge inwards, while the lines are furniture
                if PAGE_NUMBER.match(line.text):
                    found[id(line)] = "page_number"
                elif repeated and counts[_key(line.text)] >= 2:
                    found[id(line)] = f"page_{position}"
                else:
                    break
    return found


def pdf_paragraphs(data: bytes) -> tuple[str, list[tuple[int, str, str]]]:
    """The PDF's text, one paragraph a line, and the removed page furniture as ``(line, rule,
    text)`` (``line``: the line of the text where it stood)."""
    pages = page_lines(data)
    furniture = running_lines(pages)
    body = [ln for page in pages for ln in page if id(ln) not in furniture]
    if not body:
        return "", []
    widths = [(ln.x1 - ln.x0) / len(ln.text) for ln in body if len(ln.text) >= 4] or [10.0]
    char = statistics.median(widths)
    left = min(ln.x0 for ln in body)
    right = sorted(ln.x1 for ln in body)[int(0.9 * (len(body) - 1))]
    pitches = [a.y0 - b.y0 for a, b in zip(body, body[1:]) if a.page == b.page and a.y0 > b.y0]
    pitch = min(pitches) if pitches else 0.0
    out: list[str] = []
    dropped: list[tuple[int, str, str]] = []
    previous = None
    for page in pages:
        for line in page:
            rule = furniture.get(id(line))
            if rule:
                dropped.append((len(out) + 1, rule, line.text))
                continue
            if previous is not None and _continues(previous, line, left, right, char, pitch):
                out[-1] += line.text
            else:
                out.append(line.text)
            previous = line
    return "\n".join(out), dropped


def _continues(before: Line, line: Line, left: float, right: float, char: float, pitch: float) -> bool:
    """``line`` wraps on from ``before``: that one fills the line to the right margin, this one
    starts at the left margin, is no heading, and follows at the usual line spacing (or on the
    next page)."""
    if before.x1 < right - 1.5 * char or line.x0 > left + 0.8 * char or HEADING_START.match(line.text):
        return False
    if line.page != before.page:
        return True
    return not pitch or before.y0 - line.y0 <= 1.35 * pitch
