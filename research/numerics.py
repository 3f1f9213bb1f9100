"""The same floats on any x86-64 machine with AVX2: the kernels that numeric libraries choose by
the CPU they run on, fixed before they load.

tomotopy, OpenBLAS (numpy's and scipy's BLAS and LAPACK) and numpy's own loops each carry
kernels for several instruction sets and take the widest the CPU offers.  On a CPU with AVX-512
they take others than on one with AVX2 only, and their floats differ: tomotopy's samplers then
draw other topics, the coordinates of ``ldavis.html`` move in their last digits, and numpy's
``exp`` and ``log`` differ in the last bit and its sorts order ties otherwise.  A study of the same
folder gave other bytes on another generation of machine.  Where the CPU has AVX2 and FMA, all
three are pinned to their AVX2 kernels (``reports/`` was made on such a machine).  Elsewhere (a
CPU without AVX2, another architecture) nothing is pinned, and some outputs may differ there.

:func:`pin_kernels` runs when ``research`` is imported; it sets defaults (a variable already set
is kept, so ``TOMOTOPY_ISA=avx512`` takes the faster sampler at the cost of other bytes) and
takes effect only if numpy and tomotopy are not loaded yet (a warning says so): import
``research`` before them.  ``python -m research`` and the notebooks do; :func:`as_shell` gives
the pins for a command to start with (``make test``: pytest's plugins load numpy before the tests
import ``research``).
"""

from __future__ import annotations

import os
import sys
import warnings

#: variable -> value, set where the CPU has AVX2 and FMA: tomotopy's and OpenBLAS's AVX2 kernels
AVX2_KERNELS = {"OPENBLAS_CORETYPE": "Haswell", "TOMOTOPY_ISA": "avx2"}
#: set where the CPU also has AVX-512: numpy's loops without their AVX-512 versions (the names of
#: numpy 2.4's AVX-512 targets; numpy ignores a name it does not know, so a test checks that none
#: is left on)
NO_AVX512 = {"NPY_DISABLE_CPU_FEATURES": "X86_V4,AVX512_ICL,AVX512_SPR"}
PINNED = (*AVX2_KERNELS, *NO_AVX512)


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


def pins_for(flags: frozenset[str]) -> dict[str, str]:
    """The variables :func:`pin_kernels` sets on a CPU with these flags."""
    if not {"avx2", "fma"} <= flags:
        return {}
    return {**AVX2_KERNELS, **(NO_AVX512 if "avx512f" in flags else {})}


def pin_kernels(flags: frozenset[str] | None = None) -> dict[str, str]:
    """Set :func:`pins_for` this CPU as defaults; return the pinned variables that hold."""
    new = {name: value for name, value in pins_for(cpu_flags() if flags is None else flags).items()
           if name not in os.environ}
    os.environ.update(new)
    loaded = [name for name in ("numpy", "tomotopy") if name in sys.modules]
    if new and loaded:
        warnings.warn(f"research was imported after {' and '.join(loaded)}: its kernels are not pinned in this "
                      "process (research/numerics.py), so some floats may differ from other machines'; "
                      "import research first", RuntimeWarning, stacklevel=2)
    return {name: os.environ[name] for name in PINNED if name in os.environ}


def one_blas_thread():
    """A context in which numpy's BLAS runs on one thread (fits: no reduction order that depends
    on the machine's number of cores, and on problems this small more threads only cost)."""
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1, user_api="blas")


def one_blas_thread_by_default() -> None:
    """Run OpenBLAS on one thread in this process and the processes it starts (a default, as
    above; before numpy loads).  The commands parallelise by processes (``--jobs``); a BLAS
    thread would only take a core from them: OpenBLAS's second thread spins for a while once
    numpy loads."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")


def as_shell() -> str:
    """This CPU's pins as shell words ``NAME=value`` (for ``env``)."""
    import shlex

    return " ".join(shlex.quote(f"{name}={value}") for name, value in pins_for(cpu_flags()).items())
