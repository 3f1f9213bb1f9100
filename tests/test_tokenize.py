"""The tokenizer runs on rjieba (jieba-rs); its words must be pure-Python jieba's words."""

from __future__ import annotations

import logging
from functools import lru_cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from research import paths
from research.corpus.reader import read_document
from research.text import Tokenizer
from research.text.tokenize import DOMAIN_DICT, _special_pattern


@lru_cache(maxsize=2)
def _reference(user_dict: bool):
    import jieba

    jieba.setLogLevel(logging.WARNING)
    tk = jieba.Tokenizer()
    tk.initialize()
    if user_dict:
        tk.load_userdict(str(DOMAIN_DICT))
    return tk


def jieba_words(text: str, user_dict: bool = True) -> list[str]:
    """What the tokenizer did on pure-Python jieba: special terms first, then ``lcut``."""
    tk, out, pos = _reference(user_dict), [], 0
    if user_dict:
        for m in _special_pattern().finditer(text):
            out += tk.lcut(text[pos:m.start()]) if m.start() > pos else []
            out.append(m.group(0))
            pos = m.end()
    return out + tk.lcut(text[pos:])


def test_same_words_as_jieba_on_every_unit_path_and_raw_seed(units):
    texts = list(units.text) + sorted(set(units.section_path))
    texts += [read_document(p) for p in sorted(paths.SEEDS.glob("*.txt"))]
    for user_dict in (True, False):
        tokenizer = Tokenizer(user_dict=user_dict)
        differ = [t[:40] for t in texts if tokenizer.cut(t) != jieba_words(t, user_dict)]
        assert not differ, differ[:3]


@pytest.mark.parametrize("text, words", [
    ("COVID-19疫情", ["COVID", "-", "19", "疫情"]),   # jieba-rs alone keeps "COVID-19"
    ("2021-2035年", ["2021", "-", "2035", "年"]),
    ("占比达到1.5%", ["占", "比", "达到", "1.5%"]),
    ("推进DRG/DIP支付方式改革", ["推进", "DRG/DIP", "支付方式改革"]),
    ("C++", ["C++"]),
])
def test_known_differences_of_jieba_rs_are_undone(text, words):
    assert Tokenizer().cut(text) == words == jieba_words(text)


_ASCII = "abcXYZ0123456789+#&._%-/ \n"
_HAN = "医疗保障基本医保药品集中采购支付方式改革长期护理保险异地就医结算"


@settings(max_examples=300, deadline=None, derandomize=True)
@given(st.text(alphabet=st.sampled_from(_ASCII + _HAN + "，。（）、：；“”"), max_size=60))
def test_same_words_as_jieba_on_mixed_text(text):
    assert Tokenizer().cut(text) == jieba_words(text)
