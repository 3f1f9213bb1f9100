"""Validation of a user's collection (issue #22): sample, code, agree, evaluate, correct.

The coders' codes in these tests are written by the tests: coder A gives the project's gold
code, coder B the gold code of most units and another code or none for a fixed set of them (a
disagreeing, sometimes absent coder), never the classifier's output.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
import subprocess
import sys
import zipfile

import numpy as np
import pandas as pd
import pytest

from research import codebook, paths

CODES = codebook.codes()


def run(*argv):
    return subprocess.run([sys.executable, "-m", "research", *map(str, argv)], capture_output=True, text=True)


@pytest.fixture()
def study(tmp_path):
    """A copy of the committed study of the seeds (its corpus, labels and metadata)."""
    target = tmp_path / "study"
    shutil.copytree(paths.ROOT / "reports", target, ignore=shutil.ignore_patterns("figures", "topics"))
    return target


def _gold():
    return pd.read_csv(paths.GOLD, dtype=str).set_index("unit_id").label


def _coder_b(units: list[str]) -> dict[str, str]:
    """Gold, but every 5th unit another code and every 7th uncoded."""
    gold = _gold()
    out = {}
    for i, unit in enumerate(units):
        if i % 7 == 3:
            out[unit] = ""
        elif i % 5 == 1:
            out[unit] = CODES[(CODES.index(gold[unit]) + 1) % len(CODES)]
        else:
            out[unit] = gold[unit]
    return out


def test_sample_is_reproducible_stratified_and_blind(study, tmp_path):
    out = tmp_path / "v"
    result = run("validate", "sample", study, "--n", 60, "--by-label", "--out", out)
    assert result.returncode == 0, result.stderr
    sample = pd.read_csv(out / "sample.csv", dtype={"unit_id": str})
    first = (out / "sample.csv").read_bytes()
    assert run("validate", "sample", study, "--n", 60, "--by-label", "--out", out).returncode == 0
    assert (out / "sample.csv").read_bytes() == first  # fixed seed
    assert len(sample) == 60 and sample.unit_id.is_unique
    # every stratum (document x predicted label) is sampled and its probability is n_h / N_h
    labels = pd.read_csv(study / "labels.csv", dtype={"unit_id": str})
    labels = labels[labels.label_source != "structure"]  # front matter is not sampled: not classifier output
    strata = labels.doc_id + "/" + labels.classifier_label
    assert set(sample.stratum) == set(strata)
    sizes = strata.value_counts()
    assert np.allclose(sample.inclusion_probability, sample.stratum_sample / sample.stratum.map(sizes))
    sheets = sorted((out / "sheets").glob("coder_*.csv"))
    assert [p.name for p in sheets] == ["coder_A.csv", "coder_B.csv"]
    for sheet in sheets:
        frame = pd.read_csv(sheet, dtype=str, keep_default_na=False)
        assert list(frame.columns) == ["unit_id", "doc_id", "section_path", "text", "label", "note"]
        assert set(frame.unit_id) == set(sample.unit_id) and (frame.label == "").all()
    tasks = json.loads((out / "labelstudio" / "tasks.json").read_text(encoding="utf-8"))
    assert {t["data"]["unit_id"] for t in tasks} == set(sample.unit_id)
    assert not any("label" in t["data"] for t in tasks)
    config = (out / "labelstudio" / "config.xml").read_text(encoding="utf-8")
    import xml.etree.ElementTree as ET

    choices = ET.fromstring(config).find("Choices")
    assert [c.get("value") for c in choices] == CODES
    assert all(codebook.definitions()[c.get("value")] in c.get("hint") for c in choices)
    lines = (out / "doccano" / "tasks.jsonl").read_text(encoding="utf-8").splitlines()
    assert all(json.loads(x)["label"] == [] for x in lines) and len(lines) == 60
    # a training strategy says so and records no inclusion probability
    result = run("validate", "sample", study, "--n", 20, "--strategy", "uncertainty", "--out", tmp_path / "u")
    assert result.returncode == 0 and "not for estimation" in result.stdout
    assert pd.read_csv(tmp_path / "u" / "sample.csv").inclusion_probability.isna().all()


def test_kappa_and_alpha_equal_sklearn_and_krippendorff_with_missing_codes(tmp_path):
    import krippendorff
    from sklearn.metrics import cohen_kappa_score

    from research.validate.agreement import agreement_stage
    from research.validate.codings import read_codings

    units = list(_gold().index[:120])
    gold, b = _gold(), _coder_b(units)
    c = {u: (gold[u] if i % 3 else CODES[(CODES.index(gold[u]) + 2) % 8]) if i % 11 else "" for i, u in enumerate(units)}
    files = []
    for name, codes in (("A", {u: gold[u] for u in units}), ("B", b), ("C", c)):
        files.append(tmp_path / f"coder_{name}.csv")
        pd.DataFrame({"unit_id": units, "label": [codes[u] for u in units]}).to_csv(files[-1], index=False)
    result = agreement_stage(read_codings(files), tmp_path / "out", n_draws=200)
    table = result["table"].set_index("coders")
    matrix = {"A": [gold[u] for u in units], "B": [b[u] for u in units], "C": [c[u] for u in units]}
    for x, y in (("A", "B"), ("A", "C"), ("B", "C")):
        both = [(p, q) for p, q in zip(matrix[x], matrix[y]) if p and q]
        expected = cohen_kappa_score([p for p, _ in both], [q for _, q in both])
        assert round(table.loc[f"{x} & {y}", "value"], 3) == round(expected, 3)
        assert table.loc[f"{x} & {y}", "units"] == len(both)
        assert table.loc[f"{x} & {y}", "ci_low"] < expected < table.loc[f"{x} & {y}", "ci_high"]
    data = np.array([[CODES.index(v) if v else np.nan for v in matrix[k]] for k in "ABC"])
    expected = krippendorff.alpha(reliability_data=data, level_of_measurement="nominal")
    assert round(table.loc["A & B & C", "value"], 3) == round(expected, 3)
    adjudication = pd.read_csv(tmp_path / "out" / "adjudication.csv", dtype=str, keep_default_na=False)
    assert set(adjudication.unit_id) == set(units)
    disagree = adjudication[adjudication.status == "disagree"]
    assert len(disagree) and (disagree.label == "").all()
    assert (adjudication[adjudication.status == "agreed"].label != "").all()
    per_code = pd.read_csv(tmp_path / "out" / "agreement_codes.csv")
    assert list(per_code.code) == CODES and per_code.specific_agreement.between(0, 1).all()
    assert (tmp_path / "out" / "confusion_A_B.csv").exists()


def _labelstudio_export(units: list[str], b: dict[str, str]) -> list[dict]:
    gold = _gold()
    tasks = []
    for i, unit in enumerate(units):
        annotations = [{"id": 2 * i + 1, "completed_by": 1, "was_cancelled": False,
                        "result": [{"from_name": "label", "to_name": "text", "type": "choices",
                                    "value": {"choices": [gold[unit]]}}]}]
        annotations.append({"id": 2 * i + 2, "completed_by": {"id": 2, "email": "b@example.org"},
                            "was_cancelled": not b[unit],
                            "result": [] if not b[unit] else [{"from_name": "label", "to_name": "text",
                                                               "type": "choices", "value": {"choices": [b[unit]]}}]})
        tasks.append({"id": 100 + i, "data": {"unit_id": unit, "text": f"text {i}", "section_path": "",
                                             "doc_id": unit.split("-")[0]},
                      "annotations": annotations, "predictions": []})
    return tasks


def test_labelstudio_and_doccano_exports_with_two_annotators_lose_nothing(tmp_path):
    from research.validate.agreement import agreement_stage
    from research.validate.codings import read_codings

    units = list(_gold().index[:80])
    b = _coder_b(units)
    export = tmp_path / "project-1-at-2026.json"
    export.write_text(json.dumps(_labelstudio_export(units, b)), encoding="utf-8")
    codings = read_codings([export])
    assert len(codings) == 2 * len(units)  # every annotation read, the cancelled ones as uncoded
    assert set(codings.coder) == {"1", "b@example.org"}
    assert (codings.label == "").sum() == sum(1 for v in b.values() if not v)
    result = agreement_stage(codings, tmp_path / "ls", n_draws=100)
    assert result["units"] == len(units) and result["records"] == 2 * len(units)

    archive = tmp_path / "doccano.zip"
    gold = _gold()
    with zipfile.ZipFile(archive, "w") as z:
        for user, codes in (("alice", {u: gold[u] for u in units}), ("bob", b)):
            z.writestr(f"{user}.jsonl", "".join(
                json.dumps({"id": i, "text": f"text {i}", "label": [codes[u]] if codes[u] else [],
                            "unit_id": u}, ensure_ascii=False) + "\n" for i, u in enumerate(units)))
    doccano = read_codings([archive])
    assert len(doccano) == 2 * len(units) and set(doccano.coder) == {"alice", "bob"}
    result_d = agreement_stage(doccano, tmp_path / "dc", n_draws=100)
    same = result["table"].value.to_numpy(), result_d["table"].value.to_numpy()
    assert np.allclose(*same)  # the same codes give the same agreement whichever tool held them
    # a second label, an unknown code or a record without unit_id is an error naming the file
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"text": "x", "label": ["benefits", "payment"], "unit_id": units[0]}) + "\n")
    out = run("validate", "agreement", bad, export, "--out", tmp_path / "x")
    assert out.returncode == 2 and out.stderr.startswith("error: ") and "bad.jsonl" in out.stderr
    assert "Traceback" not in out.stderr and not (tmp_path / "x").exists()


def test_evaluate_weights_by_inclusion_probability_and_corrects_shares(study, tmp_path):
    from research.validate.design import draw_sample, study_units
    from research.validate.evaluate import evaluate_stage

    units = study_units(study)
    sample = draw_sample(units, 80, by_label=True)
    sample.to_csv(tmp_path / "sample.csv", index=False)
    gold = _gold()
    pd.DataFrame({"unit_id": sample.unit_id, "label": gold[sample.unit_id].to_numpy()}).to_csv(
        tmp_path / "labels.csv", index=False)
    result = evaluate_stage(study, tmp_path / "sample.csv", tmp_path / "labels.csv", tmp_path / "out", n_draws=300)
    drawn = sample.merge(units, on="unit_id")
    w = 1 / drawn.inclusion_probability
    hit = (drawn.classifier_label.to_numpy() == gold[drawn.unit_id].to_numpy())
    assert result["accuracy"]["value"] == pytest.approx(float((w * hit).sum() / w.sum()))
    assert result["accuracy"]["ci_low"] <= result["accuracy"]["value"] <= result["accuracy"]["ci_high"]
    shares = pd.read_csv(tmp_path / "out" / "corrected_shares.csv")
    assert set(shares.group) == {"Binzhou", "Jinan", "Lishui", "Panjin", "Wuhan"}
    assert np.allclose(shares.groupby("group")[["uncorrected_count", "corrected"]].sum(), 1, atol=1e-3)
    assert (shares.ci_low <= shares.corrected + 1e-9).all() and (shares.corrected <= shares.ci_high + 1e-9).all()
    assert (shares.method == "composite").all() and shares.weight.between(0, 1).all()
    # hierarchical reads the labelling model's held-out predictions; a model folder without them is named
    h = evaluate_stage(study, tmp_path / "sample.csv", tmp_path / "labels.csv", tmp_path / "h", method="hierarchical",
                       n_draws=100)
    assert h["prior_units"] > 0 and h["reference"].endswith("loco_predictions.csv")
    h_shares = pd.read_csv(tmp_path / "h" / "corrected_shares.csv")
    assert (h_shares.method == "hierarchical").all() and np.allclose(h_shares.groupby("group").corrected.sum(), 1, atol=1e-3)
    missing = run("validate", "evaluate", study, "--sample", tmp_path / "sample.csv", "--labels",
                  tmp_path / "labels.csv", "--method", "hierarchical", "--model", tmp_path / "nomodel",
                  "--out", tmp_path / "h2")
    assert missing.returncode == 2 and missing.stderr.startswith("error: ") and "loco_predictions.csv" in missing.stderr
    assert not (tmp_path / "h2").exists()
    for name in ("accuracy", "per_code", "confusion", "calibration"):
        assert (tmp_path / "out" / f"{name}.csv").exists()
    # the command writes into the study's validation/ and the report page shows it
    done = run("validate", "evaluate", study, "--sample", tmp_path / "sample.csv", "--labels", tmp_path / "labels.csv",
               "--draws", 300)
    assert done.returncode == 0, done.stderr
    page = (study / "report.html").read_text(encoding="utf-8")
    classified = (pd.read_csv(study / "labels.csv").label_source != "structure").sum()
    assert "Validation on this collection" in page and f"80 of {classified} units" in page
    assert f"{result['accuracy']['value']:.3f}" in done.stdout
    # a sample for training is refused for estimation; a missing label is named
    draw_sample(units, 20, "uncertainty").to_csv(tmp_path / "u.csv", index=False)
    out = run("validate", "evaluate", study, "--sample", tmp_path / "u.csv", "--labels", tmp_path / "labels.csv",
              "--out", tmp_path / "o2")
    assert out.returncode == 2 and "not a probability sample" in out.stderr
    pd.read_csv(tmp_path / "labels.csv").iloc[1:].to_csv(tmp_path / "short.csv", index=False)
    out = run("validate", "evaluate", study, "--sample", tmp_path / "sample.csv", "--labels", tmp_path / "short.csv",
              "--out", tmp_path / "o3")
    assert out.returncode == 2 and "have no label" in out.stderr


def test_corrections_recover_known_shares():
    """With a large validated sample the corrected shares approach the truth that counting misses
    (not ``temperature`` nor ``calibrated``: one temperature cannot express errors that differ by
    code).  ``hierarchical``'s reference: held-out predictions of two other cities with the same
    confusion."""
    from research.validate.correct import METHODS, corrected_shares

    rng = np.random.default_rng(3)
    k, n = 3, 8000
    truth = rng.choice(k, size=n, p=[0.6, 0.3, 0.1])
    confusion = np.array([[0.8, 0.15, 0.05], [0.2, 0.7, 0.1], [0.1, 0.1, 0.8]])
    pred = np.array([rng.choice(k, p=confusion[t]) for t in truth])
    proba = 0.5 * np.eye(k)[pred] + 0.5 / k
    s, r_ = slice(0, 2000), slice(6000, 8000)
    reference = {"y": truth[r_], "pred": pred[r_], "proba": proba[r_], "strata": np.repeat(["a", "b"], 1000)}
    for method in set(METHODS) - {"temperature", "calibrated"}:
        r = corrected_shares({"y": truth[s], "pred": pred[s], "proba": proba[s], "weights": np.ones(2000),
                              "strata": None},
                             {"pred": pred[2000:6000], "proba": proba[2000:6000], "groups": np.zeros(4000, int)},
                             method, n_draws=200, reference=reference)
        true = np.bincount(truth[2000:6000], minlength=k) / 4000
        assert np.abs(r["share"][0] - true).max() < np.abs(r["count"][0] - true).max(), method
        assert ((r["ci_low"][0] <= true) & (true <= r["ci_high"][0])).all(), method


def test_composite_weight_drops_noise_and_keeps_a_large_precise_correction():
    """w = max(0, 1 - tr(V)/|d|^2): 0 for a correction within its noise, near 1 for a large precise one."""
    from research.validate.correct import corrected_shares, shrinkage_weights

    rng = np.random.default_rng(5)
    noise = rng.normal(0, 0.05, size=(2000, 2, 8))
    d = np.vstack([noise[0, 0] * 0.8, [0.2, -0.2, 0, 0, 0, 0, 0, 0]])
    draws = np.concatenate([noise[:, :1], 0.005 * noise[:, 1:] / 0.05], axis=1)
    w = shrinkage_weights(d, draws)
    assert w[0] == 0 and 0.99 < w[1] < 1
    assert shrinkage_weights(np.zeros((1, 8)), np.zeros((10, 1, 8)))[0] == 0  # no correction at all
    # a classifier right on every validated unit: nothing to correct, the count is kept
    k, n = 4, 400
    truth = rng.choice(k, size=n)
    proba = 0.4 * np.eye(k)[truth] + 0.6 / k
    r = corrected_shares({"y": truth[:40], "pred": truth[:40], "proba": proba[:40], "weights": np.ones(40),
                          "strata": None}, {"pred": truth[40:], "proba": proba[40:], "groups": np.zeros(n - 40, int)},
                         "composite", n_draws=200)
    assert r["weight"][0] == 0 and np.allclose(r["share"], r["count"])


def test_composite_intervals_cover_on_a_synthetic_collection():
    """Repeated small samples from a collection whose labels are biased: the composite's 95%
    intervals cover the true shares of the rest in at least 0.90 of code x sample cells, and its
    error is at most the ratio's."""
    from research.validate.correct import corrected_shares

    rng = np.random.default_rng(7)
    k, n, m = 4, 300, 30
    confusion = np.array([[0.85, 0.1, 0.05, 0], [0.15, 0.8, 0.05, 0], [0.05, 0.05, 0.9, 0], [0.1, 0, 0, 0.9]])
    truth = rng.choice(k, size=n, p=[0.4, 0.3, 0.2, 0.1])
    pred = np.array([rng.choice(k, p=confusion[t]) for t in truth])
    proba = 0.6 * np.eye(k)[pred] + 0.4 / k
    inside, errors = [], {"composite": [], "ratio": []}
    for rep in range(40):
        s = rng.permutation(n)
        v, rest = s[:m], s[m:]
        true = np.bincount(truth[rest], minlength=k) / len(rest)
        for method in errors:
            r = corrected_shares({"y": truth[v], "pred": pred[v], "proba": proba[v], "weights": np.full(m, n / m),
                                  "strata": None}, {"pred": pred[rest], "proba": proba[rest],
                                                    "groups": np.zeros(len(rest), int)}, method, n_draws=200, seed=rep)
            errors[method].append(np.abs(r["share"][0] - true).mean())
            if method == "composite":
                inside += list((r["ci_low"][0] - 1e-9 <= true) & (true <= r["ci_high"][0] + 1e-9))
                assert (r["ci_low"] <= r["share"] + 1e-12).all() and (r["share"] <= r["ci_high"] + 1e-12).all()
    assert np.mean(inside) >= 0.90
    assert np.mean(errors["composite"]) <= np.mean(errors["ratio"])


