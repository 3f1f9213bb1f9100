"""The classifier: a scikit-learn estimator, its leave-one-city-out evaluation, the shipped
model (loading, safety) and labelling new documents."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone
from sklearn.exceptions import NotFittedError
from sklearn.model_selection import LeaveOneGroupOut, cross_val_predict, cross_validate

from research import baselines, codebook, paths
from research.classify import ParagraphClassifier, cached_model, compose, load_model
from research.classify import crossval as cv
from research.classify.augment import augment, sentences
from research.classify.model_io import save_model
from research.errors import ModelError


METRICS = json.loads((paths.MODELS / "metrics.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def model():
    return load_model()


@pytest.fixture(scope="module")
def gold(units):
    from research.classify.labelled import training_data

    return training_data(units)


@pytest.fixture(scope="module")
def labelled(gold):
    """Model inputs (with section path), paragraphs alone, labels and cities of the gold units."""
    X = [compose(t, p) for t, p in zip(gold.text, gold.section_path)]
    return X, list(gold.text), gold.label.to_numpy(dtype=object), gold.city.to_numpy()


def run_cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "research", *map(str, args)],
                          capture_output=True, text=True, env=env)


def test_shipped_model_is_one_estimator_on_raw_strings(model, labelled):
    from research.classify import load_estimator
    from research.classify.compiled import CompiledClassifier

    assert isinstance(model, CompiledClassifier)  # the compiled form: numpy only
    full = load_estimator()
    assert isinstance(full, ParagraphClassifier) and full.meta_ == model.meta_
    X, texts, _, _ = labelled
    inputs = [*X, *texts, "", "推进医保支付方式改革。", "§", "abc 123", compose("推进医保支付方式改革。", "第一章")]
    assert np.array_equal(model.predict_proba(inputs), full.predict_proba(inputs))  # the same floats
    assert list(model.classes_) == sorted(codebook.codes())
    texts = ["推进按疾病诊断相关分组付费和区域点数法总额预算改革，完善多元复合式医保支付方式。",
             "加强医保基金监管，开展飞行检查和双随机一公开检查，严厉打击欺诈骗保。"]
    assert list(model.predict(texts)) == ["payment", "supervision"]
    proba = model.predict_proba(texts)
    assert proba.shape == (2, 8) and np.allclose(proba.sum(axis=1), 1)
    assert model.get_params() == METRICS["chosen_params"] == model.meta_["params"]


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


def test_estimator_keeps_the_scikit_learn_contract(labelled):
    X, _, y, _ = labelled
    estimator = ParagraphClassifier(C=3.0, context_dropout=True)
    twin = clone(estimator)
    assert twin is not estimator and twin.get_params() == estimator.get_params()
    assert twin.set_params(C=30.0).C == 30.0 and estimator.C == 3.0
    with pytest.raises(NotFittedError):
        twin.predict(X[:2])
    with pytest.raises(ValueError, match="not one string"):
        twin.fit("推进医保支付方式改革。", ["payment"])
    with pytest.raises(ValueError, match="unknown dictionary"):
        clone(estimator).set_params(dictionary="pkuseg").fit(X[:40], y[:40])
    fitted = estimator.fit(X[:120], y[:120])
    assert set(fitted.classes_) == set(y[:120])
    assert np.array_equal(clone(estimator).fit(X[:120], y[:120]).predict_proba(X[120:160]),
                          fitted.predict_proba(X[120:160]))  # fitting repeats exactly


def test_augmentation_happens_in_fit_from_the_training_inputs_only(labelled):
    X, texts, y, groups = labelled
    train = np.flatnonzero(groups != "Wuhan")
    rows, labels, weights = augment([X[i] for i in train], y[train], context_dropout=True, sentence_weight=0.5)
    made_from = set()
    for i in train:
        made_from |= {X[i], texts[i], *sentences(texts[i])}
    assert set(rows) <= made_from and len(rows) > 2 * len(train)
    assert set(np.unique(weights)) == {0.5, 1.0}
    held_out = {X[i] for i in np.flatnonzero(groups == "Wuhan")} | {texts[i] for i in np.flatnonzero(groups == "Wuhan")}
    assert not held_out & set(rows)
    # Without augmentation a paragraph pasted alone looks like `other`; with it, it does not.
    plain = ParagraphClassifier(sentence_weight=0.0).fit([X[i] for i in train], y[train])
    augmented = ParagraphClassifier().fit([X[i] for i in train], y[train])
    wuhan = [texts[i] for i in np.flatnonzero(groups == "Wuhan")]
    assert np.mean(plain.predict(wuhan) == "other") > 0.5 > np.mean(augmented.predict(wuhan) == "other")


def test_cross_val_predict_on_paragraphs_alone_reaches_the_goal(labelled):
    _, texts, y, groups = labelled
    pred = cross_val_predict(clone(ParagraphClassifier()), texts, y, groups=groups, cv=LeaveOneGroupOut())
    assert cv.macro_f1(y, pred) >= 0.83


def test_refitting_gives_the_shipped_model(model, labelled):
    X, _, y, _ = labelled
    fresh = ParagraphClassifier(**METRICS["chosen_params"]).fit(X, y)
    assert np.allclose(fresh.predict_proba(X[:60]), model.predict_proba(X[:60]), atol=1e-6)


def test_leave_one_city_out_score_reproduces_metrics_json(labelled):
    X, _, y, groups = labelled
    result = cross_validate(ParagraphClassifier(**METRICS["chosen_params"]), X, y, groups=groups,
                            cv=LeaveOneGroupOut(), scoring=cv.paragraph_score)
    assert result["test_score"].mean() == pytest.approx(METRICS["chosen_params_loco_score"], abs=1e-3)
    chosen = {k: METRICS["chosen_params"][k] for k in cv.GRID}
    assert chosen in METRICS["grid"]
    assert max(METRICS["grid_loco_score"]) == METRICS["grid_loco_score"][METRICS["grid"].index(chosen)]


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
    assert set(METRICS["chosen_per_fold"]) == set(METRICS["cities"])
    assert {"majority", "keyword_rule_national_terms_alone", "keyword_rule_national_terms_with_path",
            "heading_silver_in_sample"} <= set(METRICS["baselines"])
    assert {"no_augmentation", "plus_codebook_terms_in_sample", "plus_char_ngrams"} <= set(METRICS["ablations"])
    assert main["macro_f1"] > METRICS["baselines"]["keyword_rule_national_terms_with_path"]["macro_f1"]
    assert (METRICS["without_context"]["macro_f1"]
            > METRICS["baselines"]["keyword_rule_national_terms_alone"]["macro_f1"])
    # Sentence augmentation is what keeps pasted paragraphs out of `other`.
    alone = METRICS["without_context"]
    assert abs(alone["other_rate"] - alone["gold_other_rate"]) <= 0.05
    assert METRICS["ablations"]["no_augmentation"]["without_context"]["other_rate"] > 0.3
    predictions = pd.read_csv(paths.MODELS / "loco_predictions.csv")
    assert len(predictions) == main["n"]
    assert (predictions.gold == predictions.predicted).mean() == pytest.approx(main["accuracy"], abs=1e-4)
    assert (predictions.gold == predictions.predicted_alone).mean() == pytest.approx(alone["accuracy"], abs=1e-4)


def test_baselines_have_one_definition_each(gold):
    texts = ["加强医保基金监管，严厉打击欺诈骗保。", "今天天气很好。"]
    assert list(baselines.keyword_rule(texts)) == ["supervision", "other"]
    assert list(baselines.keyword_rule(texts, fallback="none")) == ["supervision", "none"]
    assert list(baselines.heading_rule(["第三章 > 三、健全严密有力的基金监管机制", ""])) == ["supervision", "other"]
    with pytest.raises(ValueError, match="unknown term list"):
        baselines.keyword_rule(texts, "seed_words")
    # The with-path and alone rows of metrics.json differ only by input.
    y = gold.label.to_numpy(dtype=object)
    for name, inputs in (("alone", list(gold.text)),
                         ("with_path", [compose(t, p) for t, p in zip(gold.text, gold.section_path)])):
        pred = baselines.keyword_rule(inputs)
        assert round(cv.macro_f1(y, pred), 4) == METRICS["baselines"][f"keyword_rule_national_terms_{name}"]["macro_f1"]


def test_extra_training_files_need_a_human_label_and_new_text(tmp_path, units, gold):
    from research.classify.labelled import read_extra, training_data
    from research.errors import AnnotationError

    header = "unit_id,label,secondary_label,note,text,suggested_label\n"
    unlabelled = tmp_path / "unlabelled.csv"
    unlabelled.write_text(header + "u1,,,,推进医保支付方式改革。,payment\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 2: no label"):
        read_extra(unlabelled)
    dup = tmp_path / "dup.csv"
    dup.write_text(header + f"u2,other,,,{gold.text.iloc[0]},\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 2: the same text as unit"):
        training_data(units, [read_extra(dup)])
    twice = tmp_path / "twice.csv"
    twice.write_text(header + "u3,payment,,,推进医保支付方式改革。,\nu4,payment,,,推进医保支付方式改革 。,\n",
                     encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 3: the same text"):
        training_data(units, [read_extra(twice)])
    # The group of a row (for leave-one-city-out) is its city, else its doc_id, else the file.
    grouped = tmp_path / "grouped.csv"
    grouped.write_text("unit_id,label,text,doc_id,city,suggested_second_label\n"
                       "g1,payment,推进医保支付方式改革。,doc_a,,benefits\n"
                       "g2,service,推进异地就医直接结算。,doc_a,Hefei,other\n"
                       "g3,benefits,完善医疗救助制度。,,,\n", encoding="utf-8")
    extra = read_extra(grouped)
    assert list(extra.city) == ["doc_a", "Hefei", "grouped"] and list(extra.section_path) == ["", "", ""]
    assert len(training_data(units, [extra])) == len(gold) + 3


def test_model_files_with_foreign_types_or_unknown_names_are_refused(tmp_path):
    import skops.io as sio

    bad = tmp_path / "evil.skops"
    sio.dump({"model": pd.Timestamp("2020-01-01"), "meta": {}}, bad)
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
    for name in ("fast", "default", str(tmp_path)):  # no alias; a folder is not a model file
        with pytest.raises(ModelError, match="no such model file"):
            load_model(name)
    result = run_cli("classify", paths.SEEDS / "004_5ae382eb9c728642.txt", "--model", "fast")
    assert result.returncode == 2 and result.stderr.strip().splitlines() == [
        "error: fast: no such model file (run 'python -m research train')"]


def test_model_with_another_label_set_is_refused_and_models_are_cached(tmp_path, labelled):
    X, _, _, _ = labelled
    small = ParagraphClassifier(sentence_weight=0.0).fit(X[:40], np.where(np.arange(40) % 2, "a", "b"))
    path = save_model(small, {}, tmp_path / "ab.skops")
    with pytest.raises(ModelError, match="differ from the codebook"):
        load_model(path)
    shipped = tmp_path / "classifier.skops"
    shipped.write_bytes((paths.MODELS / "classifier.skops").read_bytes())
    first = cached_model(shipped)
    assert cached_model(shipped) is first  # loaded once per process
    os.utime(shipped, ns=(0, 0))
    assert cached_model(shipped) is not first  # a rewritten file is loaded again


def test_train_needs_the_corpus_units_and_never_builds_them(tmp_path):
    env = {**os.environ, "RESEARCH_WORKDIR": str(tmp_path / "work")}
    result = run_cli("train", "--quick", env=env)
    missing = tmp_path / "work" / "data" / "corpus" / "units.csv"
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"error: {missing}: missing; run 'python -m research corpus build' first"]
    result = run_cli("train", "--quick", "--units", tmp_path / "none.csv", env=env)
    assert result.stderr.strip().splitlines() == [
        f"error: {tmp_path / 'none.csv'}: missing; run 'python -m research corpus build --out {tmp_path}' first"]
    assert not (tmp_path / "work").exists()  # nothing written, no corpus built
    check = subprocess.run([sys.executable, "-m", "research.reproduce", paths.MODELS, paths.MODELS,
                            "--units", tmp_path / "none.csv"], capture_output=True, text=True, env=env)
    assert check.returncode == 2 and "corpus build" in check.stderr and not (tmp_path / "work").exists()


@pytest.mark.slow
def test_quick_training_writes_a_loadable_model_and_its_evaluation(tmp_path, corpus_dir):
    from research.classify.train import train

    metrics = train(units_csv=corpus_dir / "units.csv", out=tmp_path / "models", quick=True, jobs=2)
    written = sorted(p.name for p in (tmp_path / "models").iterdir())
    assert written == ["MODEL_CARD.md", "classifier.skops", "loco_predictions.csv", "metrics.json"]
    model = load_model(tmp_path / "models" / "classifier.skops")
    assert model.get_params() == metrics["chosen_params"] == {**ParagraphClassifier().get_params()}
    predictions = pd.read_csv(tmp_path / "models" / "loco_predictions.csv")
    assert (predictions.gold == predictions.predicted).mean() == pytest.approx(
        metrics["with_context"]["accuracy"], abs=1e-4)
    assert f"{metrics['with_context']['macro_f1']:.3f}" in (tmp_path / "models" / "MODEL_CARD.md").read_text(encoding="utf-8")
