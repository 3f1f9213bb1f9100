"""Progress bars that show on a terminal and stay quiet elsewhere (CI, pipes, notebooks' logs)."""

from __future__ import annotations

import sys


def progress(iterable, total: int | None = None, desc: str = "", **kwargs):
    """``tqdm`` over ``iterable`` when stderr is a terminal; the iterable itself otherwise."""
    if not sys.stderr.isatty():
        return iterable
    from tqdm import tqdm  # (imported only for a terminal: start-up)

    return tqdm(iterable, total=total, desc=desc, leave=False, **kwargs)
