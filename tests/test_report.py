"""The outputs stage (``python -m research report STUDY``): figures and tables build from a study
folder's files alone (no city written into the code), render Chinese, repeat byte for byte, and
never run an earlier stage."""

from __future__ import annotations

import html
import shutil
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from research import codebook, paths, stats
from research.cli import main
from research.errors import ResearchError
from research.study.outputs import outputs_stage


@pytest.fixture(scope="module")
def seeds_study(tmp_path_factory):
    """The study of seeds/ with their gold labels and the shipped model's evaluation (no topics)."""
    out = tmp_path_factory.mktemp("seeds") / "study"
    assert main(["study", str(paths.SEEDS), "--meta", str(paths.MANIFEST), "--out", str(out),
                 "--no-topics", "--no-notebooks"]) == 0
    return out


def _outputs(study: Path) -> list[Path]:
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*missing from font.*")
        warnings.filterwarnings("error", message=".*Glyph.*")
        written = outputs_stage(study, notebooks=False)
    return written["tables"] + written["figures"] + [study / "report.html"]


def test_outputs_build_in_both_languages_and_repeat_exactly(seeds_study, tmp_path):
    copy = tmp_path / "again"
    shutil.copytree(seeds_study, copy)
    shutil.rmtree(copy / "figures")
    again = _outputs(copy)
    first = [seeds_study / p.relative_to(copy) for p in again]
    names = {p.name for p in first}
    for name in ("emphasis.png", "emphasis.pdf", "emphasis_zh.png", "confusion_zh.png", "confusion.pdf",
                 "reliability.png", "emphasis_classifier.png", "residuals_zh.pdf", "emphasis.tex",
                 "emphasis_1col.pdf", "emphasis_1col_zh.png", "emphasis.caption.txt", "emphasis_zh.caption.txt",
                 "residuals_1col.pdf", "indicators.tex", "classifier_metrics.tex", "report.html"):
        assert name in names, name
    for a, b in zip(sorted(first), sorted(again)):
        assert a.name == b.name and a.read_bytes() == b.read_bytes(), a.name
    pdf = (seeds_study / "figures" / "emphasis_zh.pdf").read_bytes()
    assert b"/FontFile2" in pdf and b"Type3" not in pdf  # TrueType glyphs embedded
    page = (seeds_study / "report.html").read_text(encoding="utf-8")
    for name in ("emphasis", "residuals", "confusion"):  # the page shows the captions written beside the figures
        caption = (seeds_study / "figures" / f"{name}.caption.txt").read_text(encoding="utf-8").strip()
        assert f"<figcaption class=note>{html.escape(caption)}</figcaption>" in page, name
    assert "each label gives its documents and units" in page
    tex = (seeds_study / "tables" / "emphasis.tex").read_text(encoding="utf-8")
    assert "\\toprule" in tex and "\\bottomrule" in tex


