"""Bad input to every command: one clear line on stderr, exit code 2 (3 when a batch skipped
some documents), no traceback, no half-written output.  The bad files are made here."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest

from research import paths
from research.corpus.reader import read_document
from research.errors import InputError

from formats import excerpt, write_all

PY = [sys.executable, "-m", "research"]


def run(*args, **kwargs):
    return subprocess.run([*PY, *map(str, args)], capture_output=True, text=True, **kwargs)


def assert_one_line_error(result, *needles, code=2):
    assert result.returncode == code, (result.returncode, result.stderr)
    assert "Traceback" not in result.stderr
    lines = [l for l in result.stderr.splitlines() if l.startswith("error:")]
    assert lines, result.stderr
    for needle in needles:
        assert any(needle in l for l in lines), (needle, result.stderr)


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    """A folder of bad inputs, one per case, and a good document beside them."""
    from fpdf import FPDF

    root = tmp_path_factory.mktemp("bad")
    good = "\n".join(excerpt()) + "\n"
    files = {}

    def put(name, data):
        path = root / name
        path.write_bytes(data if isinstance(data, bytes) else data.encode("utf-8"))
        files[name] = path
        return path

    put("good.txt", good)
    put("empty.txt", b"")
    put("binary.txt", bytes(range(256)) * 40)
    put("english.txt", "This plan improves medical insurance. " * 50)
    put("numbers.txt", "2021 2022 2023 ... 96% 97% \n" * 40)
    docx_ok = write_all(root / "formats", excerpt())["plan.docx"]
    put("truncated.docx", docx_ok.read_bytes()[: docx_ok.stat().st_size // 2])
    put("corrupt.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\nthis is not a pdf body")
    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 60, style="F")
    pdf.output(str(root / "scanned.pdf"))
    files["scanned.pdf"] = root / "scanned.pdf"
    put("broken.html", "<html><body><div><p>" + "</p><p>".join(excerpt()) + "<p><table><tr><td>医保")
    put("one_line.txt", "".join(excerpt()))
    put("mixed.txt", "\n".join(excerpt()[:8]).encode("utf-8") + "\n".join(excerpt()[8:]).encode("gbk"))
    put("盘锦 报告 (副本).txt", good)
    with open(root / "huge.txt", "wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB without writing them
    files["huge.txt"] = root / "huge.txt"
    put("notes.xlsx", b"PK\x03\x04 not looked at in folders")
    return files


@pytest.mark.parametrize("name, reason", [
    ("empty.txt", "empty file"),
    ("binary.txt", "binary"),
    ("english.txt", "no Chinese text"),
    ("numbers.txt", "no Chinese text"),
    ("truncated.docx", "corrupt or unreadable DOCX"),
    ("corrupt.pdf", "PDF"),
    ("scanned.pdf", "no text layer"),
    ("huge.txt", "larger than 32 MB"),
])
def test_bad_document_fails_with_one_line(bad, name, reason):
    result = run("classify", bad[name])
    assert_one_line_error(result, name, reason)
    with pytest.raises(InputError, match=reason.replace("(", r"\(")):
        read_document(bad[name])


def test_missing_path_and_unsupported_file(bad, tmp_path):
    assert_one_line_error(run("classify", tmp_path / "nope.txt"), "nope.txt", "no such file")
    assert_one_line_error(run("classify", bad["notes.xlsx"]), "unsupported file type")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    assert_one_line_error(run("classify", empty_dir), "no supported document")


@pytest.mark.parametrize("name", ["broken.html", "one_line.txt", "mixed.txt", "盘锦 报告 (副本).txt"])
def test_hard_but_readable_documents_work(bad, name, tmp_path):
    out = tmp_path / "out.csv"
    result = run("classify", bad[name], "--out", out)
    assert result.returncode == 0, result.stderr
    rows = pd.read_csv(out)
    assert len(rows) >= 5 and rows.label.notna().all()


def test_one_line_plan_recovers_its_headings(bad, tmp_path):
    out = tmp_path / "out.csv"
    run("classify", bad["one_line.txt"], "--out", out)
    rows = pd.read_csv(out, keep_default_na=False)
    assert rows.section_path.str.startswith("第二章 健全多层次医疗保障制度体系").all()
    assert rows.section_path.str.contains("第三节 完善基本医疗保险筹资运行机制").any()


def test_batch_skips_bad_files_and_says_so(bad, tmp_path):
    out = tmp_path / "batch.csv"
    folder = bad["good.txt"].parent
    result = run("classify", folder, "--out", out)
    assert result.returncode == 3, result.stderr
    assert "Traceback" not in result.stderr
    skipped = [l for l in result.stderr.splitlines() if l.endswith("(skipped)")]
    assert any("empty.txt" in l for l in skipped) and any("binary.txt" in l for l in skipped)
    rows = pd.read_csv(out)
    duplicates = [l for l in result.stderr.splitlines() if "the same text as" in l]
    assert any("盘锦 报告 (副本).txt" in l for l in duplicates)  # a copy counts once, with a warning
    counted_once = {os.path.basename(l.removeprefix("warning: ").split(": the same text as")[0]) for l in duplicates}
    assert {"good.txt", "盘锦 报告 (副本).txt"} <= {os.path.basename(d) for d in rows.document} | counted_once
    assert not any(d.endswith("notes.xlsx") for d in rows.document)


def test_failed_run_keeps_previous_output(bad, tmp_path):
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")
    result = run("classify", bad["empty.txt"], bad["binary.txt"], "--out", out)
    assert result.returncode == 2
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv"]


def _wait_for(condition, timeout: float, what: str) -> None:
    """Poll ``condition`` until it holds: however busy the machine, only a hung run times out."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what}: not within {timeout:.0f} s"
        time.sleep(0.02)


