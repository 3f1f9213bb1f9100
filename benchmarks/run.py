"""``make bench``: stage timings on the seeds, classify throughput against bare jieba on a
20 MB batch, peak memory, and the whole pipeline's wall time.  Writes
``benchmarks/results.json`` and prints a readable table.  Numbers are machine-dependent."""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

BATCH_MB = 20


def timed(fn, repeat: int = 3):
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def stage_times() -> dict:
    """Wall time of each pipeline stage on the five seeds (best of three where cheap)."""
    from research import paths
    from research.annotations.check import load_gold
    from research.classify.estimator import ParagraphClassifier
    from research.classify.features import compose
    from research.corpus import build_corpus, read_units
    from research.corpus.clean import clean_text
    from research.corpus.reader import read_document
    from research.corpus.segment import segment
    from research.text import Tokenizer
    from research.topics.gensim_lda import fit_lda
    from research.topics.tokens import build_dictionary, tokenize_all

    files = sorted(paths.SEEDS.glob("*.txt"))
    Tokenizer()("预热")  # load the dictionary outside the timings
    out = {}
    out["read"], raw = timed(lambda: [read_document(f) for f in files])
    out["clean"], cleaned = timed(lambda: [clean_text(r)[0] for r in raw])
    out["segment"], docs = timed(lambda: [segment(c, "x") for c in cleaned])
    texts = [u.text for d in docs for u in d.units]
    tokenizer = Tokenizer()
    out["tokenize"], _ = timed(lambda: [tokenizer(t) for t in texts])
    token_docs = tokenize_all(texts)
    dictionary = build_dictionary(token_docs)
    bow = [dictionary.doc2bow(d) for d in token_docs]
    out["lda_fit_one_model"], _ = timed(lambda: fit_lda(bow, dictionary, 10, 11), repeat=1)
    with tempfile.TemporaryDirectory() as corpus:
        gold = load_gold(read_units(build_corpus(paths.SEEDS, Path(corpus)).units))
    inputs = [compose(t, p) for t, p in zip(gold.text, gold.section_path)]
    out["train_default_model"], _ = timed(lambda: ParagraphClassifier().fit(inputs, gold.label.to_numpy()),
                                          repeat=1)
    from research.classify.model_io import load_model

    out["load_default_model"], model = timed(lambda: load_model())
    units = [compose(u.text, u.section_path) for d in docs for u in d.units]
    out["predict_default_model"], _ = timed(lambda: model.predict_proba(units))  # tokenizes again
    return {k: round(v, 4) for k, v in out.items()}


def make_batch(folder: Path, megabytes: float) -> int:
    """Copies of the raw seed captures until the batch holds ``megabytes`` MB."""
    from research import paths

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(paths.SEEDS.glob("*.txt"))
    size, n = 0, 0
    while size < megabytes * 1e6:
        for seed in seeds:
            target = folder / f"{n:05d}_{seed.name}"
            shutil.copyfile(seed, target)
            size += target.stat().st_size
            n += 1
    return size


def bare_segmenters(folder: Path) -> dict:
    """Bare word segmentation of the decoded text of every file, default dictionary and mode:
    ``jieba.lcut`` (pure Python, the reference of the targets) and ``rjieba.cut`` (jieba-rs,
    the engine the project's tokenizer runs on)."""
    import logging

    import jieba
    import rjieba

    from research.corpus.reader import read_document

    jieba.setLogLevel(logging.WARNING)
    texts = [read_document(p) for p in sorted(folder.iterdir())]
    chars = sum(map(len, texts))
    out = {}
    for name, cut in (("jieba", jieba.lcut), ("rjieba", rjieba.Jieba().cut)):
        cut("预热")
        start = time.perf_counter()
        for text in texts:
            cut(text)
        seconds = time.perf_counter() - start
        out[name] = {"chars": chars, "seconds": round(seconds, 3),
                     "chars_per_second": round(chars / seconds)}
    return out


