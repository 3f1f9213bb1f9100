"""Atomic file output: write to a temporary file beside the target, then rename."""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path


@contextlib.contextmanager
def atomic_path(target: str | os.PathLike):
    """Yield a temporary path; on success it replaces ``target``, on error it is removed."""
    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        os.close(fd)
        yield Path(tmp)
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(tmp, 0o666 & ~umask)  # mkstemp makes 0600; give the usual mode
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def write_text(target, text: str) -> None:
    """Write ``text`` (UTF-8, ``\\n`` newlines) to ``target`` atomically."""
    with atomic_path(target) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")


#: Significant digits kept in every float written by :func:`write_csv`: committed tables then
#: change only when a result changes, not when a BLAS build moves the last bits of a float.
SIGNIFICANT_DIGITS = 4


def round_significant(values, digits: int = SIGNIFICANT_DIGITS):
    """Round floats (a number or an array) to ``digits`` significant digits; NaN and inf pass."""
    import numpy as np

    x = np.asarray(values, dtype=float)
    finite = np.isfinite(x) & (x != 0)
    decimals = np.zeros(x.shape, dtype=int)
    decimals[finite] = digits - 1 - np.floor(np.log10(np.abs(x[finite]))).astype(int)
    out = x.copy()
    for d in np.unique(decimals[finite]):
        mask = finite & (decimals == d)
        out[mask] = np.round(x[mask], int(d))
    out[out == 0] = 0.0  # no "-0.0"
    return out if out.ndim else float(out)


def rounded(frame, digits: int = SIGNIFICANT_DIGITS):
    """A copy of a DataFrame with its float columns rounded to ``digits`` significant digits:
    what :func:`write_csv` writes, so that LaTeX tables and figures can be drawn from the same
    numbers as the CSV."""
    floats = [c for c in frame.columns if frame[c].dtype.kind == "f"]
    if not floats:
        return frame
    frame = frame.copy()
    for column in floats:
        frame[column] = round_significant(frame[column].astype(float).to_numpy(), digits)
    return frame


def write_csv(target, frame, digits: int | None = SIGNIFICANT_DIGITS):
    """Write a pandas DataFrame as UTF-8 CSV atomically, without the index; float columns are
    rounded to ``digits`` significant digits (``None`` keeps them as they are).  Returns the
    frame as written."""
    if digits is not None:
        frame = rounded(frame, digits)
    with atomic_path(target) as tmp:
        frame.to_csv(tmp, index=False, encoding="utf-8", lineterminator="\n")
    return frame


@contextlib.contextmanager
def atomic_dir(target: str | os.PathLike):
    """Yield a fresh temporary folder beside ``target``; on success it replaces ``target``
    (entries of the old folder that the new one lacks are carried over), on any error or
    interruption it is removed and ``target`` is left exactly as it was."""
    import shutil

    target = Path(target)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        yield tmp
        if target.exists():
            for entry in target.iterdir():
                if not (tmp / entry.name).exists() and not entry.name.startswith("."):
                    if entry.is_dir():
                        shutil.copytree(entry, tmp / entry.name)
                    else:
                        shutil.copy2(entry, tmp / entry.name)
        os.chmod(tmp, 0o755)
        backup = target.parent / f".{target.name}.old"
        shutil.rmtree(backup, ignore_errors=True)
        if target.exists():
            os.replace(target, backup)
        os.replace(tmp, target)
        shutil.rmtree(backup, ignore_errors=True)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
