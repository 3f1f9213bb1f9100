"""Where per-document work runs: in this process, or on a Dask cluster (``--dask ADDRESS``,
"local" for a local cluster).  Results come back in input order, a bounded window at a
time, so memory stays flat in the number of documents either way."""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from research.progress import progress


@contextlib.contextmanager
def dask_client(address: str | None, workers: int = 2):
    """A ``dask.distributed.Client`` for ``address`` ("local": a local cluster of ``workers``
    single-threaded processes), or ``None`` when no address is given."""
    if not address:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if address == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None) as cluster, \
                Client(cluster) as client:
            yield client
    else:
        with Client(address) as client:
            yield client


def map_ordered(func: Callable, items: Iterable, client=None, total: int | None = None,
                desc: str = "", window: int = 16, jobs: int = 1) -> Iterator:
    """``func(item)`` for each item, in order: on ``client`` (a Dask client) with at most
    ``window`` items in flight, else in ``jobs`` local processes (forked, so what the parent
    loaded, e.g. the model, is shared), else here."""
    if client is None and jobs > 1:
        yield from _pool_map(func, items, jobs, total, desc)
        return
    if client is None:
        for item in progress(items, total=total, desc=desc):
            yield func(item)
        return
    pending: deque = deque()
    for item in progress(items, total=total, desc=desc):
        pending.append(client.submit(func, item, pure=False))
        if len(pending) >= window:
            yield pending.popleft().result()
    while pending:
        yield pending.popleft().result()


def _pool_map(func: Callable, items: Iterable, jobs: int, total: int | None, desc: str) -> Iterator:
    """In order, with at most ``2 * jobs`` items handed out at once (``Pool.imap`` would read
    the whole input ahead)."""
    import gc
    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    gc.freeze()  # forked workers share the parent's objects instead of copying them on write
    try:
        with mp.get_context(method).Pool(jobs) as pool:
            pending: deque = deque()
            for item in progress(items, total=total, desc=desc):
                pending.append(pool.apply_async(func, (item,)))
                if len(pending) >= 2 * jobs:
                    yield pending.popleft().get()
            while pending:
                yield pending.popleft().get()
    finally:
        gc.unfreeze()
