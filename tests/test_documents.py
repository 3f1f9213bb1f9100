"""Documents the seeds do not contain (tests/documents/, written for these tests, and a DOCX and a
PDF built by tests/documents/build.py): the metadata read from their structure, the lines kept and
dropped (with the rule's name), front matter, tables and wrapped lines; checked by hand."""

from __future__ import annotations

import re
import warnings
from pathlib import Path

import pandas as pd
import pytest

from research.corpus.document import corpus_document
from research.corpus.metadata import UNKNOWN
from research.corpus.segment import FRONT_MATTER
from research.errors import InputWarning
from tests.documents.build import DOCX_PARTS, PDF_HEADER, PDF_LINES, write_docx, write_pdf

HERE = Path(__file__).parent / "documents"

#: file -> (level, place, city, province, year, type, title), read by hand from each document.
EXPECTED = {
    "shiquan_county_plan.txt": ("county", "石泉县", "安康", "陕西", "2022", "plan",
                                "石泉县人民政府办公室关于印发石泉县“十四五”医疗保障事业发展规划的通知"),
    "hebei_opinion.html": ("provincial", "河北", "", "河北", "2021", "opinion",
                           "河北省人民政府办公厅关于健全重特大疾病医疗保险和救助制度的实施意见"),
    "national_notice.txt": ("national", "", "", "", "2023", "notice",
                            "国家医疗保障局办公室关于做好2023年医疗保障基金监管工作的通知"),
    "news_report.html": ("national", "", "", "", "2021", "news", "国务院办公厅印发意见 健全重特大疾病医疗保险和救助制度"),
    "briefing_transcript.txt": ("national", "", "", "", "2023", "other", "国家医疗保障局2023年第一季度新闻发布会文字实录"),
    "statistics_bulletin.html": ("national", "", "", "", "2023", "statistics", "2022年全国医疗保障事业发展统计快报"),
    "plan.docx": ("city", "嘉兴", "嘉兴", "浙江", "2022", "plan", "嘉兴市医疗保障事业发展“十四五”规划"),
    "notice.pdf": ("city", "南通", "南通", "江苏", "2022", "measures", "南通市医疗保障局关于印发长期护理保险服务管理办法的通知"),
}
FIELDS = ("level", "place", "city", "province", "year", "type", "title")

#: file -> front-matter units, in order.
FRONT = {
    "shiquan_county_plan.txt": ["石政办发〔2022〕15号", "各镇人民政府，城关街道办事处，县政府各工作部门：",
                                "现将《石泉县“十四五”医疗保障事业发展规划》印发给你们，请结合工作实际，认真抓好落实。",
                                "石泉县人民政府办公室", "2022年3月18日"],
    "hebei_opinion.html": ["冀政办字〔2021〕170号", "各市（含定州、辛集市）人民政府，雄安新区管委会，省政府各部门：",
                           "河北省人民政府办公厅", "2021年12月30日"],
    "national_notice.txt": ["医保办发〔2023〕5号", "各省、自治区、直辖市及新疆生产建设兵团医疗保障局：",
                            "国家医疗保障局办公室", "2023年4月6日"],
    "news_report.html": [],
    "briefing_transcript.txt": ["主持人：", "国家医疗保障局副局长李明：", "主持人：", "记者：", "国家医疗保障局副局长李明："],
    "statistics_bulletin.html": [],
    "plan.docx": ["嘉兴市医疗保障局", "2022年1月20日"],
    "notice.pdf": ["各县（市、区）医疗保障局：", "现将《南通市长期护理保险服务管理办法》印发给你们，请认真贯彻执行。",
                   "南通市医疗保障局", "2022年9月1日"],
}

