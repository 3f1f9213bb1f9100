"""Character-level normalisation of a capture: white space, script, punctuation width."""

from __future__ import annotations

import re
from functools import lru_cache

from research.text.patterns import CJK

_NOT_CJK = re.compile(f"[^{CJK}]+")
WHITESPACE = re.compile(r"[ \u00a0\u2000-\u200b\u3000\u202f\u205f\ufeff]+")

#: ASCII punctuation turned full-width next to Chinese text.
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
_FULL_ALNUM = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_FULL_ALNUM.update({"．": ".", "％": "%", "＋": "+", "－": "-", "／": "/"})
_FULL_ALNUM_TABLE = str.maketrans(_FULL_ALNUM)
_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a．％＋－／]")
_NEXT_TO_CJK = {ch: re.compile(f"(?<=[{CJK}]){re.escape(ch)}|{re.escape(ch)}(?=[{CJK}])")
                for ch in ",:!?"}


def fold_whitespace(text: str) -> list[str]:
    """The lines of ``text`` with runs of white space folded to one space and stripped; a line
    that starts with a tab (a table cell) keeps one leading tab ("\\t" alone: an empty cell), and
    a tab-led line of several cells (a table row) keeps the tabs between them."""
    lines = []
    for line in text.split("\n"):
        tab = line.lstrip(" \u3000\u00a0").startswith("\t")
        row = line.lstrip(" \u3000\u00a0")[1:].rstrip(" \u3000\u00a0\r") if tab else ""
        if "\t" in row:  # a table row: its cells stay apart, empty ones too
            line = "\t".join(WHITESPACE.sub(" ", cell).strip() for cell in row.split("\t"))
        else:
            line = WHITESPACE.sub(" ", line.replace("\t", " ")).strip()
        lines.append(("\t" + line) if tab else line)
    return lines


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC ``t2s``)."""
    return _t2s().convert(text)


def traditional_share(text: str, sample: int = 4000) -> float:
    """Share of Chinese characters that OpenCC changes when converting to simplified."""
    for end in (sample * 2, sample * 8):  # (most texts have ``sample`` of them in the first 2 * sample)
        chunk = _NOT_CJK.sub("", text[:end])[:sample]  # the first Chinese characters of text[:sample * 8]
        if len(chunk) == sample:
            break
    if not chunk:
        return 0.0
    converted = to_simplified(chunk)
    if converted == chunk:
        return 0.0
    if len(converted) != len(chunk):  # a one-to-many conversion: compare character sets
        return len(set(chunk) - set(converted)) / len(set(chunk))
    return sum(a != b for a, b in zip(chunk, converted)) / len(chunk)


def normalize_punctuation(text: str) -> str:
    """Full-width punctuation next to Chinese, half-width letters and digits everywhere.

    ASCII ``, : ! ?`` become full-width when a Chinese character touches them (so "1,000",
    "2:1" and "DRG, DIP" keep theirs); parentheses and ``;`` always do.
    """
    if _FULL_WIDTH_ALNUM.search(text):
        text = text.translate(_FULL_ALNUM_TABLE)
    text = text.replace("(", "（").replace(")", "）").replace(";", "；")
    for ch, pattern in _NEXT_TO_CJK.items():
        if ch in text:
            text = pattern.sub(_HALF_TO_FULL[ch], text)
    return text
