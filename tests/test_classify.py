"""The shipped classifier: loading, reproducibility, safety, and labelling new documents."""

from __future__ import annotations

import json
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from research import codebook, paths
from research.classify import build_pipeline, compose, load_model
from research.classify import evaluate as ev
from research.classify.model_io import save_model
from research.errors import ModelError

from formats import excerpt, write_all

METRICS = json.loads((paths.MODELS / "metrics.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def gold():
    from research.annotations.check import load_gold

    return load_gold()


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "research", *map(str, args)],
                          capture_output=True, text=True)


def test_shipped_model_is_a_classifier_on_raw_strings(model):
    assert list(model.classes_) == sorted(codebook.codes())
    texts = ["推进按疾病诊断相关分组付费和区域点数法总额预算改革，完善多元复合式医保支付方式。",
             "加强医保基金监管，开展飞行检查和双随机一公开检查，严厉打击欺诈骗保。"]
    assert list(model.predict(texts)) == ["payment", "supervision"]
    proba = model.predict_proba(texts)
    assert proba.shape == (2, 8) and np.allclose(proba.sum(axis=1), 1)
    assert model.meta_["chosen_params"] == METRICS["chosen_params"]


def test_build_pipeline_refits_to_the_shipped_model(model, gold):
    texts = [compose(t, p) for t, p in zip(gold.text, gold.section_path)]
    fresh = build_pipeline().fit(texts, gold.label)
    assert np.allclose(fresh.predict_proba(texts[:60]), model.predict_proba(texts[:60]), atol=1e-6)


def test_leave_one_city_out_score_reproduces_metrics_json(gold):
    y, groups = gold.label.to_numpy(dtype=object), gold.city.to_numpy()
    X = ev.segment_once(ev.model_inputs(gold, True), True)
    result = ev.loco(METRICS["chosen_params"], X, y, groups)
    assert ev.scores(y, result["pred"])["macro_f1"] == pytest.approx(
        METRICS["chosen_params_loco_macro_f1"], abs=1e-3)


def test_metrics_are_out_of_sample_and_complete():
    main = METRICS["with_context"]
    assert main["n"] == METRICS["training_units"]
    assert set(main["per_label"]) == set(codebook.codes())
    assert {"majority", "keyword_rule", "heading_silver", "seeded_lda_argmax"} <= set(METRICS["baselines"])
    assert main["macro_f1"] > METRICS["baselines"]["heading_silver"]["macro_f1"]
    assert "calibration" in main and "top2_accuracy" in main
    predictions = pd.read_csv(paths.MODELS / "loco_predictions.csv")
    assert len(predictions) == main["n"]
    assert (predictions.gold == predictions.predicted).mean() == pytest.approx(main["accuracy"], abs=1e-4)


def test_model_files_with_foreign_types_are_refused(tmp_path):
    import skops.io as sio

    bad = tmp_path / "evil.skops"
    sio.dump({"pipeline": pd.Timestamp("2020-01-01"), "meta": {}}, bad)
    with pytest.raises(ModelError, match="untrusted type"):
        load_model(bad)
    not_zip = tmp_path / "model.skops"
    not_zip.write_bytes(b"\x80\x04K\x01.")  # a pickle
    with pytest.raises(ModelError, match="not a skops model file"):
        load_model(not_zip)
    broken = tmp_path / "broken.skops"
    with zipfile.ZipFile(broken, "w") as z:
        z.writestr("schema.json", "{not json")
    with pytest.raises(ModelError):
        load_model(broken)


def test_model_with_another_label_set_or_format_is_refused(tmp_path, gold):
    small = build_pipeline({**ev.BASE, "model": "cnb", "alpha": 0.3, "embeddings": 0.0})
    small.fit(list(gold.text[:40]), np.where(np.arange(40) % 2, "a", "b"))
    path = save_model(small, {}, tmp_path / "ab.skops")
    with pytest.raises(ModelError, match="differ from the codebook"):
        load_model(path)


def test_classify_labels_every_format_the_same(tmp_path, model):
    files = write_all(tmp_path / "docs", excerpt())
    out = tmp_path / "labels.csv"
    result = run_cli("classify", tmp_path / "docs", "--out", out, "--model", "fast")
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    labels = {name: list(rows[rows.document == str(path)].label) for name, path in files.items()}
    reference = labels["utf8.txt"]
    assert len(reference) == 16
    for name, got in labels.items():
        assert got == reference, name
    assert {"unit_id", "order", "section_path", "text", "label", "second_label", "p_other"} <= set(rows.columns)
    assert "units" in result.stdout and "p-weighted" in result.stdout


def test_classify_each_seed_and_suggest(tmp_path, units):
    out, suggest = tmp_path / "seeds.json", tmp_path / "suggest.csv"
    result = run_cli("classify", *sorted(paths.SEEDS.glob("*.txt")), "--out", out, "--suggest", suggest,
                     "--jobs", "2")
    assert result.returncode == 0, result.stderr
    rows = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    assert rows.groupby("document").size().tolist() == units.groupby("doc_id").size().sort_index(
        key=lambda s: s.map({"binzhou": 0, "lishui": 1, "panjin": 2, "wuhan": 3, "jinan": 4})).tolist()
    suggestions = pd.read_csv(suggest)
    assert suggestions.margin.is_monotonic_increasing
    from research.classify.train import read_extra

    extra = read_extra(suggest)
    assert len(extra) == len(rows) and set(extra.label) <= set(codebook.codes())


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_classify_gives_the_same_file_and_summary_with_one_or_two_processes(tmp_path, suffix):
    seeds = sorted(paths.SEEDS.glob("*.txt"))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"labels_{jobs}{suffix}"
        result = run_cli("classify", *seeds, "--out", out, "--model", "fast", "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        outputs.append((out.read_bytes(), result.stdout))
    assert outputs[0] == outputs[1]
    if suffix == ".json":
        assert len(json.loads(outputs[0][0])) > 250