def test_report_command_redraws_a_study_and_never_runs_an_earlier_stage(seeds_study, tmp_path, capsys):
    copy = tmp_path / "study"
    shutil.copytree(seeds_study, copy)
    shutil.rmtree(copy / "figures")
    assert main(["report", str(copy), "--lang", "en"]) == 0
    assert (copy / "figures" / "emphasis.png").read_bytes() == (seeds_study / "figures" / "emphasis.png").read_bytes()
    (copy / "labels.csv").unlink()
    assert main(["report", str(copy)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "labels.csv: missing" in err[0] and "research study" in err[0]
    assert not (copy / "labels.csv").exists()


def test_shares_have_intervals_and_sum_to_one(seeds_study):
    for name in ("emphasis", "emphasis_probability", "emphasis_chars", "emphasis_classifier"):
        frame = pd.read_csv(seeds_study / "tables" / f"{name}.csv")
        assert set(frame.area) == set(codebook.codes()), name  # every area, an empty one as 0
        assert (frame.ci_low <= frame.share + 1e-12).all() and (frame.share <= frame.ci_high + 1e-12).all()
        assert (frame.groupby("group").share.sum() - 1).abs().lt(1e-3).all(), name


def test_independence_test_keeps_every_area(seeds_study):
    test = pd.read_csv(seeds_study / "tables" / "independence_test.csv").iloc[0]
    residuals = pd.read_csv(seeds_study / "tables" / "residuals.csv").set_index("group")
    labels = pd.read_csv(seeds_study / "labels.csv")
    used = labels.label.nunique()
    assert list(residuals.columns) == codebook.codes()
    assert 0 < test.cramers_v < 1 and test.dof == (residuals.shape[0] - 1) * (used - 1)
    assert 0 < test.p_value_monte_carlo <= 1


def test_group_means_match_the_point_estimate_for_any_groups_and_weights():
    rng = np.random.default_rng(0)
    labels = rng.choice(3, size=5000)
    values = np.eye(3)[labels]
    groups = rng.choice(["甲", "乙"], size=5000)
    weights = rng.integers(1, 5, size=5000)
    frame = stats.group_means(values, groups, weights=weights, n_draws=300)
    for row in frame.itertuples():
        mask = (groups == row.group) & (labels == row.column)
        assert row.share == pytest.approx(weights[mask].sum() / weights[groups == row.group].sum())
        assert row.ci_low <= row.share <= row.ci_high
    runs = np.stack([values, values[::-1]])  # two "runs": the interval holds both
    spread = stats.group_means(runs, groups, n_draws=300)
    assert (spread.ci_high - spread.ci_low).mean() > 0


def test_bootstrap_draws_are_the_plain_definitions_draws():
    """Means of drawn units computed from how often each unit is drawn equal the means of the
    drawn values themselves, draw for draw (the same generator calls as ``rng.choice``)."""
    rng = np.random.default_rng(1)
    n, k, draws = 600, 4, 200
    values, reference = rng.dirichlet(np.ones(k), n), np.eye(k)[rng.choice(k, n)]
    groups, weights = rng.choice(["b", "a", "c"], size=n), rng.integers(1, 9, n).astype(float)
    frame = stats.group_means(values, groups, weights=weights, n_draws=draws, seed=7)
    plain, gen = [], stats.generator(7)
    for group in sorted(set(groups)):
        m = np.flatnonzero(groups == group)
        idx = gen.integers(0, len(m), size=(draws, len(m)))
        w = weights[m][idx]
        drawn = np.einsum("bn,bnk->bk", w, values[m][idx]) / w.sum(axis=1, keepdims=True)
        plain += list(zip(*stats.interval(drawn)))
    assert np.allclose(frame[["ci_low", "ci_high"]].to_numpy(), plain, rtol=0, atol=1e-12)
    r = stats.share_correlation(values, reference, groups, n_draws=draws, seed=7)
    gen = stats.generator(7)
    d = [gen.choice(np.flatnonzero(groups == g), size=(draws, (groups == g).sum())) for g in sorted(set(groups))]
    a = np.concatenate([values[x].mean(axis=1) for x in d], axis=1)
    b = np.concatenate([reference[x].mean(axis=1) for x in d], axis=1)
    a, b = a - a.mean(axis=1, keepdims=True), b - b.mean(axis=1, keepdims=True)
    low, high = stats.interval((a * b).sum(axis=1) / np.sqrt((a * a).sum(axis=1) * (b * b).sum(axis=1)))
    assert (r["r_low"], r["r_high"]) == pytest.approx((low, high), abs=1e-12)


def test_group_members_keep_every_unit_once():
    keys, members = stats.group_members(np.array(["b", None, "a", np.nan, "b"], dtype=object))
    assert [str(k) for k in keys] == ["a", "b", "nan"]  # missing values, None or NaN, are one group
    assert [m.tolist() for m in members] == [[2], [0, 4], [1, 3]]
    assert stats.group_members(np.array([], dtype=object)) == ([], [])


def test_no_city_is_written_into_the_report_or_study_code():
    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    names = {n for n in [*manifest.city_pinyin, *manifest.city_zh, *manifest.doc_id] if n}
    for folder in ("report", "study"):
        for path in sorted((paths.PACKAGE / folder).glob("*.py")):
            text = path.read_text(encoding="utf-8")
            found = [n for n in names if n in text]
            assert not found, f"{path.name} names {found}"


def test_a_study_without_human_labels_says_why_it_was_not_evaluated(tmp_path):
    out = tmp_path / "study"
    no_labels = tmp_path / "none.csv"
    no_labels.write_text("unit_id,label,secondary_label,note\n", encoding="utf-8")
    seed = paths.SEEDS / pd.read_csv(paths.MANIFEST, dtype=str).file.iloc[0]
    assert main(["study", str(seed), "--out", str(out), "--labels", str(no_labels), "--no-topics",
                 "--no-notebooks"]) == 0
    assert not (out / "tables" / "classifier_metrics.csv").exists()
    assert "Not evaluated: no unit has a human label" in (out / "report.html").read_text(encoding="utf-8")


def test_stages_of_the_outputs_refuse_a_folder_that_is_not_a_study(tmp_path):
    with pytest.raises(ResearchError, match="study.json: missing"):
        outputs_stage(tmp_path)
    assert not any(tmp_path.iterdir())


def test_notebooks_run_top_to_bottom(seeds_study, tmp_path):
    from research.notebooks import execute, notebook_files

    files = notebook_files()
    assert [p.name[:2] for p in files] == ["01", "02", "03", "04"]
    for path in files:  # the parameterized notebooks read a study; by default reports/
        out = execute(path, tmp_path)
        assert Path(out).read_text(encoding="utf-8").count('"output_type": "error"') == 0, path.name
