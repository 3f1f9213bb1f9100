"""A plan's table of contents: its title line, and the entries its body repeats as headings."""

from __future__ import annotations

import re

from research.corpus.cleaning_report import CleaningReport
from research.corpus.line_rules import LINE_PUNCT, is_table_line
from research.text.patterns import HEADING_START

CONTENTS_TITLES = ("目录", "目次")


def toc_key(line: str) -> str:
    """A table-of-contents entry as its heading in the body reads: no spaces, no dot leaders
    or page number."""
    return re.sub(r"[.…·．\-—]*\d*$", "", re.sub(r"\s+", "", line))


def drop_contents(lines: list[str], keep: list[bool], report: CleaningReport) -> None:
    """Drop every table of contents in ``lines`` (see :func:`drop_one_contents`)."""
    for i, line in enumerate(lines):
        if keep[i] and "".join(line.split()) in CONTENTS_TITLES:  # (white space removed)
            drop_one_contents(lines, keep, i, report)


def drop_one_contents(lines: list[str], keep: list[bool], i: int, report: CleaningReport) -> None:
    """Drop a table of contents: its title (line ``i``), then up to where its first entry repeats
    (the body's first heading) every line that stands again in the body (its entries).  Anything
    else in that stretch (the plan's title, a preamble, a heading the body does not repeat) stays."""
    entries = [j for j in range(i + 1, len(lines)) if lines[j]]
    first = toc_key(lines[entries[0]]) if entries else None
    end = next((j for j in entries[1:] if toc_key(lines[j]) == first), None)
    report.drop("table_of_contents", i + 1, lines[i].lstrip("\t"))
    keep[i] = False
    if end is None:
        return
    later = {toc_key(line) for line in lines[end:] if line}
    stretch = [j for j in range(i + 1, end) if lines[j] and not is_table_line(lines[j])]
    entry = {j: toc_key(lines[j]) in later for j in stretch}
    for k, j in enumerate(stretch):  # an entry the body words differently, between two entries
        if not entry[j] and HEADING_START.match(lines[j]) and not LINE_PUNCT.search(lines[j]):
            entry[j] = 0 < k < len(stretch) - 1 and entry[stretch[k - 1]] and entry[stretch[k + 1]]
    for j in stretch:
        if entry[j]:
            report.drop("table_of_contents", j + 1, lines[j])
            keep[j] = False