def run_measured(cmd: list[str], env=None) -> tuple[float, int, subprocess.CompletedProcess]:
    """Wall time and peak resident memory of a command: the RSS of its process tree summed,
    sampled every 20 ms (pages forked workers share with their parent count once per process,
    so this is an upper bound)."""
    import psutil

    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    peak = 0
    done = threading.Event()

    def sample():
        nonlocal peak
        parent = psutil.Process(proc.pid)
        while not done.is_set():
            try:
                rss = parent.memory_info().rss + sum(c.memory_info().rss for c in parent.children(recursive=True))
                peak = max(peak, rss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    thread = threading.Thread(target=sample, daemon=True)
    thread.start()
    out, err = proc.communicate()
    done.set()
    thread.join()
    seconds = time.perf_counter() - start
    result = subprocess.CompletedProcess(cmd, proc.returncode, out, err)
    if proc.returncode:
        raise SystemExit(f"benchmark command failed: {' '.join(cmd)}\n{err}")
    return seconds, peak, result


def classify_throughput(folder: Path, chars: int, model: str, jobs: int, tmp: Path,
                        repeat: int = 1) -> dict:
    """``python -m research classify`` over a folder: best wall time of ``repeat`` runs (the
    machine is shared, so single runs are noisy) and the highest peak memory."""
    cmd = [sys.executable, "-m", "research", "classify", str(folder), "--jobs", str(jobs),
           "--out", str(tmp / f"out_{model}_{jobs}.csv")]
    if model != "default":
        cmd += ["--model", model]
    runs = [run_measured(cmd)[:2] for _ in range(repeat)]
    seconds, peak = min(r[0] for r in runs), max(r[1] for r in runs)
    return {"model": model, "jobs": jobs, "chars": chars, "seconds": round(seconds, 2), "runs": repeat,
            "chars_per_second": round(chars / seconds), "peak_memory_mb": round(peak / 2**20)}


def scaling(tmp: Path, full: dict) -> dict:
    """One process on a quarter of the batch against the whole batch.  Time = start-up +
    chars / marginal throughput: the two runs give both, and the peak memory of each."""
    from research.corpus.reader import read_document

    quarter = tmp / "batch_quarter"
    make_batch(quarter, BATCH_MB / 4)
    chars = sum(len(read_document(p)) for p in quarter.iterdir())
    part = classify_throughput(quarter, chars, "default", 1, tmp, repeat=2)
    per_char = (full["seconds"] - part["seconds"]) / (full["chars"] - part["chars"])
    return {"quarter_batch": part,
            "full_batch": {k: full[k] for k in ("chars", "seconds", "chars_per_second", "peak_memory_mb")},
            "marginal_chars_per_second": round(1 / per_char),
            "startup_seconds": round(part["seconds"] - per_char * part["chars"], 2),
            "memory_ratio_full_to_quarter": round(full["peak_memory_mb"] / part["peak_memory_mb"], 3)}


def pipeline_time(tmp: Path) -> dict:
    """``make reproduce`` minus setup, notebooks and the retraining check: the study of seeds/
    (``python -m research study seeds --meta seeds/manifest.csv --no-notebooks``) in a scratch
    work folder, with its stage times; and ``train --jobs 2`` (``make models``) apart."""
    from research import paths

    env = dict(os.environ, RESEARCH_WORKDIR=str(tmp / "work"))
    out = tmp / "work" / "reports"
    seconds, _, result = run_measured([sys.executable, "-m", "research", "study", str(paths.SEEDS), "--meta",
                                       str(paths.MANIFEST), "--out", str(out), "--no-notebooks"], env=env)
    if result.returncode:
        raise SystemExit(f"study failed: {result.stderr.strip().splitlines()[-1:]}")
    steps = json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]
    run_measured([sys.executable, "-m", "research", "corpus", "build"], env=env)
    train, _, _ = run_measured([sys.executable, "-m", "research", "train", "--jobs", "2"], env=env)
    return {"steps": steps, "total_seconds": round(seconds, 2), "train_seconds": round(train, 2)}


STUDY_DOCS = 1000  # issue #15: a 1,000-document study in under 10 minutes on 2 cores


def make_copies(folder: Path, n: int) -> int:
    """``n`` documents: copies of the raw seed captures under new names."""
    from research import paths

    folder.mkdir(parents=True, exist_ok=True)
    seeds = sorted(paths.SEEDS.glob("*.txt"))
    for i in range(n):
        shutil.copyfile(seeds[i % len(seeds)], folder / f"{i:05d}_{seeds[i % len(seeds)].name}")
    return n


def study_time(tmp: Path, n: int = STUDY_DOCS) -> dict:
    """``python -m research study`` on ``n`` copies of the seeds, every output included: wall
    time, peak memory and the time of each stage (from the study's ``study.json``)."""
    folder = tmp / f"study_{n}"
    make_copies(folder, n)
    out = tmp / f"study_{n}_out"
    seconds, peak, result = run_measured([sys.executable, "-m", "research", "study", str(folder),
                                          "--out", str(out)])
    if result.returncode:
        raise SystemExit(f"study failed: {result.stderr.strip().splitlines()[-1:]}")
    summary = json.loads((out / "study.json").read_text(encoding="utf-8"))
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    return {"documents": n, "units": summary["units"], "seconds": round(seconds, 1),
            "peak_memory_mb": round(peak / 2**20), "stages_seconds": timings["seconds"]}


