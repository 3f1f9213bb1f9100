"""Figures a journal accepts as they are, for studies of 2, 8, 30 and 45 groups: two print sizes
(3.5 and 7.1 in), fonts of at least 7 pt, every group label with its size, every area drawn
(an empty one at 0), no overlapping text, the labels in the PDF's text, Chinese figures without
a Latin letter, and a caption from the data beside each figure.

The study folders are built cheaply: synthetic labels (a fixed seed) go through the real
emphasis and independence stages into a temporary folder, then the outputs stage's figure
drawing (:mod:`research.study.figure_set`) runs on it.
"""

from __future__ import annotations

import io
import json
import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import codebook, paths
from research.report.groups import COMPACT_HEADER
from research.report.style import MIN_FONT, ONE_COLUMN, TWO_COLUMNS
from research.study.emphasis import emphasis_stage, with_groups
from research.study.figure_set import NAMES, SIZES, StudyFigures, draw_figures
from research.study.independence import independence_stage

#: (English, Chinese) names of 30 prefecture-level cities, for groups of realistic length.
CITIES = [("Shijiazhuang", "石家庄"), ("Taiyuan", "太原"), ("Hohhot", "呼和浩特"), ("Shenyang", "沈阳"),
          ("Changchun", "长春"), ("Harbin", "哈尔滨"), ("Nanjing", "南京"), ("Hangzhou", "杭州"),
          ("Hefei", "合肥"), ("Fuzhou", "福州"), ("Nanchang", "南昌"), ("Zhengzhou", "郑州"),
          ("Changsha", "长沙"), ("Guangzhou", "广州"), ("Nanning", "南宁"), ("Haikou", "海口"),
          ("Chengdu", "成都"), ("Guiyang", "贵阳"), ("Kunming", "昆明"), ("Lhasa", "拉萨"), ("Xi'an", "西安"),
          ("Lanzhou", "兰州"), ("Xining", "西宁"), ("Yinchuan", "银川"), ("Urumqi", "乌鲁木齐"),
          ("Zhangjiakou", "张家口"), ("Qinhuangdao", "秦皇岛"), ("Mudanjiang", "牡丹江"),
          ("Xishuangbanna", "西双版纳"), ("Jiayuguan", "嘉峪关")]
#: Areas no synthetic unit has: they must still be drawn, at 0.
EMPTY = ["payment", "supervision"]
LATIN = re.compile(r"[A-Za-z]")


def make_study(folder: Path, n_groups: int, seed: int = 0, unknown: bool = False, order: bool = False) -> Path:
    """A study folder with ``n_groups`` cities (1-3 documents, 5-120 units each), synthetic
    labels drawn from city-specific area shares, and the stages' tables (emphasis, test)."""
    rng = np.random.default_rng(seed)
    codes = codebook.codes()
    used = [c for c in codes if c not in EMPTY]
    meta, rows = [], []
    for g in range(n_groups):
        city, city_zh = ("unknown", "unknown") if unknown and g == n_groups - 1 else CITIES[g % len(CITIES)]
        if g >= len(CITIES):  # past the 30 names: the same names, numbered
            city, city_zh = f"{city} {g // len(CITIES) + 1}", f"{city_zh}{g // len(CITIES) + 1}"
        weights = rng.dirichlet(np.ones(len(used)))
        for d in range(int(rng.integers(1, 4))):
            doc = f"d{g:02d}{d}"
            meta.append({"file": f"{doc}.txt", "doc_id": doc, "city": city, "province": "", "year": "2021",
                         "type": "plan", "city_zh": city_zh, "title": "",
                         **({"order": str(n_groups - g)} if order else {})})
            for u, label in enumerate(rng.choice(used, size=int(rng.integers(5, 41)), p=weights)):
                probs = rng.dirichlet(np.ones(len(codes)))
                rows.append({"doc_id": doc, "unit_id": f"{doc}-{u}", "part": "tasks", "n_chars": 80,
                             "label": label, "label_source": "human" if u % 3 else "classifier",
                             **{f"p_{c}": p for c, p in zip(codes, probs)}})
    folder.mkdir(parents=True)
    metadata, labels = pd.DataFrame(meta), pd.DataFrame(rows)
    metadata.to_csv(folder / "metadata.csv", index=False)
    labels.to_csv(folder / "labels.csv", index=False)
    (folder / "tables").mkdir()
    grouped = with_groups(labels, metadata, "city")
    emphasis_stage(grouped, metadata, "city", folder / "tables")
    independence_stage(grouped, "city", folder / "tables")
    summary = {"by": "city", "documents": len(metadata), "units": len(labels),
               "groups": sorted(grouped.group.unique().tolist()), "evaluation": {"skipped": "synthetic"}}
    (folder / "study.json").write_text(json.dumps(summary), encoding="utf-8")
    return folder


