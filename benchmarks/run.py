"""``make bench``: each figure of issue #24's goals, measured on collections of distinct documents
(:mod:`benchmarks.collection`: the seeds' sentences recombined into new plans, fixed seed), each
against a reference run in the same process and at the same time, so that a shared, loaded
machine moves both.  Writes ``benchmarks/results.json`` (and the machine's load average) and
prints a table.

``python benchmarks/run.py [startup] [batch] [study] [pipeline]`` runs some parts only; the
other parts of ``results.json`` are kept.
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from collection import write_collection  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results.json"
VERSION = 2  #: of this file's layout (1: copies of the seeds, before issue #24)
BATCH_MB = 5.7  # the batch
BATCH_ROUNDS = 11  #: rounds of the batch's commands, taking turns (7 before this round: too few for a stable median)
STUDY_DOCS = 1000
ONE_PLAN = ROOT / "seeds" / "004_5ae382eb9c728642.txt"  # Jinan, 39 KB: the one plan
#: The reference: a bare script that imports jieba and segments the files' text.
BARE_JIEBA = ("import logging, sys, jieba\njieba.setLogLevel(logging.WARNING)\n"
              "for p in sys.argv[1:]:\n    jieba.lcut(open(p, encoding='utf-8').read())\n")
LOAD_MODEL = "from research.classify import load_model\nload_model()\n"
GOALS = {"classify_vs_bare_jieba": 2.0, "one_plan_vs_bare_jieba": 1.5, "load_model_seconds": 1.0,
         "jobs2_speedup": 1.6, "study_seconds": 240, "study_peak_memory_mb": 1200}


def _pss(pid: int) -> int:
    """Proportional set size of a process (bytes): each page it shares with ``n`` processes
    counts ``1/n``, so the PSS of a process tree sums to the memory the tree really holds."""
    with open(f"/proc/{pid}/smaps_rollup") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("Pss:"))


def run_measured(cmd: list[str], env=None, sample: bool = True) -> tuple[float, int]:
    """Wall time and peak resident memory of a command: the RSS of its process tree summed,
    sampled every 20 ms (pages forked workers share with their parent count once per process,
    so this is an upper bound).  The CPU time of the tree (user + system, its workers included)
    is added to :data:`CPU_SECONDS` under the command's line, and the peak of the tree's summed
    PSS (every 100 ms; shared pages counted once in all, where Linux reports it) to
    :data:`PEAK_PSS`.  ``sample=False``: wall and CPU time only (peak memory 0), nothing polling
    the process tree while it runs."""
    import resource

    import psutil

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, env=env)
    peak, peak_pss, done = 0, 0, threading.Event()

    def sampler():
        nonlocal peak, peak_pss
        parent = psutil.Process(proc.pid)
        for tick in itertools.count():
            if done.is_set():
                break
            try:
                tree = [parent, *parent.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in tree))
                if tick % 5 == 0 and Path("/proc/self/smaps_rollup").exists():
                    peak_pss = max(peak_pss, sum(_pss(p.pid) for p in tree))
            except (psutil.Error, OSError, StopIteration):
                pass
            time.sleep(0.02)

    thread = threading.Thread(target=sampler, daemon=True) if sample else None
    if thread:
        thread.start()
    _, err = proc.communicate()
    done.set()
    if thread:
        thread.join()
    seconds = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    CPU_SECONDS[" ".join(map(str, cmd))] = after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime
    PEAK_PSS[" ".join(map(str, cmd))] = peak_pss
    if proc.returncode:
        raise SystemExit(f"benchmark command failed: {' '.join(map(str, cmd))}\n{err[-2000:]}")
    return seconds, peak


CPU_SECONDS: dict[str, float] = {}
PEAK_PSS: dict[str, int] = {}


def side_by_side(commands: dict[str, list[str]], repeat: int) -> dict[str, dict]:
    """Each command ``repeat`` times, the commands taking turns (so a change of load touches all
    of them, and each takes each place in the turn in as many rounds as the others, give or take
    one): best wall time of each and every run's wall time.  The timed runs are not sampled
    (a thread polling a process tree's memory takes a share of the two cores, which slows a
    two-process command and not a one-process one); the peak memory of each command comes from
    one more run, sampled."""
    runs: dict[str, list] = {name: [] for name in commands}
    names = list(commands)
    for r in range(repeat):
        for name in names[r % len(names):] + names[:r % len(names)]:
            runs[name].append(run_measured(commands[name], sample=False)[0])
    return {name: {"seconds": round(min(rs), 3), "runs": repeat,
                   "peak_memory_mb": round(run_measured(commands[name])[1] / 2**20),
                   "all_seconds": [round(r, 3) for r in rs]} for name, rs in runs.items()}


def classify_cmd(paths, tmp: Path, *options) -> list[str]:
    return [sys.executable, "-m", "research", "classify", *map(str, paths), "--out", str(tmp / "out.csv"), *options]


def startup(tmp: Path) -> dict:
    """One plan: ``classify`` against the bare jieba script on the same plan, and ``load_model()``
    in a fresh process (whole process, interpreter start-up included)."""
    py = sys.executable
    times = side_by_side({"bare_jieba": [py, "-c", BARE_JIEBA, str(ONE_PLAN)],
                          "classify": classify_cmd([ONE_PLAN], tmp),
                          "load_model": [py, "-c", LOAD_MODEL],
                          "python": [py, "-c", "pass"]}, repeat=5)
    return {"plan": ONE_PLAN.name, "plan_bytes": ONE_PLAN.stat().st_size, **times,
            "classify_to_bare_jieba": round(times["classify"]["seconds"] / times["bare_jieba"]["seconds"], 3)}


def batch(tmp: Path) -> dict:
    """``classify`` on a batch of distinct plans against the bare jieba script on the same files
    (whole processes, side by side); ``--jobs 2`` against one process; and ``--dask local``
    (a local cluster of two single-threaded worker processes) on the same batch.

    ``--jobs 2`` is timed in rounds of their own, each one process, two, two, one (so that a
    load that grows or falls through a round moves both sides alike): a round's speed-up is
    the one-process times' sum over the two-process times' sum, and the figure is the median
    over the rounds (a shared machine's load moves a single round's ratio by a tenth or more)."""
    folder = tmp / "batch"
    made = write_collection(folder, megabytes=BATCH_MB)
    files = sorted(folder.iterdir())
    one, two = classify_cmd([folder], tmp), classify_cmd([folder], tmp, "--jobs", "2")
    times = side_by_side({"bare_jieba": [sys.executable, "-c", BARE_JIEBA, *map(str, files)],
                          "classify_jobs1": one}, repeat=BATCH_ROUNDS)
    blocks = [[round(run_measured(cmd, sample=False)[0], 3) for cmd in (one, two, two, one)]
              for _ in range(BATCH_ROUNDS)]
    rounds = [round((a + d) / (b + c), 3) for a, b, c, d in blocks]
    twos = [t for block in blocks for t in block[1:3]]
    times["classify_jobs2"] = {"seconds": min(twos), "runs": len(twos),
                               "peak_memory_mb": round(run_measured(two)[1] / 2**20), "all_seconds": twos}
    dask = side_by_side({"classify_dask_local_2_workers": classify_cmd([folder], tmp, "--dask", "local", "--jobs", "2")},
                        repeat=1)
    return {"collection": made, **times, **dask, "jobs2_rounds": blocks, "jobs2_speedup_per_round": rounds,
            "jobs2_best_seconds": {"one_process": min(min(b[0], b[3]) for b in blocks), "two_processes": min(twos)},
            "chars_per_second": {name: round(made["chars"] / v["seconds"]) for name, v in {**times, **dask}.items()},
            "classify_to_bare_jieba": round(times["bare_jieba"]["seconds"] / times["classify_jobs1"]["seconds"], 3),
            "jobs2_speedup": round(statistics.median(rounds), 3)}


def study(tmp: Path, n: int = STUDY_DOCS) -> dict:
    """``python -m research study`` on ``n`` distinct plans (topics fitted on every unit;
    notebooks left out): wall time, peak memory and the time of each stage.  The goal's peak
    memory is the tree's summed PSS (``peak_memory_mb``); the summed RSS, an upper bound that
    counts pages shared with forked workers once per process, is kept beside it."""
    folder = tmp / f"study_{n}"
    made = write_collection(folder, documents=n)
    out = tmp / f"study_{n}_out"
    cmd = [sys.executable, "-m", "research", "study", str(folder), "--out", str(out), "--no-notebooks"]
    seconds, peak = run_measured(cmd)
    summary = json.loads((out / "study.json").read_text(encoding="utf-8"))
    timings = json.loads((out / "timings.json").read_text(encoding="utf-8"))
    return {"documents": n, "bytes": made["bytes"], "units": summary["units"], "topics": summary["topics"],
            "seconds": round(seconds, 1), "cpu_seconds": round(CPU_SECONDS[" ".join(map(str, cmd))], 1),
            "peak_memory_mb": round(PEAK_PSS[" ".join(map(str, cmd))] / 2**20),
            "peak_memory_measure": "PSS of the process tree, summed (shared pages counted once)",
            "peak_rss_sum_mb": round(peak / 2**20), "stages_seconds": timings["seconds"]}


def pipeline(tmp: Path) -> dict:
    """The study of ``seeds/`` (``make reproduce`` without set-up, notebooks and the retraining
    check) and ``train --jobs 2`` (``make models``), in a scratch work folder."""
    from research import paths

    env = dict(os.environ, RESEARCH_WORKDIR=str(tmp / "work"))
    out = tmp / "work" / "reports"
    seconds, _ = run_measured([sys.executable, "-m", "research", "study", str(paths.SEEDS), "--meta",
                               str(paths.MANIFEST), "--out", str(out), "--no-notebooks"], env=env)
    steps = json.loads((out / "timings.json").read_text(encoding="utf-8"))["seconds"]
    run_measured([sys.executable, "-m", "research", "corpus", "build"], env=env)
    train, _ = run_measured([sys.executable, "-m", "research", "train", "--jobs", "2"], env=env)
    return {"study_seconds": round(seconds, 2), "steps": steps, "train_seconds": round(train, 2)}


def goals(r: dict) -> dict:
    """Each goal of issue #24 with its measured figure and whether it is met."""
    out = {}
    if "startup" in r:
        s = r["startup"]
        out["one_plan_vs_bare_jieba"] = (s["classify_to_bare_jieba"], s["classify_to_bare_jieba"] <= 1.5)
        out["load_model_seconds"] = (s["load_model"]["seconds"], s["load_model"]["seconds"] <= 1.0)
    if "batch" in r:
        b = r["batch"]
        out["classify_vs_bare_jieba"] = (b["classify_to_bare_jieba"], b["classify_to_bare_jieba"] >= 2.0)
        out["jobs2_speedup"] = (b["jobs2_speedup"], b["jobs2_speedup"] >= 1.6)
    if "study" in r:
        s = r["study"]
        out["study_seconds"] = (s["seconds"], s["seconds"] < 240)
        out["study_peak_memory_mb"] = (s["peak_memory_mb"], s["peak_memory_mb"] <= 1200)
    return {k: {"value": v, "goal": GOALS[k], "met": met} for k, (v, met) in out.items()}


