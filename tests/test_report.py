"""Figures, tables and notebooks: they build from the data (no city written into the code),
render Chinese, repeat byte for byte, and never run an earlier step themselves."""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import paths
from research.errors import ResearchError
from research.report.build import build_report, emphasis, load_views
from research.report.emphasis import contingency, independence_test, indicator_matrix, shares_with_ci


@pytest.fixture(scope="module")
def views(derived_inputs):
    return load_views()


def _build(lang, out):
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.filterwarnings("error", message=".*Glyph.*")
        return build_report(lang=lang, out=out)


def test_report_builds_in_both_languages_and_repeats_exactly(derived_inputs, tmp_path):
    written = _build("en", tmp_path / "a") + _build("zh", tmp_path / "a")
    again = _build("en", tmp_path / "b") + _build("zh", tmp_path / "b")
    names = {p.name for p in written}
    for name in ("emphasis_gold.png", "emphasis_gold.pdf", "confusion_zh.png", "confusion.pdf",
                 "reliability.png", "k_selection.png", "topic_words_zh.png", "topic_prevalence.png",
                 "emphasis_gold.csv", "emphasis_gold.tex", "indicators.tex"):
        assert name in names, name
    for a, b in zip(sorted(written), sorted(again)):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
    pdf = (tmp_path / "a" / "figures" / "emphasis_gold_zh.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"Type3" not in pdf  # TrueType glyphs embedded
    tex = (tmp_path / "a" / "tables" / "emphasis_gold.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "\\bottomrule" in tex


def test_report_never_runs_an_earlier_step(monkeypatch, tmp_path):
    from research.report import build, views

    missing = tmp_path / "nothing" / "summary.json"
    monkeypatch.setattr(views, "INPUTS", ((missing, "topics fit"),))
    with pytest.raises(ResearchError, match="topics fit"):
        build.build_report(out=tmp_path / "out")
    assert not missing.exists() and not (tmp_path / "out").exists()


def test_shares_have_intervals_and_sum_to_one(views):
    shares = emphasis(views)
    for key in ("gold_units", "gold_chars", "classifier_probability", "topics_probability"):
        frame = shares[key]
        assert (frame.ci_low <= frame.share + 1e-12).all() and (frame.share <= frame.ci_high + 1e-12).all()
        assert (frame.groupby("city").share.sum() - 1).abs().lt(1e-3).all(), key  # p rounded to 4 places


def test_independence_test_is_sane(views):
    table = contingency(views, "gold")
    test = independence_test(table)
    n_cities, n_areas = table.shape[0], int((table.sum(axis=0) > 0).sum())
    assert 0 < test["cramers_v"] < 1 and test["dof"] == (n_cities - 1) * (n_areas - 1)
    assert test["residuals"].shape == (n_cities, n_areas)
    assert 0 < test["p_value_monte_carlo"] <= 1


def test_bootstrap_in_blocks_matches_the_point_estimate_for_any_group_column():
    rng = np.random.default_rng(0)
    labels = pd.Series(rng.choice(["payment", "other", "service"], size=5000))
    units = pd.DataFrame({"province": rng.choice(["甲", "乙"], size=5000)})
    shares = shares_with_ci(units, indicator_matrix(labels), by="province", n_boot=300)
    assert list(shares.columns[:2]) == ["province", "area"]
    for group, frame in shares.groupby("province"):
        counts = labels[units.province == group].value_counts(normalize=True)
        for row in frame.itertuples():
            assert row.share == pytest.approx(counts.get(row.area, 0.0))
            assert row.ci_low <= row.share <= row.ci_high


def test_no_city_is_written_into_the_report_or_study_code():
    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    names = {n for n in [*manifest.city_pinyin, *manifest.city_zh, *manifest.doc_id] if n}
    for folder in ("report", "study"):
        for path in sorted((paths.PACKAGE / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            found = [n for n in names if n in text]
            assert not found, f"{path.name} names {found}"


def test_notebooks_run_top_to_bottom(derived_inputs, tmp_path):
    from research.notebooks import execute, notebook_files
    from research.study import run_study

    # The parameterized notebooks read a study; by default reports/, the study of seeds/.
    run_study([paths.SEEDS], paths.REPORTS, meta=paths.MANIFEST, fit_topics=False, notebooks=False,
              langs=("en",), echo=lambda *a: None)
    files = notebook_files()
    assert [p.name[:2] for p in files] == ["01", "02", "03", "04"]
    for path in files:
        out = execute(path, tmp_path)
        assert out.exists()
        assert Path(out).read_text(encoding="utf-8").count('"output_type": "error"') == 0