#: file -> (rule, text) of every line dropped, in order (whole lines; the seeds' rules).
DROPPED = {
    "shiquan_county_plan.txt": [
        ("before_body:furniture_lines", "首页 走进石泉 新闻中心 政务公开 办事服务 互动交流"),
        ("before_body:furniture_lines", "当前位置：首页 > 政务公开 > 规划计划"),
        ("after_body:furniture_lines", "打印本页 关闭窗口"),
        ("after_body:furniture_lines", "主办：石泉县人民政府办公室 技术支持：县信息中心"),
        ("after_body:furniture_lines", "陕ICP备00000000号")],
    "hebei_opinion.html": [
        *[("before_body:menu_lines", w) for w in ("无障碍浏览", "长者模式", "登录")],
        ("before_body:furniture_lines", "首页"),
        *[("before_body:menu_lines", w) for w in ("要闻动态", "政务公开", "政务服务", "政民互动", "走进河北")],
        ("before_body:furniture_lines", "您的位置：首页 > 政务公开 > 政府文件"),
        ("before_body:furniture_lines", "索引号：000000000/2021-00170"),
        ("before_body:furniture_lines", "发文字号：冀政办字〔2021〕170号"),
        ("before_body:page_metadata", "发文机关：河北省人民政府办公厅"),
        ("before_body:page_metadata", "成文日期：2021年12月30日"),
        ("after_body:furniture_lines", "分享到： 微信 微博"),
        ("after_body:menu_lines", "相关阅读"),
        ("after_body:related_links", "河北省医疗保障局关于做好门诊费用跨省直接结算工作的通知"),
        ("after_body:related_links", "2021-11-02"),
        ("after_body:related_links", "河北省人民政府关于进一步完善城乡居民基本医疗保险制度的意见"),
        ("after_body:related_links", "2021-09-15"),
        ("after_body:menu_lines", "网站地图 | 联系我们 | 使用帮助"),
        ("after_body:furniture_lines", "主办单位：河北省人民政府办公厅"),
        ("after_body:furniture_lines", "冀ICP备00000000号")],
    "national_notice.txt": [],
    "news_report.html": [
        *[("before_body:menu_lines", w) for w in ("新闻", "财经", "体育", "图片", "视频", "评论")],
        ("before_body:menu_lines", "新闻频道 > 时政要闻 > 正文"),
        ("before_body:page_metadata", "2021-11-19 10:05 来源：新华社"),
        ("before_body:page_controls", "【字体：大 中 小】"),
        ("after_body:furniture_lines", "责任编辑：张三"),
        *[("after_body:menu_lines", w) for w in ("热门推荐", "冬季如何科学健身", "多地迎来降温天气", "新能源汽车下乡活动启动",
                                                  "大学生就业服务月开幕")],
        ("after_body:non_chinese_lines", "Copyright 2021 News Portal. All Rights Reserved.")],
    "briefing_transcript.txt": [("before_body:furniture_lines", "发布时间：2023-04-20")],
    "statistics_bulletin.html": [  # a GB2312 page; its title is short and has no punctuation, and stays
        *[("before_body:menu_lines", w) for w in ("医疗保障信息网", "栏目导航", "机构概况", "政策法规", "统计数据", "办事指南")],
        ("before_body:furniture_lines", "首页 >> 统计数据"),
        ("before_body:furniture_lines", "来源：国家医疗保障局 发布时间：2023-03-09 字号：大 中 小"),
        ("after_body:menu_lines", "关于我们 | 网站声明 | 联系方式"),
        ("after_body:menu_lines", "本网站由医疗保障信息中心维护")],
    "plan.docx": [],
    "notice.pdf": [("page_header", PDF_HEADER), ("page_number", "- 1 -"), ("page_header", PDF_HEADER),
                   ("page_number", "- 2 -")],
}


@pytest.fixture(scope="module")
def documents(tmp_path_factory) -> dict[str, object]:
    folder = tmp_path_factory.mktemp("documents")
    paths = {name: HERE / name for name in EXPECTED if (HERE / name).exists()}
    paths["plan.docx"] = write_docx(folder / "plan.docx")
    paths["notice.pdf"] = write_pdf(folder / "notice.pdf")
    return {name: corpus_document(path, Path(name).stem) for name, path in paths.items()}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_metadata_read_from_structure(documents, name):
    doc = documents[name]
    assert not doc.error
    got = tuple(doc.inferred[f] for f in FIELDS)
    assert got == EXPECTED[name]
    for field in ("level", "place", "year", "type"):
        assert doc.inferred[f"{field}_source"] != "none" and doc.inferred[f"{field}_confidence"] > 0


def test_national_documents_have_no_place(documents):
    national = [d.inferred for d in documents.values() if d.inferred["level"] == "national"]
    assert len(national) == 4
    assert all(not row["place"] and not row["city"] and not row["province"] for row in national)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_front_matter_and_dropped_lines(documents, name):
    doc = documents[name]
    assert [u["text"] for u in doc.units if u["part"] == FRONT_MATTER] == FRONT[name]
    assert [(d["rule"], d["text"]) for d in doc.dropped] == DROPPED[name]
    policy = [u["text"] for u in doc.units if u["part"] != FRONT_MATTER]
    assert policy and all(re.search("[。？]$", text) for text in policy)  # every policy unit a whole paragraph


