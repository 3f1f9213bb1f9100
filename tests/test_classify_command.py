"""``python -m research classify``: every format, the seeds, one or two processes or a Dask
cluster, all giving the same rows, the removed spans and the units to check."""

from __future__ import annotations

import io
import json
import subprocess
import sys

import pandas as pd
import pytest

from research import codebook, paths

from formats import excerpt, write_all


def run_cli(*args):
    return subprocess.run([sys.executable, "-m", "research", *map(str, args)], capture_output=True, text=True)


def test_classify_labels_every_format_the_same(tmp_path):
    from research.classify.apply import classify

    files = write_all(tmp_path / "docs", excerpt())
    labels = {}
    for name, path in files.items():  # one at a time: together, copies of one text count once
        assert classify([str(path)], out=str(tmp_path / f"{name}.csv"), stream=io.StringIO()) == 0
        labels[name] = list(pd.read_csv(tmp_path / f"{name}.csv").label)
    reference = labels["utf8.txt"]
    assert len(reference) == 16
    for name, got in labels.items():
        assert got == reference, name
    out = tmp_path / "labels.csv"
    result = run_cli("classify", tmp_path / "docs", "--out", out)
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    assert {"unit_id", "order", "section_path", "text", "label", "second_label", "p_other"} <= set(rows.columns)
    assert "units" in result.stdout and "p-weighted" in result.stdout
    same = [line for line in result.stderr.splitlines() if "the same text as" in line]
    assert same and all(line.startswith("warning: ") for line in same)  # the text files decode to one text
    assert rows.document.nunique() == len(files) - len(same)


def test_classify_each_seed_and_suggest(tmp_path, units):
    out, suggest = tmp_path / "seeds.json", tmp_path / "suggest.csv"
    result = run_cli("classify", *sorted(paths.SEEDS.glob("*.txt")), "--out", out, "--suggest", suggest,
                     "--jobs", "2")
    assert result.returncode == 0, result.stderr
    rows = pd.DataFrame(json.loads(out.read_text(encoding="utf-8")))
    manifest = pd.read_csv(paths.MANIFEST, dtype=str).sort_values("file")
    expected = units.groupby("doc_id").size().loc[manifest.doc_id].tolist()  # the corpus, file by file
    assert rows.groupby("document", sort=False).size().tolist() == expected
    suggestions = pd.read_csv(suggest, keep_default_na=False)
    assert suggestions.margin.is_monotonic_increasing
    assert (suggestions.label == "").all() and set(suggestions.suggested_label) <= set(codebook.codes())
    assert set(suggestions.doc_id) == set(rows.doc_id)  # the document, in a column of that name
    from research.classify.labelled import read_extra
    from research.errors import AnnotationError

    with pytest.raises(AnnotationError, match="no label"):
        read_extra(suggest)  # the model's guesses are never training labels
    suggestions["label"] = suggestions.suggested_label  # as if a person had confirmed each one
    suggestions.to_csv(suggest, index=False)
    extra = read_extra(suggest)
    policy = rows[rows.part != "front_matter"]  # front matter is labelled by structure, never suggested
    assert len(extra) == len(policy) and set(extra.label) <= set(codebook.codes())
    assert set(rows[rows.part == "front_matter"].label) == {"other"}
    dropped = pd.read_csv(out.with_name("seeds.dropped.csv"))
    assert {"document", "line", "rule", "text"} <= set(dropped.columns)
    assert dropped.groupby("document").size().size >= 4  # every capture but Jinan drops something


@pytest.mark.parametrize("suffix", [".csv", ".json"])
def test_classify_gives_the_same_file_and_summary_with_one_or_two_processes(tmp_path, suffix):
    seeds = sorted(paths.SEEDS.glob("*.txt"))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"labels_{jobs}{suffix}"
        result = run_cli("classify", *seeds, "--out", out, "--jobs", jobs)
        assert result.returncode == 0, result.stderr
        outputs.append((out.read_bytes(), result.stdout))
    assert outputs[0] == outputs[1]
    if suffix == ".json":
        assert len(json.loads(outputs[0][0])) > 250


def test_classify_on_a_local_dask_cluster_writes_what_classify_writes(tmp_path):
    pytest.importorskip("dask.distributed")
    docs = tmp_path / "docs"
    docs.mkdir()
    for name in ("001_62568cd6752c2c84.txt", "002_7e70c67e9bd8a98d.txt"):
        (docs / name).write_bytes((paths.SEEDS / name).read_bytes())
    (docs / "bad.txt").write_bytes(b"")
    runs = {}
    for mode, extra in (("here", []), ("dask", ["--dask", "local", "--jobs", "2"])):
        out, suggest = tmp_path / mode / "labels.csv", tmp_path / mode / "suggest.csv"
        result = run_cli("classify", docs, "--out", out, "--suggest", suggest, *extra)
        assert result.returncode == 3, result.stderr  # one document skipped, and named
        assert "bad.txt" in result.stderr
        runs[mode] = [p.read_bytes() for p in (out, suggest, out.with_name("labels.dropped.csv"))]
    assert runs["here"] == runs["dask"]