@pytest.fixture(scope="module", params=[2, 8, 30], ids=lambda n: f"{n}groups")
def study(request, tmp_path_factory):
    n = request.param
    return make_study(tmp_path_factory.mktemp(f"g{n}") / "study", n, seed=n, unknown=n == 8)


def _texts(fig):
    """Every visible, non-empty text of ``fig`` with its bounding box in pixels."""
    from matplotlib.text import Text

    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    hidden = set()  # labels of ticks outside the axis' view are not drawn
    for ax in fig.axes:
        for axis, (low, high) in ((ax.xaxis, sorted(ax.get_xlim())), (ax.yaxis, sorted(ax.get_ylim()))):
            for tick in axis.get_major_ticks():
                if not low - 1e-9 <= tick.get_loc() <= high + 1e-9:
                    hidden |= {id(tick.label1), id(tick.label2)}
    found = []
    for text in fig.findobj(Text):
        if id(text) in hidden:
            continue
        if text.get_visible() and text.get_text().strip() and (text.axes is None or text.axes.get_visible()):
            box = text.get_window_extent(renderer)
            if box.width > 0 and fig.bbox.overlaps(box):
                found.append((text, box))
    return found


def check_figure(fig, width: float, lang: str) -> list[str]:
    """The checks of one drawn figure: its size, every text at least 7 pt, inside the figure,
    overlapping no other text, and no Latin letter in a Chinese figure.  Returns the texts."""
    w, h = fig.get_size_inches()
    assert w == pytest.approx(width) and h <= 9.5, (width, h)
    texts = _texts(fig)
    small = [(t.get_text(), t.get_fontsize()) for t, _ in texts if t.get_fontsize() < MIN_FONT - 1e-6]
    assert not small, small[:5]
    outside = [t.get_text() for t, b in texts
               if b.x0 < -1 or b.x1 > fig.bbox.x1 + 1 or b.y0 < -1 or b.y1 > fig.bbox.y1 + 1]
    assert not outside, outside[:5]
    boxes = [(t.get_text(), b.shrunk(0.97, 0.9)) for t, b in texts]
    overlapping = [(a, b) for (a, x), (b, y) in combinations(boxes, 2) if x.overlaps(y)]
    assert not overlapping, overlapping[:5]
    shown = [t.get_text() for t, _ in texts]
    if lang == "zh":
        latin = [s for s in shown if LATIN.search(s)]
        assert not latin, latin[:5]
    return shown


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_figures_fit_a_column_with_legible_separate_text_and_labelled_groups(study, lang):
    import matplotlib.pyplot as plt

    figures = StudyFigures(study, lang)
    assert set(figures.available()) >= {"emphasis", "emphasis_probability", "residuals"}
    names = codebook.names(lang, short=True)
    for name in figures.available():
        for width in (ONE_COLUMN, TWO_COLUMNS):
            fig = figures.draw(name, width)
            shown = check_figure(fig, width, lang)
            sized = set(figures.groups.labels.values()) | set(figures.groups.compact.values())
            labels = {s for s in shown if s in sized}
            assert len(labels) == len(figures.groups), (name, width)  # every group, each with its size
            if labels <= set(figures.groups.compact.values()):  # the compact sizes are explained
                assert COMPACT_HEADER[lang] in shown, (name, width)
            flat = {re.sub(r"\s+", "", s) for s in shown}  # a title may be wrapped
            assert all(re.sub(r"\s+", "", names[c]) in flat for c in codebook.codes()), (name, width)
            plt.close(fig)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_more_groups_than_fit_a_page_show_their_distribution_and_the_most_distinctive(tmp_path, lang):
    """Past 30 groups a row each would not fit a page: each row of a figure of shares holds a dot
    per group (over a box of their quartiles), and the residual heatmap the 30 groups with the
    largest sum of squared residuals; the captions say so and where every group's numbers are."""
    import matplotlib.pyplot as plt

    study = make_study(tmp_path / "study", 45, seed=45)
    figures = StudyFigures(study, lang)
    residuals = pd.read_csv(study / "tables" / "residuals.csv", keep_default_na=False).set_index("group")
    score = (residuals[[c for c in codebook.codes() if c in residuals]] ** 2).sum(axis=1)
    distinctive = set(score.sort_values(ascending=False).index[:30])
    assert len(figures.groups) == 45 and score.sort_values(ascending=False).iloc[29] > score.sort_values(ascending=False).iloc[30]
    for name in ("emphasis", "emphasis_probability", "residuals"):
        for width in (ONE_COLUMN, TWO_COLUMNS):
            fig = figures.draw(name, width)
            shown = check_figure(fig, width, lang)
            labelled = {g for g in figures.groups.order if figures.groups.label(g) in shown}
            if name == "residuals":
                assert labelled == distinctive, (width, labelled ^ distinctive)
            else:
                assert not labelled  # no row per group
                dots = [c for c in fig.axes[0].collections if len(c.get_offsets()) > 1]
                assert [len(c.get_offsets()) for c in dots] == [45] * len(codebook.codes())
            plt.close(fig)
        text = figures.caption(name)
        assert "45" in text and ("30" in text) and (
            "tables/residuals.csv" in text if name == "residuals" else f"tables/{name}.csv" in text), text


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_every_figure_of_the_seeds_study_passes_the_same_checks(tmp_path, lang):
    """The committed study of seeds/ (its stage files only) has every kind of figure: the
    classifier's evaluation and both topic models too."""
    import shutil

    import matplotlib.pyplot as plt

    study = tmp_path / "study"
    study.mkdir()
    for part in ("study.json", "metadata.csv", "labels.csv", "tables", "topics"):
        source = paths.ROOT / "reports" / part
        (shutil.copytree if source.is_dir() else shutil.copy)(source, study / part)
    figures = StudyFigures(study, lang)
    assert set(figures.available()) == set(NAMES)
    for name in figures.available():
        for width in (ONE_COLUMN, TWO_COLUMNS):
            fig = figures.draw(name, width)
            try:
                check_figure(fig, width, lang)
            except AssertionError as err:
                raise AssertionError(f"{name} at {width} in: {err}") from None
            plt.close(fig)
        assert str(len(figures.groups)) in figures.caption(name) or name in (
            "confusion", "reliability", "k_selection", "topic_words", "topic_words_seeded")


