"""The text patterns every module shares: Chinese characters, punctuation, heading markers.

One definition each, so that the reader, the cleaner, the segmenter, the metadata inference and
the classifier's sentence split agree on what a Chinese character, a sentence end or a numbered
heading is.  A rule that needs a narrower set builds it from these pieces (and says why).
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Chinese characters: CJK Unified Ideographs with Extension A, and the compatibility block.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")

#: Chinese numerals as headings count them (一、 （二） 第三章 第十一节).
NUMERALS = "一二三四五六七八九十百零〇"
#: The numerals of list markers and items (一、 （二） 三是): one to ten.
SMALL_NUMERALS = NUMERALS[:10]

#: Full-width punctuation that ends a sentence for good.
FULL_STOP = "。！？"
#: Full-width sentence ends: a clause closed by ； counts as a sentence of its own.
SENTENCE_END_ZH = FULL_STOP + "；"
#: Full-width punctuation that only separates clauses.
CLAUSE_ZH = "，、："
#: Full-width punctuation after which a paragraph, or a heading's words, may end: a sentence
#: end, or a colon that opens what follows.
BREAK_ZH = SENTENCE_END_ZH + "："
#: Punctuation that ends a sentence, and punctuation that only separates clauses (with ASCII).
SENTENCE_END = SENTENCE_END_ZH + "!?"
CLAUSE = CLAUSE_ZH + ",:;"
#: A line with any of this is prose, not a menu entry, heading or caption.
PROSE_PUNCT = re.compile(f"[{SENTENCE_END}{CLAUSE}]")

#: Markers that open a numbered heading (第X章/节/篇/部分, 一、, （一）, 1., 专栏N, 表N, 附件, 附录).
HEADING_START = re.compile(
    rf"^(?:第[{NUMERALS}\d]+[章节篇部分]|[{SMALL_NUMERALS}]+[、．.]|"
    rf"[（(][{SMALL_NUMERALS}]+[）)]|\d{{1,2}}[．.、]|专栏\s*\d+|表\s*\d+|附件|附录|——)"
)

_SENTENCE = re.compile(f"[^{SENTENCE_END}]+[{SENTENCE_END}]?")


def cjk_count(text: str) -> int:
    """Number of Chinese characters in ``text``."""
    return len(CJK_CHAR.findall(text))


def has_cjk(text: str, n: int = 1) -> bool:
    """At least ``n`` Chinese characters in ``text`` (stops counting there: a line can be a
    whole plan)."""
    return n <= 0 or _at_least(n).match(text) is not None


@lru_cache(maxsize=None)
def _at_least(n: int) -> re.Pattern:
    """A pattern that matches the start of a text up to its ``n``-th Chinese character."""
    return re.compile(f"(?:[^{CJK}]*+[{CJK}]){{{n}}}")


def split_sentences(text: str, min_cjk: int = 0) -> list[str]:
    """The sentences of ``text`` (split after 。！？；!?), stripped, keeping those with at least
    ``min_cjk`` Chinese characters."""
    parts = (s.strip() for s in _SENTENCE.findall(text))
    return [s for s in parts if s and cjk_count(s) >= min_cjk]
