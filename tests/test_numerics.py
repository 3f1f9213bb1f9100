"""The kernels numeric libraries choose by the CPU are pinned before they load
(research/numerics.py); ``python -m research`` runs BLAS on one thread and ends its process
without tearing the interpreter down, its output whole (research/__main__.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from research import codebook, paths
from research.numerics import AVX2_KERNELS, NO_AVX512, PINNED, cpu_flags, pin_kernels, pins_for

AVX2 = {"avx2", "fma"} <= cpu_flags()
PROBE = ("import json, research, tomotopy, numpy\n"
         "from threadpoolctl import threadpool_info\n"
         "from numpy._core._multiarray_umath import __cpu_dispatch__, __cpu_features__\n"
         "print(json.dumps({'isa': tomotopy.isa, 'blas': [i['architecture'] for i in threadpool_info()"
         " if i['user_api'] == 'blas'], 'numpy': [t for t in __cpu_dispatch__ if __cpu_features__.get(t)]}))\n")
PLAN = paths.SEEDS / "004_5ae382eb9c728642.txt"


def _run(env: dict, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)


def _probe(env: dict, code: str) -> dict:
    out = _run(env, "-c", code)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in {*PINNED, "OPENBLAS_NUM_THREADS"}}


def test_what_is_pinned_follows_the_cpu():
    assert pins_for(frozenset({"sse2", "avx"})) == {}
    assert pins_for(frozenset({"avx2"})) == {}  # no FMA: not Haswell's kernels
    assert pins_for(frozenset({"avx2", "fma"})) == AVX2_KERNELS
    assert pins_for(frozenset({"avx2", "fma", "avx512f"})) == {**AVX2_KERNELS, **NO_AVX512}


def test_a_variable_already_set_is_kept_and_a_late_pin_warns(monkeypatch):
    for name in PINNED:  # (set, then removed: monkeypatch restores each as it was)
        monkeypatch.setenv(name, "")
        monkeypatch.delenv(name)
    monkeypatch.setenv("TOMOTOPY_ISA", "avx512")
    assert "numpy" in sys.modules  # (this process): the pins come too late for it
    with pytest.warns(RuntimeWarning, match="import research first"):
        held = pin_kernels(frozenset({"avx2", "fma"}))
    assert held == {"OPENBLAS_CORETYPE": "Haswell", "TOMOTOPY_ISA": "avx512"}


@pytest.mark.skipif(not AVX2, reason="the pins apply to CPUs with AVX2 and FMA")
def test_importing_research_first_loads_the_avx2_kernels():
    got = _probe(_clean_env(), PROBE)
    assert got["isa"] == "avx2"
    assert got["blas"] and set(got["blas"]) == {"Haswell"}
    # numpy's loops: none of its AVX-512 targets on (a numpy with other names for them fails here)
    assert not [target for target in got["numpy"] if "512" in target or target == "X86_V4"]


@pytest.mark.skipif(not AVX2, reason="the pins apply to CPUs with AVX2 and FMA")
def test_a_kernel_set_by_the_user_is_kept():
    assert _probe({**_clean_env(), "TOMOTOPY_ISA": "sse2"}, PROBE)["isa"] == "sse2"


def test_the_command_line_runs_blas_on_one_thread():
    """``python -m research`` sets the default before numpy loads (numpy loads here after the
    command has run, and takes the command's default)."""
    code = ("import json, runpy, sys\nsys.argv = ['research', '--version']\n"
            "try:\n    runpy.run_module('research', run_name='__main__', alter_sys=True)\nexcept SystemExit:\n    pass\n"
            "import numpy\nfrom threadpoolctl import threadpool_info\n"
            "print(json.dumps({'threads': [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']}))\n")
    assert _probe(_clean_env(), code)["threads"] == [1]


def test_a_command_writes_all_its_output_before_its_process_ends(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # (stdout buffered, as usual)
    piped = _run(env, "-m", "research", "classify", str(PLAN))
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.startswith(f"{PLAN} (") and piped.stdout.endswith("\n")
    assert len(piped.stdout.splitlines()) == 2 + len(codebook.codes())  # the title, the header, a row per label
    with open(tmp_path / "summary.txt", "w") as out:
        to_file = subprocess.run([sys.executable, "-m", "research", "classify", str(PLAN)], env=env, stdout=out,
                                 stderr=subprocess.PIPE, text=True, timeout=120)
    assert to_file.returncode == 0 and (tmp_path / "summary.txt").read_text() == piped.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full")
def test_output_that_cannot_be_written_at_the_end_is_an_error():
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    with open("/dev/full", "w") as full:
        out = subprocess.run([sys.executable, "-m", "research", "classify", str(PLAN)], env=env, stdout=full,
                             stderr=subprocess.PIPE, text=True, timeout=120)
    assert out.returncode == 2
    assert out.stderr.strip().splitlines()[-1] == "error: cannot write the output: No space left on device"


@pytest.mark.skipif(not {"avx2", "fma", "avx512f"} <= cpu_flags(), reason="needs a CPU with AVX-512")
def test_on_avx512_the_unpinned_kernels_give_other_floats():
    """Why numpy's loops are pinned: its AVX-512 ``exp`` and ``log`` differ in the last bit."""
    code = ("import hashlib, json, research, numpy as np\n"
            "x = np.linspace(-30.0, 30.0, 100_001)\n"
            "print(json.dumps({'digest': hashlib.sha256(np.exp(x).tobytes() + np.log(np.abs(x) + 1e-3).tobytes())"
            ".hexdigest()}))\n")
    pinned = _probe(_clean_env(), code)["digest"]
    assert _probe({**_clean_env(), "NPY_DISABLE_CPU_FEATURES": ""}, code)["digest"] != pinned