def test_outputs_write_two_sizes_with_captions_and_searchable_pdfs(study, tmp_path):
    from pdfminer.high_level import extract_text

    written = {p.name for lang in ("en", "zh") for p in draw_figures(study, lang)}
    figures = StudyFigures(study, "en")
    for name in figures.available():
        for size in SIZES:
            for suffix in ("", "_zh"):
                assert {f"{name}{size}{suffix}.png", f"{name}{size}{suffix}.pdf"} <= written
        assert {f"{name}.caption.txt", f"{name}_zh.caption.txt"} <= written
    folder = study / "figures"
    for lang, suffix in (("en", ""), ("zh", "_zh")):
        groups = StudyFigures(study, lang).groups
        for size, width in SIZES.items():
            pdf = (folder / f"emphasis{size}{suffix}.pdf").read_bytes()
            box = re.search(rb"/MediaBox \[ *0 0 ([\d.]+) ([\d.]+) *\]", pdf)
            assert float(box.group(1)) / 72 == pytest.approx(width, abs=0.01)
            assert b"/FontFile2" in pdf and b"Type3" not in pdf  # TrueType glyphs embedded
            text = re.sub(r"\s+", "", extract_text(io.BytesIO(pdf)))
            missing = [g for g in groups.order  # a label with its size, compact in a narrow dot plot
                       if not any(re.sub(r"\s+", "", groups.label(g, c)) in text for c in (False, True))]
            assert not missing, (size, suffix, missing[:3])
            if lang == "zh":
                assert not LATIN.search(text), LATIN.findall(text)[:10]
    en = (folder / "emphasis.caption.txt").read_text(encoding="utf-8")
    zh = (folder / "emphasis_zh.caption.txt").read_text(encoding="utf-8")
    assert f"{len(figures.groups)} cit" in en and "seed 20211" in en and "2,000 draws" in en
    assert "alphabetical order" in en and "Payment, Supervision" in en  # order rule; empty areas named
    assert "随机种子20211" in zh and "医保支付、基金监管" in zh and f"{len(figures.groups)}个城市" in zh