def test_temperature_is_recovered_and_corrects_a_pure_temperature_error():
    """Probabilities made overconfident by p^2: the fitted exponent is near 1/2, and averaging the
    recalibrated probabilities recovers the shares the overconfident ones miss."""
    from research.validate.correct import corrected_shares, temperatures

    rng = np.random.default_rng(11)
    n, k = 6000, 5
    logits = rng.normal(0, 1.2, size=(n, k)) + np.array([1.0, 0.5, 0, 0, -0.5])
    calibrated = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(k, p=p) for p in calibrated])
    shown = calibrated ** 2 / (calibrated ** 2).sum(axis=1, keepdims=True)
    beta = temperatures(np.log(shown[:3000]), truth[:3000], np.ones(3000))
    assert beta[0] == pytest.approx(0.5, abs=0.05)
    r = corrected_shares({"y": truth[:3000], "pred": shown[:3000].argmax(1), "proba": shown[:3000],
                          "weights": np.ones(3000), "strata": None},
                         {"pred": shown[3000:].argmax(1), "proba": shown[3000:], "groups": np.zeros(3000, int)},
                         "temperature", n_draws=100)
    expected = calibrated[3000:].mean(axis=0)
    assert np.abs(r["share"][0] - expected).max() < 0.01 < np.abs(r["probability"][0] - expected).max()