def _kept(results: dict) -> dict:
    """The parts of a results file this layout wrote (those of the layout before issue #24,
    copies of the seeds, are not kept)."""
    marks = {"startup": "plan", "batch": "collection", "study": "topics", "pipeline": "study_seconds", "load": "study"}
    return {k: v for k, v in results.items() if k in marks and (k == "load" or marks[k] in v)}


def host_speed() -> float:
    """Seconds a fixed pure-Python loop takes in a fresh interpreter (best of 3): the host's
    speed for one process at the time, recorded before and after each part, so that a run on a
    slowed host shows as one."""
    loop = "import time\nt = time.perf_counter()\ns = 0\nfor i in range(5_000_000):\n    s += i\nprint(time.perf_counter() - t)"
    return round(min(float(subprocess.run([sys.executable, "-c", loop], capture_output=True, text=True,
                                          check=True).stdout) for _ in range(3)), 3)


def main(parts: list[str]) -> None:
    parts = parts or ["startup", "batch", "study", "pipeline"]
    measured, load = {}, {}
    for part in parts:
        print(f"{part} ...", flush=True)
        before, speed = os.getloadavg()[0], host_speed()
        with tempfile.TemporaryDirectory() as name:
            measured[part] = globals()[part](Path(name))
        load[part] = {"load_average_1min_before": round(before, 2), "after": round(os.getloadavg()[0], 2),
                      "python_loop_seconds_before": speed, "python_loop_seconds_after": host_speed()}
    # read the file only now, so that parts run at the same time by another process are kept
    results = _kept(json.loads(RESULTS.read_text())) if RESULTS.exists() else {}
    results.update(measured)
    results["load"] = {**results.get("load", {}), **load}
    results["version"] = VERSION
    results["machine"] = {"python": platform.python_version(), "cpus": os.cpu_count(),
                          "platform": platform.platform(),
                          # False (PYTHONDONTWRITEBYTECODE): Python caches no bytecode itself (`make setup` compiles it once)
                          "writes_bytecode": not sys.flags.dont_write_bytecode}
    results["goals"] = goals(results)
    RESULTS.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n")
    print(json.dumps(results["goals"], indent=1))


if __name__ == "__main__":
    main(sys.argv[1:])
