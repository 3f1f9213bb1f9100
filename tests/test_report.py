"""Figures, tables and notebooks: they build, render Chinese, and repeat byte for byte."""

from __future__ import annotations

import warnings

import pytest

from research.report.build import build_report, emphasis, load_views
from research.report.emphasis import contingency, independence_test


@pytest.fixture(scope="module")
def views():
    return load_views()


def _build(lang, out):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.filterwarnings("error", message=".*Glyph.*")
        return build_report(lang=lang, out=out)


def test_report_builds_in_both_languages_and_repeats_exactly(tmp_path):
    written = _build("en", tmp_path / "a") + _build("zh", tmp_path / "a")
    again = _build("en", tmp_path / "b") + _build("zh", tmp_path / "b")
    names = {p.name for p in written}
    for name in ("emphasis_gold.png", "emphasis_gold.pdf", "residuals_zh.png", "confusion.pdf",
                 "reliability.png", "k_selection.png", "topic_words_zh.png", "topic_prevalence.png",
                 "emphasis_gold.csv", "emphasis_gold.tex", "jinan_indicators.tex"):
        assert name in names, name
    for a, b in zip(sorted(written), sorted(again)):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
    pdf = (tmp_path / "a" / "figures" / "emphasis_gold_zh.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"Type3" not in pdf  # TrueType glyphs embedded
    tex = (tmp_path / "a" / "tables" / "emphasis_gold.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "\\bottomrule" in tex


def test_shares_have_intervals_and_sum_to_one(views):
    shares = emphasis(views)
    for key in ("gold_units", "gold_chars", "classifier_probability", "topics_probability"):
        frame = shares[key]
        assert (frame.ci_low <= frame.share + 1e-12).all() and (frame.share <= frame.ci_high + 1e-12).all()
        assert (frame.groupby("city").share.sum() - 1).abs().lt(1e-3).all(), key  # p rounded to 4 places


def test_independence_test_is_sane(views):
    test = independence_test(contingency(views, "gold"))
    assert 0 < test["cramers_v"] < 1 and test["dof"] == 4 * 7
    assert test["residuals"].shape == (5, 8)
    assert 0 < test["p_value_monte_carlo"] <= 1


def test_notebooks_run_top_to_bottom(tmp_path):
    from research.notebooks import execute, notebook_files

    files = notebook_files()
    assert [p.name[:2] for p in files] == ["01", "02", "03", "04"]
    for path in files:
        out = execute(path, tmp_path)
        assert out.exists()
