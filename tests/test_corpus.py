"""Corpus building on the real seeds: cleaning, heading tree, units, tables, determinism; the
corpus stage's handling of unreadable documents; reading units never builds them."""

from __future__ import annotations

import json
import re

import opencc
import pandas as pd
import pytest

from research import paths
from research.corpus import build_corpus, corpus_stage, manifest_documents, read_manifest, read_units
from research.corpus.clean import clean_text
from research.corpus.reader import read_document
from research.corpus.segment import normalized, segment
from research.errors import InputError, ResearchError

#: Unit counts per document, with the reason for each range (see README, "Data").
UNIT_RANGES = {
    "binzhou": (75, 100),  # ~80 lead-sentence items in one run-in line, plus preamble
    "lishui": (12, 16),    # 12 lines of body, one split into 一是/二是/三是 items
    "panjin": (34, 44),    # 25 report paragraphs (some split at 一是…), 13 glossary entries
    "wuhan": (80, 95),     # 87 paragraphs and box items after the table of contents
    "jinan": (70, 85),     # 77 paragraphs, lead-sentence items and box items
}

TOP_HEADINGS = {
    "binzhou": ["一、发展基础", "二、面临形势", "三、总体要求", "四、健全多层次医疗保障制度体系",
                "五、优化医疗保障协同治理体系", "六、构筑坚实的医疗保障服务支撑体系", "七、做好规划实施"],
    "wuhan": ["第一章 规划背景与总体思路", "第二章 健全多层次医疗保障制度体系",
              "第三章 完善医疗保障协同治理体系", "第四章 筑牢医疗保障服务支撑体系", "第五章 强化保障措施"],
    "jinan": ["一、基础形势", "二、总体要求", "三、健全完善多层次医疗保障体系", "四、优化医疗保障协同治理体系",
              "五、构筑坚实的医疗保障管理服务支撑体系", "六、保障措施"],
    "panjin": ["一、基本医疗保险工作开展情况", "二、存在主要问题及原因", "三、下一步重点工作举措"],
}

FURNITURE = re.compile(
    r"上一篇|下一篇|版权所有|ICP|公网安备|联系电话|关闭|打印|当前位置|欢迎您|招商|厂房|"
    r"久久|无码|人妻|在线观看|ririri|发布部门|有效性|索引号|政策解读[|｜]|图文解读|凯发|网站的"
)


def _docs():
    for row in read_manifest().itertuples():
        text, report = clean_text(read_document(paths.SEEDS / row.file))
        yield row.doc_id, text, report, segment(text, row.doc_id)


@pytest.fixture(scope="module")
def docs():
    return {doc_id: (text, report, doc) for doc_id, text, report, doc in _docs()}


def test_unit_counts_are_in_their_stated_ranges(units):
    counts = units.groupby("doc_id").size().to_dict()
    for doc_id, (low, high) in UNIT_RANGES.items():
        assert low <= counts[doc_id] <= high, (doc_id, counts[doc_id])


def test_top_level_headings_are_the_plans_real_ones(docs):
    for doc_id, expected in TOP_HEADINGS.items():
        assert docs[doc_id][2].top_headings() == expected


def test_run_in_phrases_are_not_headings(docs):
    headings = [h for _, h, _ in docs["binzhou"][2].headings]
    assert not any("统一、" in h or "统收统支" in h for h in headings)
    assert "四、健全多层次医疗保障制度体系" in headings
    # Run-in sub-headings are separated from the lead sentence that follows them.
    assert "（一）提升基本医疗保险参保质量" in headings
    assert "（三）加快健全医保基金监管体制机制" in headings


def test_no_unit_holds_furniture_tags_pinyin_or_traditional_characters(units):
    t2s = opencc.OpenCC("t2s")
    for text in units.text:
        assert not FURNITURE.search(text), text[:60]
        assert not re.search(r"<[a-zA-Z/][^>]*>", text), text[:60]
        assert not re.search(r"[（(][a-zāáǎàēéěèīíǐìōóǒòūúǔù]{1,6}[)）]", text), text[:60]
        assert t2s.convert(text) == text, text[:60]


def test_seo_string_is_removed_inside_words(units):
    lishui = " ".join(units[units.doc_id == "lishui"].text)
    assert "多元复合式医保支付方式改革" in lishui


def test_panjin_is_simplified_with_damage_counted(corpus_dir):
    report = json.loads((corpus_dir / "cleaning_report.json").read_text())
    panjin = report["panjin"]
    assert panjin["script"] == "traditional"
    assert panjin["damaged_spans"] > 10
    assert panjin["rules"]["glued_pinyin"]["chars_removed"] > 2000
    assert report["lishui"]["rules"]["seo_injection"]["chars_removed"] == len("凯发网站的") * 4


def test_every_unit_carries_its_context(units):
    assert units.unit_id.is_unique
    assert set(units.part) <= {"background", "goals", "tasks", "safeguards", "other", "front_matter"}
    assert (units.n_chars == units.text.str.len()).all()
    wuhan = units[units.doc_id == "wuhan"]
    fund = wuhan[wuhan.text.str.startswith("完善多元筹资机制")]
    assert fund.section_path.item() == "第二章 健全多层次医疗保障制度体系 > 第三节 完善基本医疗保险筹资运行机制"
    assert fund.part.item() == "tasks"
    assert set(units[units.doc_id == "binzhou"].part) == {"other", "background", "goals", "tasks", "safeguards",
                                                           "front_matter"}
    # the seeds' front matter: the forwarding notice, the report's date line and its salutation
    front = units[units.part == "front_matter"]
    assert [(d, t[:8]) for d, t in zip(front.doc_id, front.text)] == [
        ("binzhou", "各县（市、区）人"), ("panjin", "2020年9月2"), ("panjin", "主任、各位副主任")]


