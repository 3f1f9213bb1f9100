"""The same floats on any x86-64 machine with AVX2: the kernels that numeric libraries choose by
the CPU they run on, fixed before they load.

tomotopy and OpenBLAS (numpy's and scipy's BLAS and LAPACK) each carry kernels for several
instruction sets and take the widest the CPU offers.  On a CPU with AVX-512 they take others
than on one with AVX2 only, and their floats differ: tomotopy's samplers then draw other topics,
and the coordinates of ``ldavis.html`` move in their last digits.  A study of the same folder
gave other bytes on another generation of machine.  Where the CPU has AVX2 and FMA, both are
pinned to their AVX2 kernels (``reports/`` was made on such a machine).  Elsewhere (a CPU
without AVX2, another architecture) nothing is pinned, and some outputs may differ there.

:func:`pin_kernels` runs when ``research`` is imported; it sets defaults (a variable already
set is kept, so ``TOMOTOPY_ISA=avx512`` takes the faster kernels at the cost of other bytes)
and takes effect only if numpy and tomotopy are not loaded yet: import ``research`` before
them.  ``python -m research`` and the notebooks it runs always do.
"""

from __future__ import annotations

import os

#: variable -> value, set where the CPU has AVX2 and FMA
AVX2_KERNELS = {"OPENBLAS_CORETYPE": "Haswell", "TOMOTOPY_ISA": "avx2"}


def cpu_flags() -> frozenset[str]:
    """The instruction-set flags of this machine's CPU (Linux; empty elsewhere)."""
    try:
        with open("/proc/cpuinfo", encoding="ascii", errors="replace") as f:
            for line in f:
                if line.startswith("flags"):
                    return frozenset(line.partition(":")[2].split())
    except OSError:
        pass
    return frozenset()


def pin_kernels(flags: frozenset[str] | None = None) -> dict[str, str]:
    """Set :data:`AVX2_KERNELS` as defaults where the CPU has AVX2 and FMA; return what holds."""
    if {"avx2", "fma"} <= (cpu_flags() if flags is None else flags):
        for name, value in AVX2_KERNELS.items():
            os.environ.setdefault(name, value)
    return {name: os.environ[name] for name in AVX2_KERNELS if name in os.environ}


def one_blas_thread() -> None:
    """Run OpenBLAS on one thread in this process and the processes it starts (a default, as
    above).  The commands parallelise by processes (``--jobs``); a BLAS thread would only take a
    core from them: OpenBLAS's threads spin for a while after numpy loads and after each call, so
    labelling a batch in two processes took 0.1 s longer with them."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