def test_interrupted_run_keeps_previous_output(tmp_path):
    """Ctrl-C in the middle of a batch: exit 130, one line, the previous output untouched and no
    temporary file left.  No fixed delay: the run is frozen (SIGSTOP) once rows reach its
    temporary output, so the interrupt lands mid-run however loaded the machine is."""
    folder = tmp_path / "many"
    folder.mkdir()
    text = (paths.SEEDS / "003_4577c7aebcf19071.txt").read_bytes()
    for i in range(400):  # minutes of work: the run cannot finish between the two checks below
        (folder / f"{i:03d}.txt").write_bytes(text)
    out = tmp_path / "out.csv"
    out.write_text("previous\n", encoding="utf-8")

    def writing() -> bool:
        """Rows have reached the temporary output: the run is past opening its files."""
        return any(p.name.startswith(".out.csv.") and p.stat().st_size > 0 for p in tmp_path.iterdir())

    proc = subprocess.Popen([*PY, "classify", str(folder), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        _wait_for(lambda: writing() or proc.poll() is not None, 600, "the run's temporary output")
        proc.send_signal(signal.SIGSTOP)
        assert proc.poll() is None and writing(), "the run ended before it could be interrupted"
        proc.send_signal(signal.SIGINT)
        proc.send_signal(signal.SIGCONT)
        _, err = proc.communicate(timeout=600)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.communicate()
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "interrupted" in err
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["many", "out.csv"]


def test_bad_options_and_models(tmp_path, bad):
    assert_one_line_error(run("classify", bad["good.txt"], "--model", tmp_path / "none.skops"), "no such model")
    fake = tmp_path / "fake.skops"
    fake.write_bytes(b"not a model")
    assert_one_line_error(run("classify", bad["good.txt"], "--model", fake), "not a skops model file")
    assert_one_line_error(run("classify", bad["good.txt"], "--out", tmp_path / "x.xlsx"),
                          "must end in .csv or .json")
    assert_one_line_error(run("classify", bad["good.txt"], "--jobs", "0"), "--jobs")
    assert_one_line_error(run("classify", bad["good.txt"], "--out",
                              bad["good.txt"] / "x.csv"), "good.txt")


def test_incompatible_model_format_is_refused(tmp_path):
    import skops.io as sio

    from research.classify.model_io import MODEL_FORMAT, TRUSTED_TYPES, load_model
    from research.errors import ModelError

    shipped = sio.load(paths.MODELS / "classifier.skops", trusted=TRUSTED_TYPES)
    shipped["meta"]["format"] = 99
    path = tmp_path / "future.skops"
    sio.dump(shipped, path)
    with pytest.raises(ModelError, match="format 99 is not supported"):
        load_model(path)
    shipped["meta"]["format"] = MODEL_FORMAT
    shipped["meta"]["project_version"] = "7.0.0"
    sio.dump(shipped, path)
    with pytest.raises(ModelError, match="trained with research 7.0.0"):
        load_model(path)


def test_corpus_build_and_train_reject_bad_input(tmp_path):
    assert_one_line_error(run("corpus", "build", "--seeds", tmp_path, "--out", tmp_path / "o"), "manifest.csv")
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "manifest.csv").write_text(paths.MANIFEST.read_text(encoding="utf-8"), encoding="utf-8")
    (seeds / "000_cfac0d8346b4891c.txt").write_text("改过的文本", encoding="utf-8")
    assert_one_line_error(run("corpus", "build", "--seeds", seeds, "--out", tmp_path / "o"), "checksum")
    assert not (tmp_path / "o").exists()
    extra = tmp_path / "extra.csv"
    extra.write_text("unit_id,label,secondary_label,note,text\nx1,benefit,,,医保\n", encoding="utf-8")
    assert_one_line_error(run("train", "--extra", extra, "--quick", "--out", tmp_path / "mine"), "row 2: unknown label 'benefit'")
    extra.write_text("unit_id,label,secondary_label,note\nx1,benefits,,\n", encoding="utf-8")
    assert_one_line_error(run("train", "--extra", extra, "--quick", "--out", tmp_path / "mine"), "missing column(s) text")


def test_model_saved_by_another_scikit_learn_warns_with_both_versions(monkeypatch):
    import sklearn.base

    from research.classify.model_io import load_estimator
    from research.errors import ModelWarning

    monkeypatch.setattr(sklearn.base, "__version__", "0.0.1")
    with pytest.warns(ModelWarning, match=r"\.skops: saved with scikit-learn \S+, this is 0.0.1"):
        model = load_estimator(sorted(paths.MODELS.glob("*.skops"))[0])
    assert hasattr(model, "predict")