def test_lead_sentence_items_are_their_own_units(units):
    wuhan = units[units.doc_id == "wuhan"].text
    assert wuhan.str.startswith("完善多元筹资机制。").sum() == 1
    assert wuhan.str.startswith("做实基本医疗保险市级统筹。").sum() == 1
    binzhou = units[units.doc_id == "binzhou"].text
    assert binzhou.str.startswith("依法依规分类参保。").sum() == 1
    assert binzhou.str.startswith("实施精准参保扩面。").sum() == 1


def test_segmentation_keeps_every_character(docs):
    for doc_id, (text, _, doc) in docs.items():
        assert normalized("".join(doc.pieces)) == normalized(text), doc_id


def test_tables_are_tidy_and_lost_tables_recorded(corpus_dir):
    tables = pd.read_csv(corpus_dir / "tables.csv", dtype=str, keep_default_na=False)
    jinan = tables[tables.doc_id == "jinan"]
    assert len(jinan) == 12
    assert set(jinan.dimension) == {"参保覆盖", "基金运行", "保障程度", "精细管理", "优质服务"}
    assert set(jinan.kind) == {"binding", "expected"}
    row = jinan[jinan.indicator == "定点医药机构“一卡通行”覆盖率"]
    assert row[["value_2020", "target_2025"]].values.tolist() == [["62.79%", "100%"]]
    report = json.loads((corpus_dir / "cleaning_report.json").read_text())
    assert report["wuhan"]["tables"][0]["rows"] == 0
    assert "lost" in report["wuhan"]["tables"][0]["note"]
    units = pd.read_csv(corpus_dir / "units.csv", dtype=str)
    assert not units.text.str.contains("96%\n").any()
    assert not units.text.str.startswith("指标维度").any()


CORPUS_FILES = ("units.csv", "dropped.csv", "tables.csv", "table_cells.csv", "cleaning_report.json")


def test_rebuilding_gives_identical_files(corpus_dir, tmp_path):
    build_corpus(paths.SEEDS, tmp_path)
    for name in CORPUS_FILES:
        assert (tmp_path / name).read_bytes() == (corpus_dir / name).read_bytes(), name


def test_the_stage_in_two_processes_writes_the_same_files(corpus_dir, tmp_path):
    result = corpus_stage(manifest_documents(paths.SEEDS), tmp_path / "c", jobs=2, root=paths.SEEDS)
    for name in CORPUS_FILES:
        assert (tmp_path / "c" / name).read_bytes() == (corpus_dir / name).read_bytes(), name
    assert (result.documents, result.n_units, result.skipped) == (5, 306, [])
    assert result.cells == tmp_path / "c" / "table_cells.csv"
    cells = pd.read_csv(result.cells, dtype=str, keep_default_na=False)
    assert set(cells.doc_id) == {"jinan"} and len(cells) == 12 * 5  # its 12-row, 5-column table


def test_an_unreadable_document_is_skipped_and_named(tmp_path):
    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    wuhan = read_manifest().set_index("doc_id").loc["wuhan"]
    good.write_bytes((paths.SEEDS / wuhan.file).read_bytes())
    bad.write_text("\n\n", encoding="utf-8")
    result = corpus_stage([(good, "good", ""), (bad, "bad", "")], tmp_path / "corpus")
    assert result.documents == 1 and len(result.skipped) == 1 and "bad.txt" in result.skipped[0]
    units = pd.read_csv(result.units, dtype=str)
    assert set(units.doc_id) == {"good"} and set(units.city) == {"武汉"}  # the city named by its title
    assert [row["city"] for row in result.inferred] == ["武汉"]
    report = json.loads(result.report.read_text(encoding="utf-8"))
    assert list(report) == ["good"] and report["good"]["file"] == str(good)
    with pytest.raises(InputError, match="bad.txt"):  # strict: one error, nothing written
        corpus_stage([(good, "good", ""), (bad, "bad", "")], tmp_path / "strict", strict=True)
    assert not (tmp_path / "strict").exists()
    with pytest.raises(ResearchError, match="no document could be read"):
        corpus_stage([(bad, "bad", "")], tmp_path / "none")
    assert not (tmp_path / "none").exists()


def test_reading_units_never_builds_them(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(InputError) as err:
        read_units(tmp_path / "corpus" / "units.csv")
    assert str(err.value) == ("corpus/units.csv: missing; run 'python -m research corpus build --out corpus' "
                              "first")
    monkeypatch.setattr(paths, "UNITS", tmp_path / "data" / "corpus" / "units.csv")
    with pytest.raises(InputError, match=r"^data/corpus/units.csv: missing; run 'python -m research corpus "
                                         r"build' first$"):
        read_units()
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "units.csv").write_text("unit_id,label\nx,other\n", encoding="utf-8")
    with pytest.raises(InputError, match="missing column.s. doc_id, section_path, text"):
        read_units(tmp_path / "units.csv")

