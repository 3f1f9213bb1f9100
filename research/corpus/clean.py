"""Clean a raw web capture of a plan document into its text, one paragraph a line.

A capture is a page: furniture before the plan (menus, breadcrumbs, metadata), the plan's body,
and furniture after it (footers, related links, spam).  The rules judge a line by its place on
that page, not by a word it contains:

- a table of contents goes (:mod:`~research.corpus.contents`);
- before and after the body page furniture goes, inside it only what its structure shows is
  not plan text (:mod:`~research.corpus.body`, with the line tests of
  :mod:`~research.corpus.line_rules`); a numbered heading is never dropped, nor a table line;
- inline, only HTML tags, glued pinyin, known injected strings, a closing signature and a
  trailing "政策解读|…" link list are removed (:mod:`~research.corpus.inline_rules`);
- traditional script is converted, white space folded, punctuation width normalised
  (:mod:`~research.corpus.characters`).

Every removed span is recorded (:class:`~research.corpus.cleaning_report.CleaningReport`: line,
column, rule, text), so a user can audit what was removed and why (``dropped.csv``).  Nothing
here knows about a particular seed file.
"""

from __future__ import annotations

import re

from research.corpus.body import drop_furniture, drop_inside_body, find_body
from research.corpus.characters import fold_whitespace, normalize_punctuation, to_simplified, traditional_share
from research.corpus.cleaning_report import CleaningReport
from research.corpus.contents import drop_contents
from research.corpus.evidence import body_start, title_line
from research.corpus.inline_rules import count_damage, split_repeated_title, strip_html, strip_inline, strip_pinyin

#: Share of Chinese characters OpenCC changes above which a capture is traditional script.
TRADITIONAL_SHARE = 0.05


def clean_text(raw: str, removed: list[tuple[int, str, str]] = ()) -> tuple[str, CleaningReport]:
    """Clean one captured document; return the text (one paragraph a line) and the report,
    which lists every removed span (``report.dropped``), starting with what the reader removed
    (``removed``: line, rule, text; a PDF's page headers, footers and numbers)."""
    report = CleaningReport(chars_in=len(raw), lines_in=raw.count("\n") + 1)
    for line, rule, text in removed:
        report.drop(rule, line, text)
    text = strip_html(raw.replace("\r\n", "\n").replace("\r", "\n"), report)
    lines = fold_whitespace(text)
    strip_pinyin(lines, text, report)
    lines = _simplified(lines, report)  # lines keep their numbers through every step so far
    report.lines = list(lines)
    keep = [True] * len(lines)
    drop_contents(lines, keep, report)
    start, end = find_body(lines, keep)
    report.body = (start + 1, end + 1)
    title = title_line(lines, body_start(lines))
    drop_furniture(lines, keep, start, end, report, title.value if title else "")
    drop_inside_body(lines, keep, start, end, report)
    text = split_repeated_title(strip_inline(lines, keep, report))
    count_damage(text, report)  # damaged spans are kept, and counted
    text = normalize_punctuation(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    report.chars_out = len(text)
    report.lines_out = sum(1 for line in text.split("\n") if line.strip())
    return text, report


def _simplified(lines: list[str], report: CleaningReport) -> list[str]:
    """The lines in simplified script (converted when the capture is traditional)."""
    text = "\n".join(lines)
    report.traditional_share = traditional_share(text)
    if report.traditional_share > TRADITIONAL_SHARE:
        report.script = "traditional"
        text = to_simplified(text)
    return text.split("\n")
