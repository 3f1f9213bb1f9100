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


def test_short_sentences_and_paragraphs_alone_are_not_pushed_to_other(model):
    assert list(model.predict(["推进医保支付方式改革。"])) == ["payment"]
    # One sentence per area, in the framework's national wording (not taken from the seeds).
    national = {"multi_tier": "鼓励发展商业健康保险，支持医疗互助和慈善捐赠。",
                "benefits": "完善医疗救助制度，落实待遇清单制度。",
                "financing": "均衡个人、用人单位和政府三方筹资缴费责任，提高统筹层次。",
                "payment": "推进按疾病诊断相关分组付费，加强定点医药机构协议管理。",
                "supervision": "开展飞行检查，严厉打击欺诈骗保行为。",
                "supply": "常态化开展药品和医用耗材集中带量采购。",
                "service": "推进异地就医直接结算，加强医保信息平台建设。",
                "other": "坚持以习近平新时代中国特色社会主义思想为指导。"}
    predicted = dict(zip(national, model.predict(list(national.values()))))
    assert sum(predicted[c] == c for c in national) >= 7, predicted


def test_fit_model_refits_to_the_shipped_model(model, gold):
    from research.classify.pipeline import fit_model

    fresh = fit_model(METRICS["chosen_params"], list(gold.text), list(gold.section_path),
                      gold.label.to_numpy(dtype=object))
    texts = [compose(t, p) for t, p in zip(gold.text[:60], gold.section_path[:60])]
    assert np.allclose(fresh.predict_proba(texts), model.predict_proba(texts), atol=1e-6)


def test_leave_one_city_out_score_reproduces_metrics_json(gold):
    y, groups = gold.label.to_numpy(dtype=object), gold.city.to_numpy()
    prep = ev.prepare(gold)
    result = ev.loco(METRICS["chosen_params"], prep, y, groups)
    score = ev.inner_score(prep, y, result.pred, np.arange(len(y)))
    assert score == pytest.approx(METRICS["chosen_params_loco_score"], abs=1e-3)


def test_training_folds_never_see_the_held_out_city(gold):
    y, groups = gold.label.to_numpy(dtype=object), gold.city.to_numpy()
    prep = ev.prepare(gold)
    train = np.flatnonzero(groups != "Wuhan")
    X, labels, weights = ev.training_set(METRICS["chosen_params"], prep, y, train)
    held_out = {id(d) for d in prep.docs[np.isin(prep.unit, np.flatnonzero(groups == "Wuhan"))]}
    assert not held_out & {id(d) for d in X}  # (other cities' plans share some sentences: not a leak)
    assert len(X) > 2 * len(train) and set(np.unique(weights)) == {0.5, 1.0}


def test_metrics_are_out_of_sample_and_complete():
    for key in ("with_context", "without_context", "sentence_level"):
        block = METRICS[key]
        assert set(block["per_label"]) == set(codebook.codes())
        for metric in ("macro_f1", "accuracy", "top2_accuracy"):
            low, high = block["ci95"][metric]
            assert low <= block[metric] <= high, (key, metric)
    main = METRICS["with_context"]
    assert main["n"] == METRICS["training_units"] == METRICS["without_context"]["n"]
    assert METRICS["sentence_level"]["n"] > main["n"]
    assert {"majority", "keyword_rule_national_terms", "heading_silver_in_sample"} <= set(METRICS["baselines"])
    assert {"no_augmentation", "plus_codebook_terms_in_sample", "plus_char_ngrams"} <= set(METRICS["ablations"])
    assert main["macro_f1"] > METRICS["baselines"]["keyword_rule_national_terms"]["macro_f1"]
    # Context dropout and sentence augmentation are what keep pasted paragraphs out of `other`.
    alone = METRICS["without_context"]
    assert abs(alone["other_rate"] - alone["gold_other_rate"]) <= 0.05
    assert METRICS["ablations"]["no_augmentation"]["without_context"]["other_rate"] > 0.3
    predictions = pd.read_csv(paths.MODELS / "loco_predictions.csv")
    assert len(predictions) == main["n"]
    assert (predictions.gold == predictions.predicted).mean() == pytest.approx(main["accuracy"], abs=1e-4)
    assert (predictions.gold == predictions.predicted_alone).mean() == pytest.approx(alone["accuracy"], abs=1e-4)


def test_extra_training_files_need_a_human_label_and_new_text(tmp_path, gold):
    from research.classify.train import read_extra, training_data
    from research.errors import AnnotationError

    header = "unit_id,label,secondary_label,note,text,suggested_label\n"
    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text(header + "u1,,,,推进医保支付方式改革。,payment\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 2: no label"):
        read_extra(unlabelled)
    dup = tmp_path / "dup.csv"
    dup.write_text(header + f"u2,other,,,{gold.text.iloc[0]},\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 2: the same text as unit"):
        training_data([dup])
    twice = tmp_path / "twice.csv"
    twice.write_text(header + "u3,payment,,,推进医保支付方式改革。,\nu4,payment,,,推进医保支付方式改革 。,\n",
                     encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 3: the same text"):
        training_data([twice])


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
    small = build_pipeline({**ev.BASE, "model": "cnb", "alpha": 0.3})
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
    suggestions = pd.read_csv(suggest, keep_default_na=False)
    assert suggestions.margin.is_monotonic_increasing
    assert (suggestions.label == "").all() and set(suggestions.suggested_label) <= set(codebook.codes())
    from research.classify.train import read_extra
    from research.errors import AnnotationError

    with pytest.raises(AnnotationError, match="no label"):
        read_extra(suggest)  # the model's guesses are never training labels
    suggestions["label"] = suggestions.suggested_label  # as if a person had confirmed each one
    suggestions.to_csv(suggest, index=False)
    extra = read_extra(suggest)
    assert len(extra) == len(rows) and set(extra.label) <= set(codebook.codes())
    dropped = pd.read_csv(out.with_name("seeds.dropped.csv"))
    assert {"document", "line", "rule", "text"} <= set(dropped.columns)
    assert dropped.groupby("document").size().size >= 4  # every capture but Jinan drops something


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
