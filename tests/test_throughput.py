"""The fast paths of ``classify`` (issue #24) give exactly what their plain definitions give:
identity text (NFKC), the traditional-script share, and the compiled model's word columns."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from research import paths
from research.classify.inputs import compose
from research.corpus.characters import to_simplified, traditional_share
from research.corpus.document import process_document
from research.corpus.reader import read_document
from research.corpus.segment import normalized
from research.text.patterns import CJK_CHAR

#: Characters NFKC changes or composes: full-width and compatibility forms, combining marks, spaces.
TRICKY = [*"，；：！？（）\u3000\u00a0 \t\nＡａ１．％…㎡①ﬁ", *"\u0301\u0308\u3099\u309aｶﾞが醫療e", "\r\n", "医疗保障"]
tricky_text = st.lists(st.sampled_from(TRICKY), max_size=40).map("".join)


@lru_cache(maxsize=1)
def seed_units() -> list:
    return [u for path in sorted(paths.SEEDS.glob("*.txt")) for u in process_document(path, path.stem)[0].units]


def reference_normalized(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def reference_share(text: str, sample: int = 4000) -> float:
    chunk = "".join(CJK_CHAR.findall(text[: sample * 8]))[:sample]
    if not chunk:
        return 0.0
    converted = to_simplified(chunk)
    if converted == chunk:
        return 0.0
    if len(converted) != len(chunk):
        return len(set(chunk) - set(converted)) / len(set(chunk))
    return sum(a != b for a, b in zip(chunk, converted)) / len(chunk)


@settings(max_examples=300, deadline=None)
@given(st.one_of(tricky_text, st.text(max_size=60)))
def test_identity_text_is_nfkc_without_white_space(text):
    assert normalized(text) == reference_normalized(text)


def test_identity_text_and_traditional_share_on_every_seed():
    for path in sorted(paths.SEEDS.glob("*.txt")):
        raw = read_document(path)
        assert normalized(raw) == reference_normalized(raw), path.name
        assert traditional_share(raw) == reference_share(raw), path.name
        for cut in (100, 5000, 9000, 20000):  # the sample found in the first part, or not
            text = raw[:cut] + "abc " * 3000 + raw
            assert traditional_share(text) == reference_share(text)
    assert any(traditional_share(read_document(p)) > 0.05 for p in paths.SEEDS.glob("*.txt"))  # Panjin
    for unit in seed_units():
        assert normalized(unit.text) == reference_normalized(unit.text)


def test_compiled_word_columns_equal_the_analyzers_strings():
    """The model's body-word block by integer ids gives the columns its analyzer's strings give,
    for paragraphs with and without spaces (those take the string path)."""
    from research.classify import load_model

    model = load_model()
    units = seed_units()
    inputs = [compose(u.text, u.section_path) for u in units]
    inputs += ["DRG 和 DIP 支付方式改革", "医保 基金 监管", "", "  ", "互联网+医疗健康 与 DRG/DIP"]
    fast = model._features(inputs)
    ids = model.word_ids
    try:
        model.word_ids = [None] * len(ids)  # every block through its analyzer's strings
        slow = model._features(inputs)
    finally:
        model.word_ids = ids
    assert any(ids) and all(np.array_equal(a, b) for a, b in zip(fast, slow))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["医", "a", " ", "\n", "。", "１", "豈", "㐀", "\U00020000"]), max_size=30).map("".join),
       st.integers(0, 12))
def test_has_cjk_counts_to_n(text, n):
    from itertools import islice

    from research.text.patterns import has_cjk

    assert has_cjk(text, n) == (sum(1 for _ in islice(CJK_CHAR.finditer(text), n)) >= n)
