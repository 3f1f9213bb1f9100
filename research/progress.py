"""Progress bars that show on a terminal and stay quiet elsewhere (CI, pipes, notebooks' logs)."""

from __future__ import annotations

import sys

from tqdm import tqdm


def progress(iterable, total: int | None = None, desc: str = "", **kwargs):
    """``tqdm`` over ``iterable`` when stderr is a terminal; the iterable itself otherwise."""
    if not sys.stderr.isatty():
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, **kwargs)
