"""Where independent pieces of work run: here, in local processes, or on a Dask cluster.

:func:`map_ordered` is the project's one parallel map (documents in the corpus stage and in
``classify``, chunks of units in the labels stage, sampling chains of the topic models):
results come back in input order, with a bounded number of items in flight, so memory stays
flat in the number of items whatever the back end.  :func:`cluster` opens a Dask client for
``--dask ADDRESS`` ("local": a local cluster of single-threaded worker processes).

Local processes are forked where the platform allows, so what the parent loaded before the
map (the classifier, a tokenizer) is shared with the workers instead of loaded again.  Work that
releases the GIL (tomotopy's Gibbs sampling) runs in ``threads`` instead: nothing is forked or
pickled, so memory does not grow with the number of workers.
"""

from __future__ import annotations

import contextlib
from collections import deque
from collections.abc import Callable, Iterable, Iterator

from research.progress import progress


@contextlib.contextmanager
def cluster(address: str | None, workers: int = 2):
    """A ``dask.distributed.Client`` for ``address`` ("local": a local cluster of ``workers``
    single-threaded processes), or ``None`` when no address is given."""
    if not address:
        yield None
        return
    from dask.distributed import Client, LocalCluster

    if address == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1, dashboard_address=None,
                          processes=True) as local, Client(local) as client:
            yield client
    else:
        with Client(address) as client:
            yield client


def map_ordered(func: Callable, items: Iterable, jobs: int = 1, client=None, total: int | None = None,
                desc: str = "", window: int | None = None, threads: bool = False) -> Iterator:
    """``func(item)`` for each item, in input order.

    On ``client`` (a Dask client) at most ``window`` items (default 16) are in flight; else in
    ``jobs`` local processes (``threads``: threads of this process, for work that releases the
    GIL) with at most ``window`` (default ``2 * jobs``) handed out at once; else here, one after
    the other.  ``func`` and the items must be picklable for the first two.
    A progress bar shows on a terminal (``desc``).
    """
    if client is not None:
        yield from _windowed(lambda item: client.submit(func, item, pure=False), lambda f: f.result(),
                             items, window or 16, total, desc)
    elif jobs > 1 and threads:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(jobs) as pool:
            yield from _windowed(lambda item: pool.submit(func, item), lambda f: f.result(), items,
                                 window or 2 * jobs, total, desc)
    elif jobs > 1:
        yield from _pool_map(func, items, jobs, window or 2 * jobs, total, desc)
    else:
        for item in progress(items, total=total, desc=desc):
            yield func(item)


def _windowed(submit: Callable, result: Callable, items: Iterable, window: int, total, desc) -> Iterator:
    pending: deque = deque()
    for item in progress(items, total=total, desc=desc):
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _pool_map(func: Callable, items: Iterable, jobs: int, window: int, total, desc) -> Iterator:
    import gc
    import multiprocessing as mp

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    gc.freeze()  # forked workers share the parent's objects instead of copying them on write
    try:
        with mp.get_context(method).Pool(jobs) as pool:
            yield from _windowed(lambda item: pool.apply_async(func, (item,)), lambda r: r.get(),
                                 items, window, total, desc)
    finally:
        gc.unfreeze()
