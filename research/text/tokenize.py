"""Word segmentation with jieba and the project's domain dictionary.

Segmentation runs on ``rjieba``, the Python binding of jieba-rs: jieba's algorithm (prefix
DAG, maximum-probability route, HMM for unknown words) and its dictionary, compiled (``make
bench`` times both).  Its tokens equal ``jieba.lcut``'s once one known difference is undone
(jieba-rs keeps "COVID-19" or "500-600" whole where jieba splits them); ``tests/test_tokenize.py``
checks the equality on every seed unit, section path and raw capture and on random mixed text.
On strings of random rare characters the HMM can still break a near-tie differently.

:class:`Tokenizer` is a small picklable callable (it holds only its parameters; the segmenter
is rebuilt lazily), so it can sit inside a scikit-learn pipeline saved with skops.
Terms that jieba's pre-split regex would break ("互联网+", "DRG/DIP") are protected first.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache
from itertools import compress
from pathlib import Path
from types import SimpleNamespace

from research.text.patterns import CJK

RESOURCES = Path(__file__).resolve().parent.parent / "resources"
DOMAIN_DICT = RESOURCES / "domain_dict.txt"

_TOKEN_OK = re.compile(f"[{CJK}A-Za-z]")  # a token needs a Chinese character or a letter
_LOCK = threading.Lock()


def _read_list(name: str) -> list[str]:
    lines = (RESOURCES / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith("#")]


@lru_cache(maxsize=None)
def stopwords(kind: str = "function") -> frozenset[str]:
    """``"function"``: particles and function words; ``"topic"``: those plus policy boilerplate."""
    words = set(_read_list("stopwords.txt"))
    if kind == "topic":
        words |= set(_read_list("policy_stopwords.txt"))
    elif kind != "function":
        raise ValueError(f"unknown stop-word list {kind!r}")
    return frozenset(words)


@lru_cache(maxsize=None)
def special_terms() -> tuple[str, ...]:
    """Domain terms jieba cannot keep whole by dictionary alone, longest first."""
    return tuple(sorted(_read_list("special_terms.txt"), key=len, reverse=True))


def domain_terms() -> tuple[str, ...]:
    """Words of the project's domain dictionary."""
    return tuple(word for word, _, _ in dictionary_entries())


@lru_cache(maxsize=None)
def dictionary_entries() -> tuple[tuple[str, int, str], ...]:
    """``(word, frequency, tag)`` rows of the domain dictionary (jieba's user-dictionary format)."""
    rows = []
    for line in _read_list("domain_dict.txt"):
        word, freq, tag = (line.split() + ["", ""])[:3]
        if not freq.isdigit():
            raise ValueError(f"{DOMAIN_DICT}: {word!r} needs a frequency")
        rows.append((word, int(freq), tag))
    return tuple(rows)


@lru_cache(maxsize=4)
def _segmenter(user_dict: bool):
    """jieba's default dictionary plus, optionally, the domain words; built once per process
    (without them: rjieba's own segmenter, which importing rjieba has built already)."""
    import rjieba

    if not user_dict:
        return SimpleNamespace(cut=rjieba.cut, has_word=rjieba.has_word)
    with _LOCK:
        seg = rjieba.Jieba()
        for word, freq, tag in dictionary_entries():
            seg.add_word(word, freq, tag)
    return seg


# jieba's HMM step splits unknown non-Chinese runs with this pattern (``jieba.finalseg.re_skip``);
# jieba-rs's equivalent is looser and keeps "COVID-19", "ab-cd" or "1.2.3" as one token.  Only a
# text where a letter or digit touches one of the symbols jieba keeps inside a run can differ.
_JIEBA_SKIP = re.compile(r"([a-zA-Z0-9]+(?:\.\d+)?%?)")
_MAY_DIFFER = re.compile(r"[a-zA-Z0-9][+#&._%-]|[+#&._%-][a-zA-Z0-9]")


def _as_jieba(seg, words: list[str]) -> list[str]:
    """Undo jieba-rs's looser split of unknown ASCII runs, so tokens equal ``jieba.lcut``'s."""
    out = words
    for i in reversed([*compress(range(len(words)), map(str.isascii, words))]):  # (ASCII words only)
        w = words[i]
        if len(w) > 1 and not w.isalnum() and not w.isspace() and not seg.has_word(w):
            out = list(words) if out is words else out
            out[i:i + 1] = [x for x in _JIEBA_SKIP.split(w) if x]
    return out


def _cut(seg, text: str) -> list[str]:
    words = seg.cut(text)
    return _as_jieba(seg, words) if _MAY_DIFFER.search(text) else words


class Tokenizer:
    """Callable ``text -> list[str]`` of words.

    Parameters
    ----------
    user_dict : bool
        Load the project's domain dictionary (``research/resources/domain_dict.txt``).
    stop : {"function", "topic", None}
        Which stop-word list to remove; ``None`` keeps every word.
    min_len : int
        Drop tokens shorter than this (single characters carry little in Chinese policy text).
    """

    def __init__(self, user_dict: bool = True, stop: str | None = "function", min_len: int = 2):
        self.user_dict = user_dict
        self.stop = stop
        self.min_len = min_len

    def cut(self, text: str) -> list[str]:
        """All jieba words of ``text``, special terms kept whole, nothing filtered."""
        seg = _segmenter(self.user_dict)
        out: list[str] = []
        pattern = _special_pattern() if self.user_dict else None
        pos = 0
        if pattern is not None:
            for m in pattern.finditer(text):
                if m.start() > pos:
                    out.extend(_cut(seg, text[pos:m.start()]))
                out.append(m.group(0))
                pos = m.end()
        out.extend(_cut(seg, text[pos:]))
        return out

    def __call__(self, text: str) -> list[str]:
        words = self.cut(text)
        keep = _keep_cache(self.stop, self.min_len)
        try:  # every word decided before (the usual case on a batch)
            return list(compress(words, map(keep.__getitem__, words)))
        except KeyError:
            pass
        for w in set(words).difference(keep):
            if len(keep) > 500_000:  # bound the memo: memory stays flat on huge corpora
                keep.clear()
            keep[w] = self._keeps(w)
        try:
            return list(compress(words, map(keep.__getitem__, words)))
        except KeyError:  # a clear() (here or in another thread) removed a word: decide each again
            return [w for w in words if self._keeps(w)]

    def _keeps(self, word: str) -> bool:
        drop = stopwords(self.stop) if self.stop else frozenset()
        return len(word) >= self.min_len and bool(_TOKEN_OK.search(word)) and word not in drop

    def __repr__(self) -> str:
        return f"Tokenizer(user_dict={self.user_dict}, stop={self.stop!r}, min_len={self.min_len})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Tokenizer) and vars(self) == vars(other)

    def __hash__(self) -> int:
        return hash(tuple(sorted(vars(self).items())))


@lru_cache(maxsize=None)
def _keep_cache(stop, min_len) -> dict[str, bool]:
    """Memo of the keep/drop decision per token (tokens repeat a great deal)."""
    return {}


@lru_cache(maxsize=1)
def _special_pattern():
    terms = special_terms()
    return re.compile("|".join(re.escape(t) for t in terms)) if terms else None
