"""``python -m research study``: a whole study of a temporary folder, end to end, and its
one-line errors on bad input."""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from research import paths
from research.cli import main
from research.corpus.clean import clean_text
from research.corpus.reader import read_document
from research.corpus.metadata import infer_metadata
from research.study.metadata import read_meta

NEW_CITY = "青岛"


def _seed(city_pinyin: str) -> str:
    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    row = manifest[manifest.city_pinyin == city_pinyin].iloc[0]
    return clean_text(read_document(paths.SEEDS / row.file))[0], row.city_zh


@pytest.fixture(scope="module")
def collection(tmp_path_factory):
    """Three documents made from cleaned seed text; the third under a new city's name (its
    title line changed), so no manifest or code knows it."""
    folder = tmp_path_factory.mktemp("plans")
    cities = []
    for name, pinyin in (("plan_a.txt", "Binzhou"), ("plan_b.txt", "Wuhan"), ("plan_c.txt", "Jinan")):
        text, city = _seed(pinyin)
        if name == "plan_c.txt":
            first, rest = text.split("\n", 1)
            assert city in first
            text, city = first.replace(city, NEW_CITY) + "\n" + rest, NEW_CITY
        (folder / name).write_text(text, encoding="utf-8")
        cities.append(city)
    return folder, cities


@pytest.fixture(scope="module")
def study(collection, tmp_path_factory):
    folder, _ = collection
    out = tmp_path_factory.mktemp("study") / "my_study"
    # Topic models are the topic package's (tested there) and take minutes on a shared
    # machine; the study records why they were not fitted.
    assert main(["study", str(folder), "--out", str(out), "--no-topics"]) == 0
    return out


def test_study_names_every_group_in_tables_page_and_metadata(study, collection):
    _, cities = collection
    meta = pd.read_csv(study / "metadata.csv", dtype=str, keep_default_na=False)
    assert sorted(meta.city) == sorted(cities)  # inferred from the title lines, new city included
    emphasis = pd.read_csv(study / "tables" / "emphasis.csv")
    assert list(emphasis.columns[:5]) == ["group", "area", "share", "ci_low", "ci_high"]
    assert sorted(emphasis.group.unique()) == sorted(cities)
    assert (emphasis.groupby("group").size() == 8).all()  # a row per group and area
    assert (emphasis.groupby("group").share.sum() - 1).abs().lt(1e-3).all()
    assert ((emphasis.ci_low <= emphasis.share + 1e-12) & (emphasis.share <= emphasis.ci_high + 1e-12)).all()
    wide = pd.read_csv(study / "tables" / "emphasis_wide.csv")
    assert sorted(wide.city) == sorted(cities)
    for name in ("emphasis", "independence_test", "residuals", "emphasis_documents", "label_sources"):
        assert (study / "tables" / f"{name}.tex").read_text(encoding="utf-8").count("\\toprule") == 1
    residuals = pd.read_csv(study / "tables" / "residuals.csv")
    assert sorted(residuals.group) == sorted(cities)
    page = (study / "report.html").read_text(encoding="utf-8")
    for city in cities:
        assert city in page
    assert "http://" not in page and "https://" not in page and "data:image/png;base64," in page


def test_study_labels_record_their_source(study):
    labels = pd.read_csv(study / "labels.csv", dtype={"unit_id": str})
    units = pd.read_csv(study / "corpus" / "units.csv", dtype={"unit_id": str})
    assert list(labels.unit_id) == list(units.unit_id)
    assert set(labels.label_source) <= {"human", "classifier", "structure"}
    front = labels[labels.part == "front_matter"]  # Binzhou's forwarding notice
    assert len(front) and (front.label_source == "structure").all() and (front.label == "other").all()
    probs = labels.filter(like="p_")
    assert probs.shape[1] == 8 and (probs.sum(axis=1) - 1).abs().lt(1e-3).all()
    classified = labels[labels.label_source == "classifier"]
    assert (classified.label == classified.classifier_label).all()
    assert (study / "corpus" / "dropped.csv").exists()