def main() -> None:

    results = {"machine": {"python": platform.python_version(), "cpus": os.cpu_count(),
                           "platform": platform.platform()}}
    print("stage timings on the seeds ...", flush=True)
    results["stages_seconds"] = stage_times()
    with tempfile.TemporaryDirectory() as name:
        tmp = Path(name)
        big = tmp / "batch"
        size = make_batch(big, BATCH_MB)
        results["batch"] = {"files": len(list(big.iterdir())), "bytes": size}
        print(f"bare jieba and rjieba on the {size / 1e6:.1f} MB batch ...", flush=True)
        bare_big = bare_segmenters(big)
        results["bare_jieba"] = bare_big["jieba"]
        results["bare_rjieba"] = bare_big["rjieba"]
        classify = {}
        for jobs in (1, 2):  # the one default model, in the same run as bare jieba (issue #12)
            print(f"classify --jobs {jobs} ...", flush=True)
            row = classify_throughput(big, bare_big["jieba"]["chars"], "default", jobs, tmp, repeat=2)
            for name in ("jieba", "rjieba"):
                row[f"ratio_to_bare_{name}"] = round(row["chars_per_second"] / bare_big[name]["chars_per_second"], 3)
            classify[f"default_jobs{jobs}"] = row
        classify["default_jobs2"]["speedup_over_jobs1"] = round(
            classify["default_jobs2"]["chars_per_second"] / classify["default_jobs1"]["chars_per_second"], 3)
        results["classify"] = classify
        print("classify on a quarter of the batch (scaling) ...", flush=True)
        results["scaling"] = sc = scaling(tmp, classify["default_jobs1"])
        # the start-up (imports, model loading) runs once before the workers fork
        classify["default_jobs2"]["speedup_after_startup"] = round(
            (classify["default_jobs1"]["seconds"] - sc["startup_seconds"])
            / (classify["default_jobs2"]["seconds"] - sc["startup_seconds"]), 3)
        print("whole pipeline from raw seeds ...", flush=True)
        results["pipeline"] = pipeline_time(tmp)
        print(f"study of {STUDY_DOCS} copies of the seeds ...", flush=True)
        results["study"] = study_time(tmp)
    (ROOT / "benchmarks" / "results.json").write_text(json.dumps(results, indent=1) + "\n")
    print(table(results))


def table(r: dict) -> str:
    lines = ["", "stage (seeds)                 seconds"]
    lines += [f"  {k:<28}{v:>8.3f}" for k, v in r["stages_seconds"].items()]
    bare = (f"bare jieba.lcut: {r['bare_jieba']['chars_per_second']:,} chars/s, bare rjieba.cut: "
            f"{r['bare_rjieba']['chars_per_second']:,} chars/s on {r['batch']['bytes'] / 1e6:.1f} MB "
            f"({r['batch']['files']} files)")
    lines += ["", bare, "",
              "classify                      chars/s  ratio to jieba  to rjieba   peak MB"]
    for k, v in r["classify"].items():
        lines.append(f"  {k:<26}{v['chars_per_second']:>10,}{v['ratio_to_bare_jieba']:>12.2f}"
                     f"{v['ratio_to_bare_rjieba']:>11.2f}{v['peak_memory_mb']:>10}")
    sc = r["scaling"]
    scale = (f"one process, 1/4 and all of the batch: {sc['startup_seconds']:.1f} s start-up + "
             f"{sc['marginal_chars_per_second']:,} chars/s; peak memory "
             f"{sc['quarter_batch']['peak_memory_mb']} -> {sc['full_batch']['peak_memory_mb']} MB")
    whole = (f"study of seeds/ (make reproduce without set-up and notebooks): {r['pipeline']['total_seconds']:.1f} s; "
             f"train --jobs 2: {r['pipeline']['train_seconds']:.1f} s")
    j2 = r["classify"]["default_jobs2"]
    speedup = (f"--jobs 2 speed-up: {j2['speedup_over_jobs1']:.2f}x "
               f"({j2['speedup_after_startup']:.2f}x after the start-up)")
    lines += ["", speedup,
              scale, whole]
    lines += [f"  {k:<36}{v:>8.2f}" for k, v in r["pipeline"]["steps"].items()]
    if "study" in r:
        st = r["study"]
        lines += ["", f"study of {st['documents']} documents ({st['units']} units): {st['seconds']:.1f} s, "
                      f"peak memory {st['peak_memory_mb']} MB"]
        lines += [f"  {k:<36}{v:>8.2f}" for k, v in st["stages_seconds"].items()]
    return "\n".join(lines)


if __name__ == "__main__":
    if sys.argv[1:2] == ["study"]:  # just the study case: python benchmarks/run.py study [N]
        with tempfile.TemporaryDirectory() as name:
            print(json.dumps(study_time(Path(name), int(sys.argv[2]) if len(sys.argv) > 2 else STUDY_DOCS), indent=1))
    else:
        main()