def test_year_in_the_body_is_not_the_year_issued(documents):
    doc = documents["shiquan_county_plan.txt"]
    assert any("2019年" in u["text"] for u in doc.units)
    assert doc.inferred["year"] == "2022" and doc.inferred["year_source"] == "signature"


def test_docx_table_stays_at_its_place(documents):
    doc = documents["plan.docx"]
    table = next(content for kind, content in DOCX_PARTS if kind == "table")
    cells = pd.DataFrame(doc.cells)
    assert sorted(cells.value) == sorted(v for row in table[1:] for v in row)
    assert set(cells.column) == set(table[0])
    after = next(u for u in doc.units if u["text"].startswith("到2025年"))
    assert after["section_path"] == "二、主要指标"  # the paragraph after the table, under the table's heading
    texts = [u["text"] for u in doc.units]
    assert texts.index(after["text"]) == 1  # between the paragraph before the table and the next part


def test_docx_every_character_kept(tmp_path):
    """Every character of the DOCX lands in exactly one piece (heading, unit, caption, cell)."""
    from research.corpus.clean import clean_text
    from research.corpus.reader import read_document
    from research.corpus.segment import normalized, segment

    text, report = clean_text(read_document(write_docx(tmp_path / "plan.docx")))
    assert not report.dropped
    doc = segment(text, "plan")
    assert normalized("".join(doc.pieces)) == normalized(text)
    for kind, content in DOCX_PARTS:
        for piece in [content] if kind == "p" else [v for row in content for v in row]:
            assert piece in doc.pieces or any(piece in p for p in doc.pieces)


def test_pdf_paragraphs_joined_and_page_furniture_listed(documents):
    doc = documents["notice.pdf"]
    paragraphs = [text for kind, text in PDF_LINES if kind == "para"][1:]  # the first is front matter
    policy = [u["text"] for u in doc.units if u["part"] != FRONT_MATTER]
    assert policy == paragraphs
    assert not any(PDF_HEADER in u["text"] or re.search(r"- \d -", u["text"]) for u in doc.units)


def test_front_matter_labelled_other_by_structure(documents):
    from research.study.labels import label_chunk

    units = pd.DataFrame([u for name in ("briefing_transcript.txt", "national_notice.txt")
                          for u in documents[name].units])
    labels = label_chunk(units, {u: "supply" for u in units.unit_id})  # a human label never wins over structure
    front = labels[labels.part == FRONT_MATTER]
    assert len(front) == 9 and set(front.label) == {"other"} and set(front.label_source) == {"structure"}
    assert set(front.classifier_label) == {""} and (front.p_other == 1.0).all()
    assert set(labels[labels.part != FRONT_MATTER].label_source) == {"human"}


def test_duplicate_counted_once(tmp_path):
    from research.corpus.stage import corpus_stage

    text = (HERE / "shiquan_county_plan.txt").read_text(encoding="utf-8")
    (tmp_path / "a.txt").write_bytes(text.encode("gbk"))
    (tmp_path / "b.txt").write_text(text, encoding="utf-8")
    (tmp_path / "c.txt").write_text((HERE / "national_notice.txt").read_text(encoding="utf-8"), encoding="utf-8")
    docs = [(tmp_path / f"{n}.txt", n, "") for n in "abc"]
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        result = corpus_stage(docs, tmp_path / "out")
    messages = [str(w.message) for w in caught if issubclass(w.category, InputWarning)]
    assert len(messages) == 1 and "b.txt" in messages[0] and "a.txt" in messages[0]
    assert result.documents == 2 and [row["doc_id"] for row in result.inferred] == ["a", "c"]
    assert set(pd.read_csv(tmp_path / "out" / "units.csv").doc_id) == {"a", "c"}
    assert result.repeats == [f"{tmp_path / 'b.txt'}: the same text as {tmp_path / 'a.txt'}; counted once"]


def test_classify_counts_a_duplicate_once(tmp_path, capsys):
    from research.classify.apply import classify

    text = (HERE / "national_notice.txt").read_text(encoding="utf-8")
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.txt").write_text(text, encoding="utf-8")
    (tmp_path / "in" / "b.txt").write_bytes(text.encode("utf-16"))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        assert classify([str(tmp_path / "in")], out=str(tmp_path / "labels.csv")) == 0
    assert sum("the same text as" in str(w.message) for w in caught) == 1
    labels = pd.read_csv(tmp_path / "labels.csv", keep_default_na=False)
    assert set(labels.doc_id) == {"a"}
    front = labels[labels.part == FRONT_MATTER]
    assert len(front) == 4 and set(front.label) == {"other"}