def test_study_figures_notebooks_and_test(study):
    figures = {p.name for p in (study / "figures").iterdir()}
    for name in ("emphasis", "emphasis_probability", "residuals"):
        for suffix in ("", "_zh"):
            assert {f"{name}{suffix}.png", f"{name}{suffix}.pdf"} <= figures
    test = pd.read_csv(study / "tables" / "independence_test.csv").iloc[0]
    n_groups = 3
    areas = (pd.read_csv(study / "labels.csv").label.nunique())
    assert test.dof == (n_groups - 1) * (areas - 1)
    assert 0 < test.p_value_monte_carlo <= 1 and 0 < test.cramers_v < 1
    books = sorted(p.name for p in (study / "notebooks").glob("*.ipynb"))
    assert books and all(name[:2].isdigit() for name in books)
    for name in books:
        notebook = nbformat.read(study / "notebooks" / name, as_version=4)
        errors = [o for c in notebook.cells if c.cell_type == "code" for o in c.get("outputs", [])
                  if o.get("output_type") == "error"]
        assert not errors, name
        assert any("injected-parameters" in c.metadata.get("tags", []) for c in notebook.cells)
    summary = json.loads((study / "study.json").read_text(encoding="utf-8"))
    assert summary["topics"]["unseeded"]["skipped"] and summary["topics"]["seeded"]["skipped"]
    assert "topic model skipped" in (study / "report.html").read_text(encoding="utf-8")