def test_bayes_prior_weighs_one_unit_per_predicted_code():
    """``bayes``: the sample's counts of true codes per predicted code plus one unit spread as the
    classifier's mean probabilities over the collection's units predicted that code."""
    from research.validate.correct import corrected_shares

    y, pred = np.array([0, 0, 1, 1]), np.array([0, 0, 0, 1])
    proba = np.array([[0.7, 0.3], [0.7, 0.3], [0.6, 0.4], [0.2, 0.8]])
    target = {"pred": np.array([0, 1]), "proba": np.array([[0.9, 0.1], [0.5, 0.5]]), "groups": np.zeros(2, int)}
    r = corrected_shares({"y": y, "pred": pred, "proba": proba, "weights": np.full(4, 5.0), "strata": None},
                         target, "bayes", n_draws=10)
    rates = np.array([[2 + 0.9, 1 + 0.1], [0 + 0.5, 1 + 0.5]]) / np.array([[4], [2]])
    assert np.allclose(r["share"][0], np.array([0.5, 0.5]) @ rates)


def _tree_digest(folder) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


#: Paragraphs written for this test (not from any seed or web page), labelled by reading them.
EXTRA = [
    ("推进长期护理保险制度试点，逐步扩大覆盖人群，探索建立多元筹资渠道。", "multi_tier"),
    ("提高城乡居民门诊慢特病保障水平，将更多常见慢性病纳入门诊保障范围。", "benefits"),
    ("落实职工医保个人缴费和单位缴费责任，规范缴费基数核定。", "financing"),
    ("全面推行按病种分值付费，建立与医疗机构的协商谈判机制。", "payment"),
    ("开展医保基金使用专项检查，严厉打击欺诈骗保行为，公开曝光典型案例。", "supervision"),
    ("落实药品和医用耗材集中带量采购中选结果，做好中选产品进院使用。", "supply"),
    ("推广医保电子凭证应用，实现参保登记、异地就医备案等业务网上办理。", "service"),
    ("坚持以人民为中心的发展思想，统筹推进各项工作。", "other"),
]


