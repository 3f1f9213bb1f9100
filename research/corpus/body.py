"""Where the plan's body lies on a captured page, and what is dropped around it and inside it.

Before the body (the first line of prose or the first numbered heading) and after it (the last
line of prose), page furniture is dropped (:func:`drop_furniture`).  Inside the body a line is
dropped only on strong structural evidence (:func:`drop_inside_body`): a block of four or more
menu-like lines, a run of related-link items (title, then date), a line of three or more
distinct spam terms, or a line of bare separators.  Numbered headings and table lines stay.
"""

from __future__ import annotations

import re

from research.corpus.cleaning_report import CleaningReport
from research.corpus.line_rules import (DATE_LINE, SPAM_LINE, furniture_rule, is_front_matter, is_heading,
                                        is_menu_like, is_prose, is_spam, is_table_line)
from research.text.patterns import CJK

MENU_BLOCK = 4  # this many menu-like lines in a row inside the body are a menu, not a plan
SPAM_TERMS_IN_BODY = 3  # distinct spam terms that make a line of the body spam
_WORD = re.compile(rf"[\w{CJK}]")  # a line without any is a separator ("——————", "***")


def body_span(lines: list[str]) -> tuple[int, int]:
    """Indices of the first and last line of the plan's body: from the first line of prose or
    numbered heading to the last line of prose (or table line).  A page with no prose at all is
    body from end to end."""
    first = last = None
    for i, line in enumerate(lines):
        body = line.lstrip("\t")
        prose = is_prose(body)
        if first is None and (prose or is_heading(body)):
            first = i
        if prose or (is_table_line(line) and first is not None):
            last = i
    if first is None or last is None:
        return 0, len(lines) - 1
    return first, max(last, first)


def find_body(lines: list[str], keep: list[bool]) -> tuple[int, int]:
    """:func:`body_span` of the kept lines, as indices into ``lines`` ((0, -1) if none is kept)."""
    live = [i for i in range(len(lines)) if keep[i]]
    if not live:
        return 0, -1
    start, end = body_span([lines[i] for i in live])
    return live[start], live[end]


def _next_nonempty(lines: list[str], i: int) -> str:
    return next((x for x in lines[i + 1:] if x), "")


def drop_furniture(lines: list[str], keep: list[bool], start: int, end: int, report: CleaningReport,
                   title: str = "") -> None:
    """Drop the page furniture before line ``start`` and after line ``end`` (the body); the
    document's own title line (``title``) stays."""
    previous = ""
    for i in range(len(lines)):
        if not keep[i]:
            continue
        if title and lines[i].strip() == title:
            previous = lines[i]
            continue
        if start <= i <= end:
            previous = lines[i] or previous
            continue
        rule = furniture_rule(lines[i], _next_nonempty(lines, i), previous) if lines[i].lstrip("\t") else ""
        if rule:
            place = "before_body:" if i < start else "after_body:"
            report.drop(place + rule, i + 1, lines[i].lstrip("\t"))
            keep[i] = False
        elif lines[i]:
            previous = lines[i]


def drop_inside_body(lines: list[str], keep: list[bool], start: int, end: int, report: CleaningReport) -> None:
    """Drop, inside the body, only what its structure shows is not plan text."""
    spam = any(SPAM_LINE.search(lines[j]) for j in range(start, end + 1))
    i = start
    while i <= end:
        body = lines[i].lstrip("\t")
        if not body or not keep[i] or is_table_line(lines[i]) or is_heading(body):
            i += 1
            continue
        if spam and is_spam(body, SPAM_TERMS_IN_BODY):
            report.drop("spam_lines", i + 1, body)
            keep[i] = False
        elif not _WORD.search(body):
            report.drop("separator_lines", i + 1, body)
            keep[i] = False
        else:
            run = _menu_run(lines, keep, i, end)
            if len(run) >= MENU_BLOCK:
                for j in run:
                    rule = "related_links" if _link_item(lines, j) else "menu_block"
                    report.drop(rule, j + 1, lines[j].lstrip("\t"))
                    keep[j] = False
                i = run[-1] + 1
                continue
        i += 1


def _link_item(lines: list[str], j: int) -> bool:
    """A related-link item: a date, or a title whose next line is its date."""
    return bool(DATE_LINE.match(lines[j].lstrip("\t")) or DATE_LINE.match(_next_nonempty(lines, j)))


def _menu_run(lines: list[str], keep: list[bool], i: int, end: int) -> list[int]:
    """Consecutive non-empty menu-like lines from ``i`` (blank lines between them allowed):
    short, no sentence punctuation, not a heading, not a table line; dates count too."""
    run = []
    for j in range(i, end + 1):
        line = lines[j]
        body = line.lstrip("\t")
        if not body:
            continue
        if not keep[j] or is_table_line(line) or is_heading(body) or not is_menu_like(body):
            break
        if is_front_matter(body, _next_nonempty(lines, j), lines[run[-1]] if run else ""):
            break  # a signature (issuing body, date) is not a menu
        run.append(j)
    return run