def test_metadata_file_round_trip_and_errors(study, collection, tmp_path, capsys):
    folder, cities = collection
    meta = pd.read_csv(study / "metadata.csv", dtype=str, keep_default_na=False)
    meta["province"] = ["甲", "乙", "乙"]
    good = tmp_path / "meta.csv"
    meta.to_csv(good, index=False)
    assert len(read_meta(good)) == 3
    missing = tmp_path / "missing.csv"
    meta.assign(file=[*meta.file[:2], str(folder / "nowhere.txt")]).to_csv(missing, index=False)
    garbled = tmp_path / "garbled.csv"
    garbled.write_text("file,city,province,year,type\nplan_a.txt,滨州,山东,2022\n", encoding="utf-8")
    bad_year = tmp_path / "year.csv"
    bad_year.write_text("file,city,province,year,type\nplan_a.txt,滨州,山东,soon,plan\n", encoding="utf-8")
    out = tmp_path / "out"
    for meta_file, expected in ((missing, "nowhere.txt"), (garbled, "row 2"), (bad_year, "row 2")):
        assert main(["study", str(folder), "--out", str(out), "--meta", str(meta_file)]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert len(err) == 1 and err[0].startswith("error:") and expected in err[0], err
        assert not out.exists()


@pytest.mark.parametrize("make", ["empty", "unsupported", "missing"])
def test_bad_input_is_one_line_and_writes_nothing(tmp_path, capsys, make):
    folder = tmp_path / "in"
    folder.mkdir()
    if make == "unsupported":
        (folder / "notes.xyz").write_text("x", encoding="utf-8")
    target = str(folder if make != "missing" else tmp_path / "nothing")
    out = tmp_path / "out"
    assert main(["study", target, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error:")
    assert not out.exists()


def test_city_inference_reads_title_and_issuing_body():
    def city(*lines):
        return infer_metadata(Path("x.txt"), list(lines), "x")["city"]

    assert city("青岛市医疗保障“十四五”规划", "一、总体要求") == "青岛"
    assert city("关于全市基本医疗保险工作情况的报告", "成立盘锦市医疗保障局。盘锦市的工作与盘锦市。") == "盘锦"
    assert city("关于全市基本医疗保险工作情况的报告", "全市、我市的工作。") == "unknown"


def test_inferred_metadata_matches_the_manifest_where_the_text_names_it(tmp_path):
    from research.corpus import corpus_document

    manifest = pd.read_csv(paths.MANIFEST, dtype=str, keep_default_na=False)
    for row in manifest.itertuples():
        doc = corpus_document(paths.SEEDS / row.file, row.doc_id)
        assert not doc.error and doc.units
        inferred = doc.inferred
        if row.title:  # a capture with a title line names its city there or in its issuing body
            assert inferred["city"] == row.city_zh, (row.file, inferred)
            assert inferred["type"] == row.doc_type
        if row.issued and inferred["year"]:
            assert inferred["year"] == row.issued[:4]
        assert {u["city"] for u in doc.units} == {inferred["city"]}


def test_a_document_that_cannot_be_read_is_skipped_and_named(tmp_path):
    from research.corpus import corpus_stage

    good, bad = tmp_path / "good.txt", tmp_path / "bad.txt"
    good.write_text(_seed("Wuhan")[0], encoding="utf-8")
    bad.write_text("\n\n", encoding="utf-8")
    result = corpus_stage([(good, "good", ""), (bad, "bad", "")], tmp_path / "corpus")
    assert result.documents == 1 and len(result.skipped) == 1 and "bad.txt" in result.skipped[0]
    units = pd.read_csv(result.units, dtype=str)
    assert set(units.doc_id) == {"good"}


def test_topics_are_skipped_with_a_reason_on_a_tiny_collection(tmp_path):
    from research.corpus import corpus_stage
    from research.study.labels import labels_stage, load_labels
    from research.study.topics import MIN_UNITS, topics_stage

    doc = tmp_path / "fragment.txt"
    doc.write_text(_seed("Lishui")[0], encoding="utf-8")
    corpus = corpus_stage([(doc, "fragment", "")], tmp_path / "corpus")
    assert corpus.n_units < MIN_UNITS
    labels_stage(corpus.units, tmp_path / "labels.csv")
    meta = pd.DataFrame([{"doc_id": "fragment", "city": "丽水"}])
    status = topics_stage(corpus.units, load_labels(tmp_path / "labels.csv"), meta, "city", tmp_path / "topics")
    for name in ("unseeded", "seeded"):
        assert str(MIN_UNITS) in status[name]["skipped"]
    assert json.loads((tmp_path / "topics" / "status.json").read_text(encoding="utf-8")) == status


def test_stages_refuse_missing_inputs(tmp_path):
    from research.errors import ResearchError
    from research.study.labels import labels_stage, load_labels
    from research.study.folder import load_study

    with pytest.raises(ResearchError, match="corpus stage"):
        labels_stage(tmp_path / "units.csv", tmp_path / "labels.csv")
    with pytest.raises(ResearchError, match="labels stage"):
        load_labels(tmp_path / "labels.csv")
    with pytest.raises(ResearchError, match="not a study folder"):
        load_study(tmp_path)
    assert not any(tmp_path.iterdir())


def test_gold_is_used_where_a_unit_has_it_and_the_classifier_elsewhere(corpus_dir, tmp_path):
    from research.annotations.check import read_annotations
    from research.study.labels import labels_stage, load_labels

    gold = read_annotations(paths.GOLD).drop(columns="_row")
    part = gold.iloc[::2]
    part.to_csv(tmp_path / "half.csv", index=False)
    counts = labels_stage(corpus_dir / "units.csv", tmp_path / "labels.csv", tmp_path / "half.csv", chunk=100)
    labels = load_labels(tmp_path / "labels.csv")
    front = labels.part == "front_matter"  # labelled by structure, a gold label or not
    given = labels.unit_id.isin(part.unit_id) & ~front
    assert front.sum() == 3
    assert counts == {"human": given.sum(), "classifier": (~given & ~front).sum(), "structure": front.sum(),
                      "given": len(part), "unmatched": 0, "unmatched_ids": []}
    merged = labels[~front].merge(part[["unit_id", "label"]], on="unit_id", suffixes=("", "_gold"))
    assert (merged.label == merged.label_gold).all() and (merged.label_source == "human").all()
    rest = labels[~labels.unit_id.isin(part.unit_id) & ~front]
    assert (rest.label_source == "classifier").all() and (rest.label == rest.classifier_label).all()
    assert (labels[front].label_source == "structure").all() and (labels[front].label == "other").all()


def test_dask_runs_the_per_document_stages_with_the_same_result(study, collection, tmp_path):
    folder, _ = collection
    out = tmp_path / "on_dask"
    assert main(["study", str(folder), "--out", str(out), "--no-topics", "--no-notebooks",
                 "--dask", "local", "--jobs", "2"]) == 0
    for name in ("corpus/units.csv", "corpus/dropped.csv", "labels.csv", "tables/emphasis.csv"):
        assert (out / name).read_bytes() == (study / name).read_bytes(), name
