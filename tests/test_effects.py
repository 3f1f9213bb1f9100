"""Covariate effects (issue #23): metadata covariates, the effects model's recovery of known
effects in simulation, the study's effects stage (warnings, marked rows, topic chains), its
figures, and ``study --effects`` from the command line."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

from research import codebook, paths
from research.errors import InputError, ResearchError
from research.study.metadata import covariates, read_meta


def _run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "research", *args], capture_output=True, text=True, cwd=cwd)


def _meta(tmp_path, extra: dict[str, list[str]]):
    manifest = pd.read_csv(paths.SEEDS / "manifest.csv", dtype=str, keep_default_na=False)
    frame = manifest[["file", "city_pinyin", "province", "doc_type", "issued"]].rename(
        columns={"city_pinyin": "city", "doc_type": "type", "issued": "year"})
    frame["year"] = frame.year.str[:4]
    for name, values in extra.items():
        frame[name] = values
    path = tmp_path / "meta.csv"
    frame.to_csv(path, index=False)
    return path


# --- metadata ------------------------------------------------------------------------------

def test_extra_metadata_columns_are_typed_covariates(tmp_path):
    path = _meta(tmp_path, {"gdp per head": ["65000", "", "71000.5", "1.2e5", "80000"],
                            "pilot": ["yes", "no", "yes", "", "no"], "region": ["east"] * 5})
    meta = read_meta(path)
    typed = covariates(meta, ["gdp per head", "pilot", "region", "year"], path)
    assert typed["gdp per head"].dtype == float and np.isnan(typed["gdp per head"].iloc[1])
    assert typed["gdp per head"].iloc[3] == 120000.0
    assert typed.pilot.tolist()[:3] == ["yes", "no", "yes"] and pd.isna(typed.pilot.iloc[3])
    assert typed.year.dtype == float


@pytest.mark.parametrize("value", ["65,000", "n/a", "inf", "nan"])
def test_a_bad_number_names_its_row_and_column(tmp_path, value):
    path = _meta(tmp_path, {"gdp": ["65000", "70000", value, "80000", "90000"]})
    with pytest.raises(InputError) as err:
        read_meta(path)
    assert "row 4" in str(err.value) and "'gdp'" in str(err.value)


def test_bad_covariate_and_unknown_formula_column_are_one_error_line(tmp_path):
    bad = _meta(tmp_path, {"gdp": ["65000", "70000", "x", "80000", "90000"]})
    result = _run("study", str(paths.SEEDS), "--meta", str(bad), "--out", str(tmp_path / "out"), "--effects", "~ gdp")
    assert result.returncode == 2
    errors = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(errors) == 1 and errors[0].startswith("error:") and "row 4, column 'gdp'" in errors[0], result.stderr
    good = _meta(tmp_path, {"gdp": ["65000", "70000", "75000", "80000", "90000"]})
    result = _run("study", str(paths.SEEDS), "--meta", str(good), "--out", str(tmp_path / "out"),
                  "--effects", "~ gdp + nosuch")
    assert result.returncode == 2 and "'nosuch'" in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "out").exists()


# --- the model in simulation ------------------------------------------------------------------

def test_known_effects_are_recovered_with_nominal_coverage():
    """A small version of benchmarks/effects.py (the README quotes the full one)."""
    from research.effects.simulate import recovery

    result = recovery(n_collections=16, n_documents=40, n_units=30, n_draws=1000)
    assert 0.88 <= result["coverage"] <= 0.99, result
    assert result["null_includes_zero"] >= 0.88, result
    assert result["max_abs_bias"] < 0.03, result
    assert abs(result["payment_pilot_mean_estimate"] - result["payment_pilot_truth"]) < 0.03


def test_formula_errors():
    from research.effects.model import design

    data = pd.DataFrame({"region": ["a", "b"] * 10, "x": np.arange(20.0)})
    with pytest.raises(ResearchError, match="one-sided"):
        design("y ~ region", data)
    with pytest.raises(ResearchError, match="collinear"):
        design("~ x + I(2 * x)", data)
    assert [v[:2] for v in design("~ x + C(region)", data).variables] == [("x", "numeric"), ("region", "categorical")]


# --- the stage --------------------------------------------------------------------------------

def _study_inputs(n_docs=36, seed=3):
    """Labels (units) and metadata of a collection where ``pilot`` raises payment; ``region``
    has a level with 4 documents."""
    rng = np.random.default_rng(seed)
    codes = codebook.codes()
    doc_ids = [f"d{i:02d}" for i in range(n_docs)]
    pilot = np.array(["no", "yes"] * (n_docs // 2))
    region = np.array(["east"] * 16 + ["west"] * (n_docs - 20) + ["north"] * 4)
    rows = []
    for doc, p in zip(doc_ids, pilot):
        probs = np.full(len(codes), 1.0)
        probs[codes.index("payment")] = 4.0 if p == "yes" else 1.0
        labels = rng.choice(codes, size=25, p=probs / probs.sum())
        rows += [{"doc_id": doc, "unit_id": f"{doc}-{i}", "label": lab} for i, lab in enumerate(labels)]
    metadata = pd.DataFrame({"doc_id": doc_ids, "file": doc_ids, "city": doc_ids, "pilot": pilot, "region": region,
                             "gdp": rng.normal(size=n_docs).round(3).astype(str)})
    return pd.DataFrame(rows), metadata


def _chains(tmp_path, metadata, n_chains, k=3, seed=0, spread=0.0):
    """A topics folder with ``n_chains`` chains of per-document topic proportions."""
    rng = np.random.default_rng(seed)
    base = rng.dirichlet(np.ones(k) * 5, size=len(metadata))
    frames = []
    for chain in range(n_chains):
        theta = base + spread * chain * np.eye(k)[0]
        theta = theta / theta.sum(axis=1, keepdims=True)
        frames.append(pd.DataFrame(theta, columns=[f"topic_{t}" for t in range(k)])
                      .assign(doc_id=metadata.doc_id.to_numpy(), chain=chain, n_units=25))
    folder = tmp_path / f"topics{n_chains}-{spread}"
    folder.mkdir()
    pd.concat(frames)[["doc_id", "chain", "n_units", *[f"topic_{t}" for t in range(k)]]].to_csv(
        folder / "chain_doc_topics.csv", index=False)
    return folder


def test_effects_stage_tables_warnings_and_marked_rows(tmp_path):
    from research.study.effects import COLUMNS, effects_stage

    labels, metadata = _study_inputs()
    messages = []
    summary = effects_stage("~ pilot + region + gdp", labels, metadata, _chains(tmp_path, metadata, 3),
                            tmp_path, echo=messages.append)
    effects = pd.read_csv(tmp_path / "effects.csv", keep_default_na=False)
    assert list(effects.columns) == COLUMNS
    assert set(effects.view) == {"areas", "topics"} and summary["views"]["seeded topics"].startswith("not estimated")
    payment = effects[(effects.view == "areas") & (effects.outcome == "payment") & (effects.term == "pilot")].iloc[0]
    assert payment.contrast == "yes − no" and float(payment.ci_low) > 0  # a real effect is found
    north = effects[effects.contrast == "north − east"]
    assert len(north) == 8 + 3 and (north.ci_low == "").all() and north.note.str.startswith("few documents").all()
    assert any(m.startswith("warning: effects (areas): region = north has 4 document(s)") for m in messages)
    assert summary["marked"] == len(north)
    levels = pd.read_csv(tmp_path / "effects_levels.csv")
    assert set(levels[levels.term == "pilot"].level) == {"no", "yes"}
    curves = pd.read_csv(tmp_path / "effects_curves.csv")
    assert set(curves.term) == {"gdp"} and (curves.ci_low <= curves.estimate).all()


def test_topic_chains_carry_their_uncertainty(tmp_path):
    from research.study.effects import effects_stage

    labels, metadata = _study_inputs()
    widths = {}
    for spread in (0.0, 0.6):
        out = tmp_path / f"out{spread}"
        out.mkdir()
        effects_stage("~ pilot", labels, metadata, _chains(tmp_path, metadata, 4, spread=spread), out, echo=lambda _: None)
        table = pd.read_csv(out / "effects_levels.csv")
        row = table[(table.view == "topics") & (table.outcome == "topic_0") & (table.level == "no")].iloc[0]
        widths[spread] = row.ci_high - row.ci_low
    assert widths[0.6] > 2 * widths[0.0]  # chains that disagree widen the interval


def test_documents_missing_a_covariate_are_left_out_with_a_warning(tmp_path):
    from research.study.effects import effects_stage

    labels, metadata = _study_inputs()
    metadata.loc[[0, 1], "gdp"] = ""
    messages = []
    summary = effects_stage("~ gdp", labels, metadata, tmp_path / "none", tmp_path, echo=messages.append)
    assert summary["documents"] == len(metadata) - 2 and summary["left_out"] == 2
    assert any("2 document(s) miss a value of gdp" in m and "d00" in m for m in messages)


def test_effects_figures_both_languages_at_most_7_1_inches(tmp_path):
    from research.report.effects_figures import effects_figures
    from research.report.style import apply_style
    from research.study.effects import effects_stage

    labels, metadata = _study_inputs()
    effects_stage("~ pilot + region + gdp", labels, metadata, _chains(tmp_path, metadata, 2), tmp_path,
                  echo=lambda _: None)
    tables = [pd.read_csv(tmp_path / f"{n}.csv", dtype={"note": str}) for n in ("effects", "effects_levels", "effects_curves")]
    apply_style()
    for lang in ("en", "zh"):
        names = []
        for name, fig in effects_figures(*tables, lang):
            assert fig.get_size_inches()[0] <= 7.1 + 1e-9, name
            names.append(name)
            import matplotlib.pyplot as plt

            plt.close(fig)
        assert {"effects_areas", "effects_areas_levels_pilot", "effects_areas_curve_gdp", "effects_topics"} <= set(names)


@pytest.mark.slow
def test_study_with_effects_end_to_end(tmp_path):
    """``study --effects`` on a collection written from gold-labelled seed units."""
    from research.annotations.check import read_annotations
    from research.corpus import build_corpus, read_units
    from research.effects import simulate as sim

    corpus = build_corpus(paths.SEEDS, tmp_path / "corpus")
    units = read_units(corpus.units).merge(read_annotations(paths.GOLD)[["unit_id", "label"]], on="unit_id")
    rng = np.random.default_rng(7)
    data, counts = sim.collection(24, 10, sim.base_shares(), rng)
    meta = sim.write_collection(tmp_path / "docs", data, counts, units, rng)
    out = tmp_path / "study"
    result = _run("study", str(tmp_path / "docs"), "--meta", str(meta), "--out", str(out), "--no-topics",
                  "--no-notebooks", "--effects", "~ pilot + gdp")
    assert result.returncode == 0, result.stderr
    effects = pd.read_csv(out / "tables" / "effects.csv")
    assert set(effects.view) == {"areas"} and len(effects) == 2 * len(codebook.codes())
    assert (out / "tables" / "effects.tex").exists() and (out / "figures" / "effects_areas_zh.png").exists()
    assert "Covariate effects" in (out / "report.html").read_text(encoding="utf-8")
    assert "effects:" in result.stdout


def test_topics_write_each_documents_mean_proportions_per_chain():
    from research.topics.tables import chain_doc_topics_table

    units = pd.DataFrame({"doc_id": ["b", "a", "b"]})
    runs = np.array([[[0.2, 0.8], [0.5, 0.5], [0.4, 0.6]], [[0.6, 0.4], [0.1, 0.9], [0.8, 0.2]]])
    table = chain_doc_topics_table(units, runs)
    assert list(table.columns) == ["doc_id", "chain", "n_units", "topic_0", "topic_1"]
    b1 = table[(table.doc_id == "b") & (table.chain == 1)].iloc[0]
    assert b1.n_units == 2 and b1.topic_0 == pytest.approx(0.7) and b1.topic_1 == pytest.approx(0.3)
    assert table.doc_id.tolist() == ["b", "a", "b", "a"]