def test_metadata_warnings():
    from research.study.metadata import metadata_warnings

    frame = pd.DataFrame({"file": ["a.txt", "b.txt", "c.txt", "d.txt"],
                          "level": ["national", "city", "city", UNKNOWN],
                          "place": ["", "南京", "南京", UNKNOWN], "city": ["", "南京", "南京", UNKNOWN],
                          "province": ["", "江苏", "江苏", UNKNOWN], "year": ["2021", "", "2021", "2022"],
                          "type": ["notice", "plan", "plan", "plan"]})
    found = metadata_warnings(frame, "type")
    assert found[0] == ("metadata unknown: level for 1, place for 1, city for 1, province for 1, year for 1 of 4 "
                        "documents (d.txt, b.txt); correct metadata.csv and pass it back with --meta")
    assert found[1].startswith("3 of 4 documents are in one type group ('plan')")  # a national document has no place
    assert not metadata_warnings(frame.iloc[:2].assign(year="2021", level="city", place="x", city="x",
                                                       province="y"), "type")


def test_given_metadata_overrides_inferred():
    from research.study.run import _metadata

    inferred = [{"file": "a.txt", "doc_id": "a", "level": "city", "place": "南京", "city": "南京", "province": "江苏",
                 "year": "2019", "type": "plan", "city_zh": "南京", "title": "t", "year_source": "file_name",
                 "year_confidence": 0.3}]
    frame = _metadata(inferred, [(Path("a.txt"), "a", "Nanjing", {"city": "Nanjing", "year": "2021"})])
    row = frame.iloc[0]
    assert (row.city, row.year, row.place, row.year_source, row.year_confidence) == ("Nanjing", "2021", "南京",
                                                                                     "meta", "1.0")


def test_readme_quotes_these_documents_and_the_seeds_units(units):
    """The README's figures for this issue: the test documents all right, the seeds' units."""
    readme = re.sub(r"\s+", " ", (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8"))
    assert f"all {len(EXPECTED)} documents get level, place, city, province, year and type right" in readme
    counts = units.groupby("doc_id").size()
    front = int((units.part == FRONT_MATTER).sum())
    quoted = (f"Units: Binzhou {counts['binzhou']}, Jinan {counts['jinan']}, Lishui {counts['lishui']}, "
              f"Panjin {counts['panjin']}, Wuhan {counts['wuhan']}; {len(units)} in all, {front} of them front matter")
    assert quoted in readme


def test_seeds_metadata_without_meta():
    """The seeds as a user without --meta gets them: the year from the signature, 发文日期 line or
    the date under the title; unknown only where the capture states nothing (Jinan's year, Lishui)."""
    from research import paths

    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    rows = {row.doc_id: corpus_document(paths.SEEDS / row.file, row.doc_id).inferred for row in manifest.itertuples()}
    got = {d: (r["level"], r["city"], r["province"], r["year"], r["type"]) for d, r in rows.items()}
    assert got == {"binzhou": ("city", "滨州", "山东", "2022", "plan"), "lishui": (UNKNOWN,) * 3 + ("", UNKNOWN),
                   "panjin": ("city", "盘锦", "辽宁", "2020", "report"), "wuhan": ("city", "武汉", "湖北", "2021", "plan"),
                   "jinan": ("city", "济南", "山东", "", "plan")}
    for row in manifest.itertuples():  # where the manifest records the date, the year agrees
        assert not row.issued or rows[row.doc_id]["year"] == row.issued[:4]


def test_places_come_from_the_division_codes():
    from research.corpus.places import find_place, resolve

    def fields(text):
        place = find_place(text)
        return place.name, place.level, place.province, place.city

    assert fields("南京市人民政府办公厅") == ("南京", "city", "江苏", "南京")
    assert fields("西乡县人民政府") == ("西乡县", "county", "陕西", "汉中")
    assert fields("北京市医疗保障局") == ("北京", "provincial", "北京", "北京")
    assert find_place("恩施土家族苗族自治州人民政府").name == "恩施"
    assert find_place("广西壮族自治区卫生健康委员会").name == "广西"
    assert resolve("鼓楼区", "福建省福州市").city == "福州" and resolve("鼓楼区", "江苏省南京市").city == "南京"
    assert find_place("国务院办公厅") is None and find_place("各省、自治区、直辖市") is None
