"""Codebook and annotation files: completeness, validation errors, agreement, silver labels."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from research import codebook, paths
from research.annotations.check import SECOND_COLUMNS, check_units, load_gold, policy_units, read_annotations
from research.annotations.sample import second_pass_sample
from research.annotations.silver import silver_label
from research.errors import AnnotationError

CODES = ["multi_tier", "benefits", "financing", "payment", "supervision", "supply", "service", "other"]


def test_codebook_has_the_eight_codes_in_order_with_terms():
    assert codebook.codes() == CODES
    terms = [t for label in codebook.labels() for t in label.terms]
    assert len(terms) == len(set(terms)), "a term is listed under two labels"
    assert all(len(label.terms) >= 10 for label in codebook.labels())
    text = (paths.PACKAGE / "codebook.md").read_text(encoding="utf-8")
    for code in CODES:
        assert f"`{code}`" in text


def test_annotations_check_passes_and_reports_kappa(corpus_dir):
    out = subprocess.run([sys.executable, "-m", "research", "annotations", "check",
                          "--units", str(corpus_dir / "units.csv")], capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    line = next(l for l in out.stdout.splitlines() if l.startswith("Cohen's kappa before"))
    assert float(line.split(":")[1].split()[0]) >= 0.85
    assert "gold label counts per city" in out.stdout


def test_annotations_check_on_an_empty_workdir_fails_in_one_line_and_writes_nothing(tmp_path):
    env = {**os.environ, "RESEARCH_WORKDIR": str(tmp_path)}
    out = subprocess.run([sys.executable, "-m", "research", "annotations", "check"],
                         capture_output=True, text=True, env=env, cwd=paths.ROOT)
    assert out.returncode == 2 and out.stdout == ""
    assert out.stderr.splitlines() == [f"error: {tmp_path / 'data/corpus/units.csv'}: missing; "
                                       f"run 'python -m research corpus build' first"]
    assert list(tmp_path.iterdir()) == []


def test_gold_is_joined_to_the_units_it_is_checked_against(units):
    gold = load_gold(units)
    assert list(gold.unit_id) == list(policy_units(units).unit_id)  # front matter is no gold unit
    assert (units.part == "front_matter").sum() == 3
    assert set(gold.label) == set(CODES) and "text" in gold
    with pytest.raises(AnnotationError, match="is not in the corpus"):
        load_gold(units.iloc[:10])


def test_gold_covers_every_unit_once(units):
    gold = read_annotations(paths.GOLD)
    check_units(gold, units, paths.GOLD, complete=True)
    assert set(policy_units(units).unit_id) <= set(gold.unit_id) <= set(units.unit_id)
    # labelled by reading before front matter was recognised; by structure now, also "other"
    assert set(gold[~gold.unit_id.isin(policy_units(units).unit_id)].label) == {"other"}
    assert set(gold.label) == set(CODES)


def test_second_pass_is_the_seeded_stratified_sample(units):
    second = read_annotations(paths.SECOND_PASS, SECOND_COLUMNS)
    gold = read_annotations(paths.GOLD)
    sample = second_pass_sample(units[units.unit_id.isin(gold.unit_id)])  # drawn from the annotated units
    assert list(second.unit_id) == list(sample.unit_id)
    for city, group in units.groupby("city"):
        assert sample.city.eq(city).sum() >= 0.4 * len(group)


@pytest.mark.parametrize("content, message", [
    ("unit_id,label,secondary_label,note\nx,benefit,,\n", "row 2: unknown label 'benefit'"),
    ("unit_id,label,secondary_label,note\nx,benefits,,\nx,other,,\n", "row 3: unit_id x duplicates row 2"),
    ("unit_id,code\nx,benefits\n", "missing column(s) label"),
    ("unit_id,label,secondary_label,note\nx,benefits,benefits,\n", "row 2: secondary_label repeats"),
    ("unit_id,label,secondary_label,note\nx,benefits\n", "row 2: 2 fields, expected 4"),
])
def test_bad_annotation_files_name_row_and_problem(tmp_path, content, message):
    path = tmp_path / "bad.csv"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(AnnotationError, match=message.replace("(", r"\(").replace(")", r"\)")):
        read_annotations(path)


def test_wrong_encoding_and_orphan_ids_are_rejected(tmp_path, units):
    path = tmp_path / "gbk.csv"
    path.write_bytes("unit_id,label,secondary_label,note\nx,benefits,,医疗\n".encode("gbk"))
    with pytest.raises(AnnotationError, match="not UTF-8"):
        read_annotations(path)
    orphan = tmp_path / "orphan.csv"
    orphan.write_text("unit_id,label,secondary_label,note\nnowhere-123,benefits,,\n", encoding="utf-8")
    with pytest.raises(AnnotationError, match="row 2: unit_id nowhere-123 is not in the corpus"):
        check_units(read_annotations(orphan), units, orphan, complete=False)


def test_cli_turns_annotation_errors_into_one_line(tmp_path, monkeypatch, capsys, corpus_dir):
    from research import cli

    bad = tmp_path / "gold.csv"
    bad.write_text("unit_id,label\n", encoding="utf-8")
    monkeypatch.setattr(paths, "GOLD", bad)
    assert cli.main(["annotations", "check", "--units", str(corpus_dir / "units.csv")]) == 2
    err = capsys.readouterr().err.splitlines()
    assert len(err) == 1 and err[0].startswith(f"error: {bad}: missing column(s) secondary_label")


def test_silver_labels_follow_headings():
    assert silver_label("第二章 健全多层次医疗保障制度体系 > 第三节 完善基本医疗保险筹资运行机制") == "financing"
    assert silver_label("三、下一步重点工作举措 > （二）健全严密有力的基金监管机制。") == "supervision"
    assert silver_label("一、基础形势 > （一）发展基础") == ""