def test_an_empty_area_is_a_column_of_zeros_in_the_residuals(study):
    residuals = pd.read_csv(study / "tables" / "residuals.csv").set_index("group")
    assert list(residuals.columns) == codebook.codes() and (residuals[EMPTY] == 0).all().all()
    fig = StudyFigures(study, "en").draw("residuals")
    cells = (fig.axes[0].images or fig.axes[0].collections)[0].get_array()  # an image, or a mesh past 8 groups
    assert cells.shape[1] == len(codebook.codes())


def test_groups_follow_the_order_rule_the_caption_states(tmp_path):
    study = make_study(tmp_path / "s", 5, seed=3, order=True)
    given = StudyFigures(study, "en")
    assert given.groups.rule == "given" and given.groups.order == [c for c, _ in CITIES[:5]][::-1]
    assert "order column" in given.caption("emphasis")
    by_size = StudyFigures(study, "en", order="size")
    units = [by_size.groups.units[g] for g in by_size.groups.order]
    assert units == sorted(units, reverse=True) and "largest first" in by_size.caption("emphasis")
    zh = StudyFigures(study, "zh", order="size")
    assert [zh.groups.label(g).split("（")[0] for g in zh.groups.order] == [
        dict(CITIES)[g] for g in by_size.groups.order]  # the same order in both languages


def test_chinese_figures_translate_unknown_and_keep_the_english_order(tmp_path):
    study = make_study(tmp_path / "s", 4, seed=5, unknown=True)
    en, zh = StudyFigures(study, "en"), StudyFigures(study, "zh", order="size")
    assert any(label.startswith("未知（") for label in zh.groups.labels.values())
    assert StudyFigures(study, "en", order="size").groups.order == zh.groups.order
    fig = zh.draw("emphasis")
    legend = [t.get_text() for t in fig.legends[0].get_texts()]
    assert legend == [zh.groups.label(g) for g in zh.groups.order]
    assert en.groups.order == sorted(en.groups.order)


def test_the_readme_states_the_figures_sizes_and_layouts_as_drawn():
    from research.report.groups import group_sizes, make_groups
    from research.report.style import MAX_COLOURED_GROUPS, MAX_ROW_GROUPS

    readme = re.sub(r"\s+", " ", (paths.ROOT / "README.md").read_text(encoding="utf-8"))
    found = re.search(r"two columns \(`NAME.pdf`, ([\d.]+) in wide\) and one column \(`NAME_1col.pdf`, ([\d.]+) in\)"
                      r".*?no text is smaller than (\d+) pt.*?Up to (\d+) groups.*?beyond (\d+),.*?holds (\d+) groups"
                      r".*?Past (\d+) groups.*?the (\d+) groups whose residuals",
                      readme)
    assert found, "README's 'Figures for papers' paragraph changed: update this test"
    assert [float(found.group(1)), float(found.group(2)), int(found.group(3))] == [TWO_COLUMNS, ONE_COLUMN, MIN_FONT]
    assert int(found.group(4)) == int(found.group(5)) == MAX_COLOURED_GROUPS
    assert int(found.group(6)) == int(found.group(7)) == int(found.group(8)) == MAX_ROW_GROUPS
    reports = paths.ROOT / "reports"
    labels = pd.read_csv(reports / "labels.csv", dtype={"doc_id": str})
    metadata = pd.read_csv(reports / "metadata.csv", dtype=str, keep_default_na=False)
    sizes = group_sizes(labels, metadata, "city")
    en = make_groups(sizes, "city", "en").label("Wuhan")
    zh = make_groups(sizes, "city", "zh", dict(zip(metadata.city, metadata.city_zh))).label("Wuhan")
    assert f"`{en}`, `{zh}`" in readme


def test_the_toolkits_own_group_values_are_translated_in_chinese_figures():
    from research.corpus.metadata import TYPES
    from research.report.groups import make_groups

    kinds = sorted(set(TYPES) | {"fragment", "unknown"})
    sizes = pd.DataFrame({"group": kinds, "documents": 1, "units": range(1, len(kinds) + 1)})
    zh = make_groups(sizes, "type", "zh")
    assert not [label for label in zh.labels.values() if LATIN.search(label)]
    assert zh.label("unknown") == "未知（1篇，{}段）".format(kinds.index("unknown") + 1)
    assert zh.label("plan").startswith("规划（") and zh.order == make_groups(sizes, "type", "en").order
