"""The kernels numeric libraries choose by the CPU are pinned before they load
(research/numerics.py), and ``python -m research`` runs BLAS on one thread."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from research.numerics import AVX2_KERNELS, cpu_flags, pin_kernels

PROBE = ("import json, research, tomotopy, numpy\n"
         "from threadpoolctl import threadpool_info\n"
         "print(json.dumps({'isa': tomotopy.isa, 'blas': [(i['internal_api'], i['architecture'], i['num_threads'])"
         " for i in threadpool_info() if i['user_api'] == 'blas']}))\n")


def _probe(env: dict, *args: str) -> dict:
    out = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def _clean_env() -> dict:
    return {k: v for k, v in os.environ.items() if k not in {*AVX2_KERNELS, "OPENBLAS_NUM_THREADS"}}


def test_pins_only_where_the_cpu_has_avx2_and_fma_and_keeps_what_is_set(monkeypatch):
    for name in AVX2_KERNELS:
        monkeypatch.delenv(name, raising=False)
    assert pin_kernels(frozenset({"sse2", "avx"})) == {}
    assert pin_kernels(frozenset({"avx2"})) == {}  # no FMA: not Haswell's kernels
    monkeypatch.setenv("TOMOTOPY_ISA", "avx512")
    assert pin_kernels(frozenset({"avx2", "fma", "avx512f"})) == {"OPENBLAS_CORETYPE": "Haswell",
                                                                    "TOMOTOPY_ISA": "avx512"}


@pytest.mark.skipif(not {"avx2", "fma"} <= cpu_flags(), reason="the pins apply to CPUs with AVX2 and FMA")
def test_importing_research_first_loads_the_avx2_kernels():
    got = _probe(_clean_env(), "-c", PROBE)
    assert got["isa"] == "avx2"
    assert got["blas"] and all(arch == "Haswell" for _, arch, _ in got["blas"])


@pytest.mark.skipif(not {"avx2", "fma"} <= cpu_flags(), reason="the pins apply to CPUs with AVX2 and FMA")
def test_a_kernel_set_by_the_user_is_kept():
    assert _probe({**_clean_env(), "TOMOTOPY_ISA": "sse2"}, "-c", PROBE)["isa"] == "sse2"


def test_the_command_line_runs_blas_on_one_thread():
    """``python -m research`` sets the default before numpy loads (here, numpy loads after the
    command has run: the thread count it then takes is the command's default)."""
    code = ("import json, runpy, sys\nsys.argv = ['research', '--version']\n"
            "try:\n    runpy.run_module('research', run_name='__main__', alter_sys=True)\nexcept SystemExit:\n    pass\n"
            "import numpy\nfrom threadpoolctl import threadpool_info\n"
            "print(json.dumps({'threads': [i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']}))\n")
    assert _probe(_clean_env(), "-c", code)["threads"] == [1]
    assert _probe(_clean_env(), "-c", "import json, numpy\nfrom threadpoolctl import threadpool_info\n"
                  "print(json.dumps({'threads': [i['num_threads'] for i in threadpool_info()]}))")["threads"] != [1] \
        or os.cpu_count() == 1
