"""Property-based tests: arbitrary text and bytes never crash the cleaner, the segmenter or the
reader with anything but the project's error type, and segmentation keeps every character."""

from __future__ import annotations


from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from research.corpus.clean import clean_text
from research.corpus.reader import read_document
from research.corpus.segment import normalized, segment
from research.errors import InputError

#: Pieces that exercise the segmenter: heading markers, punctuation, tabs, run-in text.
PIECES = ["一、", "二、", "三、", "十一、", "（一）", "（二）", "(三)", "第一章", "第二节", "1.", "2、", "专栏1",
          "表1", "一是", "二是", "。", "，", "；", "：", "、", "“", "”", "\n", "\n\n", "\t", " ", "——",
          "完善多元筹资机制", "医疗保障", "统一、高效", "基金统收统支", "加强基金监管", "DRG", "2025年",
          "指标表", "目录", "政策解读|部门解读", "凯发网站的", "醫(yī)療", "<p>", "</div>", "?;"]

chinese_text = st.lists(st.one_of(st.sampled_from(PIECES),
                                  st.text(alphabet="医保基金支付待遇筹资监管服务价格采购参保", max_size=30)),
                        max_size=60).map("".join)
any_text = st.one_of(chinese_text, st.text(max_size=400))

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@FAST
@given(any_text)
def test_cleaner_never_crashes(text):
    cleaned, report = clean_text(text)
    assert isinstance(cleaned, str)
    assert report.chars_in == len(text)


@FAST
@given(any_text)
def test_segmentation_loses_and_invents_nothing(text):
    cleaned, _ = clean_text(text)
    doc = segment(cleaned, "doc")
    assert normalized("".join(doc.pieces)) == normalized(cleaned)
    for unit in doc.units:
        assert unit.text.strip() and normalized(unit.text) in normalized(cleaned)
    assert len({u.unit_id for u in doc.units}) == len(doc.units)


@FAST
@given(chinese_text)
def test_segmentation_of_raw_text_also_keeps_every_character(text):
    doc = segment(text, "doc")
    assert normalized("".join(doc.pieces)) == normalized(text)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.binary(max_size=3000), suffix=st.sampled_from([".txt", ".html", ".docx", ".pdf", ".md"]))
def test_reader_raises_only_its_own_error_on_arbitrary_bytes(tmp_path, data, suffix):
    path = tmp_path / f"doc{suffix}"
    path.write_bytes(data)
    try:
        assert isinstance(read_document(path), str)
    except InputError as err:
        assert str(path) in str(err) and "\n" not in str(err)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=chinese_text, encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]))
def test_reader_decodes_common_chinese_encodings(tmp_path, text, encoding):
    text = "医疗保障事业发展规划。" * 3 + text
    path = tmp_path / "doc.txt"
    path.write_bytes(text.encode(encoding))
    assert read_document(path).replace("\r\n", "\n") == text.replace("\r\n", "\n").replace("\r", "\r")