@pytest.mark.slow
def test_train_extra_writes_its_own_model_that_reproduces_its_card(corpus_dir, tmp_path):
    extra = tmp_path / "my_labels.csv"
    pd.DataFrame({"unit_id": [f"mine-{i}" for i in range(len(EXTRA))], "label": [c for _, c in EXTRA],
                  "text": [t for t, _ in EXTRA], "city": "Mine", "coded": "", "status": "agreed"}).to_csv(
        extra, index=False)  # the adjudication sheet's columns
    before = _tree_digest(paths.MODELS), _tree_digest(paths.SHIPPED_MODELS)
    refused = run("train", "--extra", extra, "--units", corpus_dir / "units.csv", "--quick")
    assert refused.returncode == 2 and "--out" in refused.stderr
    for name in ("one", "two"):
        done = run("train", "--extra", extra, "--units", corpus_dir / "units.csv", "--quick", "--jobs", 1,
                   "--out", tmp_path / name)
        assert done.returncode == 0, done.stderr
    assert (_tree_digest(paths.MODELS), _tree_digest(paths.SHIPPED_MODELS)) == before  # models/ unchanged
    metrics = json.loads((tmp_path / "one" / "metrics.json").read_text(encoding="utf-8"))
    card = (tmp_path / "one" / "MODEL_CARD.md").read_text(encoding="utf-8")
    shipped = json.loads((paths.MODELS / "metrics.json").read_text(encoding="utf-8"))["training_units"]  # gold policy units
    assert metrics["training_units"] == shipped + len(EXTRA) and "Mine" in metrics["cities"]
    record = [d for d in metrics["training_data"] if d["role"].startswith("extra")]
    assert record[0]["units"] == len(EXTRA) and record[0]["sha256"] == hashlib.sha256(extra.read_bytes()).hexdigest()
    assert f"{metrics['with_context']['macro_f1']:.3f}" in card and record[0]["sha256"][:16] in card
    assert f"--out {tmp_path / 'one'}" in metrics["training_command"]
    # retraining with the recorded command gives this model's predictions and card figures
    check = subprocess.run([sys.executable, "-m", "research.reproduce", tmp_path / "two", tmp_path / "one",
                            "--units", corpus_dir / "units.csv"], capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    doc = tmp_path / "plan.txt"
    doc.write_text("\n".join(t for t, _ in EXTRA) + "\n", encoding="utf-8")
    labelled = run("classify", doc, "--model", tmp_path / "one", "--out", tmp_path / "labels.csv")
    assert labelled.returncode == 0, labelled.stderr
    assert len(pd.read_csv(tmp_path / "labels.csv")) >= 1


def test_labels_stage_counts_the_human_labels_given_used_and_unmatched(corpus_dir, tmp_path):
    from research.study.labels import labels_stage

    gold = pd.read_csv(paths.GOLD, dtype=str).iloc[::3][["unit_id", "label"]]
    extra = pd.DataFrame({"unit_id": ["nowhere-1", "nowhere-2"], "label": ["other", "payment"]})
    pd.concat([gold, extra]).to_csv(tmp_path / "labels.csv", index=False)
    counts = labels_stage(corpus_dir / "units.csv", tmp_path / "out.csv", tmp_path / "labels.csv", chunk=100)
    units = pd.read_csv(corpus_dir / "units.csv", dtype=str)
    front = set(units.unit_id[units.part == "front_matter"])  # labelled by their structure, not by people
    assert counts["human"] == (~gold.unit_id.isin(front)).sum() and counts["given"] == len(gold) + 2
    assert counts["unmatched"] == 2 and counts["unmatched_ids"] == ["nowhere-1", "nowhere-2"]


@pytest.mark.slow
def test_study_uses_every_human_label_given_and_a_model_folder(tmp_path):
    lishui = next(paths.SEEDS.glob("001_*.txt"))
    gold = pd.read_csv(paths.GOLD, dtype=str)
    mine = gold[gold.unit_id.str.startswith("lishui-")].iloc[:5][["unit_id", "label"]]
    labels = pd.concat([mine, pd.DataFrame({"unit_id": ["nowhere-0000000000"], "label": ["other"]})])
    labels.to_csv(tmp_path / "labels.csv", index=False)
    models = tmp_path / "my_model"
    shutil.copytree(paths.MODELS, models)
    pd.DataFrame([{"file": lishui.name, "doc_id": "lishui", "city": "Lishui", "province": "浙江", "year": "",
                   "type": "fragment"}]).to_csv(tmp_path / "meta.csv", index=False)
    out = run("study", lishui, "--out", tmp_path / "s", "--meta", tmp_path / "meta.csv", "--labels",
              tmp_path / "labels.csv", "--model", models, "--no-topics", "--no-notebooks", "--jobs", 1)
    assert out.returncode == 0, out.stderr
    assert "5 of 6 human labels given used" in out.stdout and "nowhere-0000000000" in out.stdout
    written = pd.read_csv(tmp_path / "s" / "labels.csv", dtype=str)
    human = written[written.label_source == "human"]
    assert sorted(human.unit_id) == sorted(mine.unit_id)
    assert (human.set_index("unit_id").label == mine.set_index("unit_id").label).all()
    summary = json.loads((tmp_path / "s" / "study.json").read_text(encoding="utf-8"))
    assert summary["human_labels"]["given"] == 6 and summary["label_sources"]["human"] == 5
    bad = run("study", lishui, "--out", tmp_path / "t", "--model", tmp_path / "empty", "--no-topics",
              "--no-notebooks")
    assert bad.returncode == 2 and bad.stderr.startswith("error: ") and not (tmp_path / "t").exists()


def test_model_card_renders_the_committed_simulation_without_training():
    from research.classify.card import model_card

    metrics = json.loads((paths.SHIPPED_MODELS / "metrics.json").read_text(encoding="utf-8"))
    sim = json.loads((paths.SHIPPED_MODELS / "validation_simulation.json").read_text(encoding="utf-8"))
    card = (paths.SHIPPED_MODELS / "MODEL_CARD.md").read_text(encoding="utf-8")
    assert model_card(metrics, sim) == card
    assert f"{sim['pooled']['coverage_ratio']:.3f}" in card and "Validating on a new collection" in card


@pytest.mark.slow
def test_simulation_reproduces_the_committed_file(tmp_path, corpus_dir):
    """``validate simulate`` on the committed loco predictions gives the committed file."""
    from research.validate.simulate import simulate

    committed = json.loads((paths.SHIPPED_MODELS / "validation_simulation.json").read_text(encoding="utf-8"))
    design = committed["design"]
    again = simulate(paths.SHIPPED_MODELS / "loco_predictions.csv", corpus_dir / "units.csv",
                     size=design["sample_size"], reps=design["repetitions"], n_draws=design["bootstrap_draws"])
    assert again["pooled"] == committed["pooled"] and again["per_city"] == committed["per_city"]
    assert again["learning_curve"]["mean_over_cities"] == committed["learning_curve"]["mean_over_cities"]
    assert again["by_sample_size"] == committed["by_sample_size"]


def test_evaluate_command_offers_every_correction_with_the_same_default():
    import argparse

    from research.validate.commands import add_parser
    from research.validate.correct import DEFAULT, METHODS

    parser = argparse.ArgumentParser()
    add_parser(parser.add_subparsers(dest="command"))
    assert parser.parse_args(["validate", "evaluate", "s"]).method == DEFAULT
    assert [parser.parse_args(["validate", "evaluate", "s", "--method", m]).method for m in METHODS] == list(METHODS)
    with pytest.raises(SystemExit):
        parser.parse_args(["validate", "evaluate", "s", "--method", "nonsense"])


def test_calibrated_fits_one_temperature_on_the_sample_and_the_reference_pooled():
    """``calibrated``: the temperature of the sample (weights scaled to its size) pooled with the
    reference's units, one each; without a reference it is ``temperature``."""
    from research.validate.correct import corrected_shares, temperatures

    rng = np.random.default_rng(13)
    n, k = 900, 4
    logits = rng.normal(0, 1.5, size=(n, k))
    p = np.exp(logits) / np.exp(logits).sum(axis=1, keepdims=True)
    truth = np.array([rng.choice(k, p=row) for row in p])
    shown = p ** 2 / (p ** 2).sum(axis=1, keepdims=True)  # overconfident
    sample = {"y": truth[:30], "pred": shown[:30].argmax(1), "proba": shown[:30], "weights": np.full(30, 10.0),
              "strata": None}
    target = {"pred": shown[600:].argmax(1), "proba": shown[600:], "groups": np.zeros(300, int)}
    reference = {"y": truth[30:600], "pred": shown[30:600].argmax(1), "proba": shown[30:600], "strata": None}
    r = corrected_shares(sample, target, "calibrated", n_draws=50, reference=reference)
    pooled = temperatures(np.log(shown[:600]), truth[:600], np.ones(600))[0]
    assert r["temperature"] == pytest.approx(pooled, rel=1e-3) and r["temperature"] == pytest.approx(0.5, abs=0.1)
    alone = corrected_shares(sample, target, "calibrated", n_draws=50)
    assert np.allclose(alone["share"], corrected_shares(sample, target, "temperature", n_draws=50)["share"])
    assert abs(alone["temperature"] - 0.5) > abs(r["temperature"] - 0.5)  # 30 units pin it less than 600


def test_hierarchical_prior_strength_follows_how_much_cities_differ():
    """The prior's strength (alpha, units per predicted code) is large when the reference cities
    share one confusion and small when each has its own; the posterior mean lies between the
    prior mean and the sample's rows, nearer the sample when alpha is small."""
    from research.validate import prior

    rng = np.random.default_rng(17)
    k = 3
    shared = np.array([[0.8, 0.1, 0.1], [0.1, 0.8, 0.1], [0.1, 0.1, 0.8]])
    same = np.array([[rng.multinomial(200, row) for row in shared] for _ in range(5)]).astype(float)
    own = np.array([[rng.multinomial(200, rng.dirichlet(np.ones(k))) for _ in range(k)] for _ in range(5)]).astype(float)
    alpha_same = prior.concentration(same, prior.prior_mean(same))
    alpha_own = prior.concentration(own, prior.prior_mean(own))
    assert alpha_same > 100 * alpha_own and alpha_own < 5
    sample = np.array([[10.0, 10, 0], [0, 20, 0], [0, 0, 20]])
    for reference, alpha in ((same, alpha_same), (own, alpha_own)):
        rates, a = prior.rates(sample, reference)
        m = prior.prior_mean(reference)
        assert a == pytest.approx(alpha) and np.allclose(rates.sum(axis=1), 1)
        assert np.allclose(rates, (sample + alpha * m) / (sample.sum(axis=1, keepdims=True) + alpha))
    assert abs(prior.rates(sample, own)[0][0, 0] - 0.5) < abs(prior.rates(sample, same)[0][0, 0] - 0.5)
    draw, _ = prior.rates(sample, same, np.random.default_rng(0))
    assert np.allclose(draw.sum(axis=1), 1) and not np.allclose(draw, prior.rates(sample, same)[0])
