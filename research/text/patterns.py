"""The text patterns every module shares: Chinese characters, punctuation, heading markers.

One definition each, so that the reader, the cleaner, the segmenter, the metadata inference and
the classifier's sentence split agree on what a Chinese character, a sentence end or a numbered
heading is.
"""

from __future__ import annotations

import re

#: Chinese characters: CJK Unified Ideographs with Extension A, and the compatibility block.
CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
CJK_CHAR = re.compile(f"[{CJK}]")

#: Chinese numerals as headings count them (一、 （二） 第三章 第十一节).
NUMERALS = "一二三四五六七八九十百零〇"

#: Punctuation that ends a sentence, and punctuation that only separates clauses.
SENTENCE_END = "。！？；!?"
CLAUSE = "，、：,:;"
#: A line with any of this is prose, not a menu entry, heading or caption.
PROSE_PUNCT = re.compile(f"[{SENTENCE_END}{CLAUSE}]")

#: Markers that open a numbered heading (第X章/节/篇/部分, 一、, （一）, 1., 专栏N, 表N, 附件, 附录).
HEADING_START = re.compile(
    rf"^(?:第[{NUMERALS}\d]+[章节篇部分]|[{NUMERALS[:10]}]+[、．.]|"
    rf"[（(][{NUMERALS[:10]}]+[）)]|\d{{1,2}}[．.、]|专栏\s*\d+|表\s*\d+|附件|附录|——)"
)

_SENTENCE = re.compile(f"[^{SENTENCE_END}]+[{SENTENCE_END}]?")


def cjk_count(text: str) -> int:
    """Number of Chinese characters in ``text``."""
    return len(CJK_CHAR.findall(text))


def split_sentences(text: str, min_cjk: int = 0) -> list[str]:
    """The sentences of ``text`` (split after 。！？；!?), stripped, keeping those with at least
    ``min_cjk`` Chinese characters."""
    parts = (s.strip() for s in _SENTENCE.findall(text))
    return [s for s in parts if s and cjk_count(s) >= min_cjk]
