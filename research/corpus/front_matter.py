"""Front matter by form and position: the lines around a document's body that address, sign,
date or number it (not policy text, never sent to the classifier).

A line's *form* is judged here (:func:`line_kind`); whether it stands where front matter stands
(before the body's first paragraph or heading, or after its last) is decided by the segmenter.
The forms: an addressee or salutation (a list of recipients ending in a colon), a speaker label
(a short name ending in a colon, repeated in a transcript), an issuing body next to a date (a
signature), a date, a document number (国办发〔2021〕36号), the notice sentence that issues the
document (…印发给你们…).
"""

from __future__ import annotations

import re
from collections import Counter

from research.corpus.line_rules import TITLE_WORDS
from research.text.patterns import CJK, CLAUSE_ZH, HEADING_START, NUMERALS, SENTENCE_END_ZH

_NUM = rf"[\d{NUMERALS}]"
#: A date alone on a line, in digits or Chinese numerals, optionally in brackets.
DATE = re.compile(rf"[（(]?\s*(?:\d{{4}}|[{NUMERALS}]{{4}})\s*[年\-./]\s*{_NUM}{{1,3}}\s*[月\-./]\s*{_NUM}{{1,3}}\s*日?\s*[）)]?")
DATE_ONLY = re.compile(rf"^{DATE.pattern}$")
#: A line that starts with a date and says where it was spoken or signed (no sentence in it).
DATE_LEAD = re.compile(rf"^{DATE.pattern}[{CJK}\s]{{0,40}}$")
#: A document number: issuer abbreviation, year in brackets, serial number.
DOC_NUMBER = re.compile(rf"[{CJK}]{{1,12}}\s*[〔\[【（(]\s*(\d{{4}})\s*[〕\]】）)]\s*\d{{1,4}}\s*号")
DOC_NUMBER_ONLY = re.compile(rf"^(?:[{CJK}]{{0,6}}[:：]\s*)?{DOC_NUMBER.pattern}$")
#: Punctuation that makes a line more than a name or a label.
_PUNCT = re.compile(r"[。；，,;！？!?]")
#: An addressee or salutation: recipients, listed or not, ending in a colon; no sentence.
ADDRESSEE = re.compile(r"^[^。；！？]{2,120}[：:]$")
#: A notice sentence issuing a document: recipients, then "…印发给你们…" or "现将…印发".
NOTICE = re.compile(r"印发给你们|现将.{0,80}?印发|现予印发|予以印发")
#: A national organ that issues documents without a place name.
NATIONAL = re.compile(r"^(?:国务院|中共中央|中华人民共和国|国家[\u4e00-\u9fff]{1,12}(?:局|委|部|委员会|署|院))")
SPEAKER_MAX = 30
#: Punctuation that makes a line a paragraph (as the segmenter reads it).
_PARAGRAPH = re.compile(f"[{SENTENCE_END_ZH}{CLAUSE_ZH}]")


def is_date_line(line: str) -> bool:
    return bool(DATE_ONLY.match(line.strip()))


def is_issuer(line: str) -> bool:
    """A short line that can name an issuing body: a place or national organ at its start, no
    punctuation, no 关于 and no word naming a kind of document (a title names a body too)."""
    from research.corpus.places import find_place

    line = line.strip()
    if (not line or len(line) > 40 or _PUNCT.search(line) or "关于" in line or HEADING_START.match(line)
            or TITLE_WORDS.search(line)):
        return False
    return bool(NATIONAL.match(line) or find_place(line))


def is_speaker(line: str) -> bool:
    """A short label ending in a colon with no other punctuation ("主持人：")."""
    line = line.strip()
    return (len(line) <= SPEAKER_MAX and line[-1:] in "：:" and not _PUNCT.search(line[:-1])
            and not HEADING_START.match(line) and "、" not in line)


def is_notice(text: str) -> bool:
    """A paragraph that addresses recipients and issues the document ("各区人民政府……：《…》已经
    市政府同意，现印发给你们，请……"): a colon closes its first clause, and it issues."""
    head = re.split("[。；]", text, maxsplit=1)[0]
    return bool(NOTICE.search(text[:400])) and ("：" in head or ":" in head or len(text) <= 200)


def line_kind(line: str, previous: str = "", nxt: str = "") -> str:
    """The front-matter form of one line ("" when it has none); ``previous`` and ``nxt`` are the
    nearest non-empty lines around it."""
    line = line.strip()
    if not line or HEADING_START.match(line):
        return ""
    if is_date_line(line):
        return "date"
    if DOC_NUMBER_ONLY.match(line):
        return "document_number"
    if DATE_LEAD.match(line):
        return "date"
    if is_issuer(line) and (is_date_line(nxt) or DATE_LEAD.match(nxt.strip()) or DOC_NUMBER_ONLY.match(nxt.strip())
                            or is_date_line(previous) or DATE_LEAD.match(previous.strip())):
        return "issuing_body"
    if ADDRESSEE.match(line) and ("、" in line or "，" in line or line.startswith("各")):
        return "addressee"
    if is_speaker(line):
        return "speaker"
    if is_notice(line) and len(line) <= 300:
        return "notice"
    return ""


def front_matter_lines(lines: list[str]) -> set[int]:
    """Indices of the lines that are front matter by form (:func:`line_kind`) and position:
    before the first paragraph or heading of the body, or after its last; speaker labels
    anywhere in a transcript (a document where one label recurs)."""
    live = [i for i, line in enumerate(lines) if line.strip("\t ")]
    kinds: dict[int, str] = {}
    for k, i in enumerate(live):
        if lines[i].startswith("\t"):
            continue
        previous = lines[live[k - 1]].strip() if k else ""
        nxt = lines[live[k + 1]].strip() if k + 1 < len(live) else ""
        kinds[i] = line_kind(lines[i].strip(), previous, nxt)
    body = [i for i in live if not kinds.get(i) and (lines[i].startswith("\t") or HEADING_START.match(lines[i].strip())
                                                      or _PARAGRAPH.search(lines[i]))]
    first, last = (body[0], body[-1]) if body else (len(lines), -1)
    speakers = Counter(lines[i].strip() for i, kind in kinds.items() if kind == "speaker")
    transcript = any(n >= 2 for n in speakers.values())
    return {i for i, kind in kinds.items()
            if kind and (i < first or i > last or (kind == "speaker" and transcript))}
