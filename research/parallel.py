"""Where independent pieces of work run: here, in local processes, or on a Dask cluster.

:func:`map_ordered` is the project's one parallel map (documents in the corpus stage and in
``classify``, chunks of units in the labels stage, sampling chains of the topic models):
results come back in input order, with a bounded number of items in flight, so memory stays
flat in the number of items whatever the back end.  :func:`cluster` opens a Dask client for
``--dask ADDRESS`` ("local": a local cluster of single-threaded worker processes).

Local processes are this one and ``jobs - 1`` workers forked where the platform allows, so what
the parent loaded before the map (the classifier, a tokenizer) is shared with the workers instead
of loaded again; the parent computes items too instead of idling as a dispatcher.  Work that
releases the GIL (tomotopy's Gibbs sampling) runs in ``threads`` instead: nothing is forked or
pickled, so memory does not grow with the number of workers.
"""

from __future__ import annotations

import contextlib
import functools
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
    ``jobs`` local processes (this one and ``jobs - 1`` forked workers; ``threads``: threads of
    this process, for work that releases the GIL) with at most ``window`` (default ``4 * jobs``;
    ``2 * jobs`` for threads) waiting or in flight; else here, one after
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
    elif jobs > 1 and not _in_worker():
        yield from _pool_map(func, items, jobs, window or 4 * jobs, total, desc)
    else:  # one process (a worker's own maps run here: a pool's workers cannot fork workers)
        for item in progress(items, total=total, desc=desc):
            yield func(item)


def _in_worker() -> bool:
    import multiprocessing as mp

    return bool(mp.current_process().daemon)


def _windowed(submit: Callable, result: Callable, items: Iterable, window: int, total, desc) -> Iterator:
    pending: deque = deque()
    for item in progress(items, total=total, desc=desc):
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _pool_map(func: Callable, items: Iterable, jobs: int, window: int, total, desc) -> Iterator:
    """``jobs - 1`` forked workers and this process: each worker takes the first item no one has
    taken as soon as it is free, and this process computes the others (the next one untaken
    whenever the item due next is still being computed elsewhere) instead of idling as a
    dispatcher; so one fork fewer, and no pickling of the results this process computed."""
    import gc
    import multiprocessing as mp
    import threading

    # two items per worker at first, so that one waits in its pipe while it computes the other (the
    # threads that hand it the next item need the GIL, which this process holds while it computes);
    # one each when there are too few items to keep this process busy too (two long items: one
    # here, one in the worker)
    lock, pending, idle = threading.Lock(), deque(), [0]
    first = True
    stopped = threading.Event()

    def take() -> _Slot | None:
        with lock:
            slot = next((s for s in pending if s.state == _Slot.NEW), None)
            if slot is not None:
                slot.state = _Slot.TAKEN
            return slot

    def send(pool, slot: _Slot | None) -> None:
        if slot is None:
            with lock:
                idle[0] += 1
            return
        finish = functools.partial(_finish, slot, lambda: None if stopped.is_set() else send(pool, take()))
        try:
            pool.apply_async(func, (slot.item,), callback=finish, error_callback=functools.partial(finish, failed=True))
        except ValueError:  # the pool is closing (an error, or the consumer stopped early)
            pass

    method = "fork" if "fork" in mp.get_all_start_methods() else "spawn"
    _release_memory()
    gc.freeze()  # forked workers share the parent's objects instead of copying them on write
    source = iter(progress(items, total=total, desc=desc))
    try:
        with mp.get_context(method).Pool(jobs - 1) as pool:
            workers = list(pool._pool)  # the pool's processes, to notice one the system ends (no callback comes)
            while True:
                with lock:
                    while len(pending) < window and (item := next(source, _END)) is not _END:
                        pending.append(_Slot(item))
                    if first:
                        idle[0] = (jobs - 1) * (2 if len(pending) >= 2 * jobs else 1)
                        first = False
                    free, idle[0] = idle[0], 0
                for _ in range(free):
                    send(pool, take())
                if not pending:
                    break
                head = pending[0]
                while not head.done.is_set() and (slot := take()):  # the head itself when no one took it
                    _finish(slot, lambda: None, func(slot.item))
                while not head.done.wait(0.5):
                    _check_alive(workers)
                with lock:
                    pending.popleft()
                if head.failed:
                    raise head.value
                yield head.value
    finally:
        stopped.set()
        gc.unfreeze()


_END = object()


def _check_alive(workers: list) -> None:
    """Raise if a worker process has ended: what it held would never come back."""
    ended = next((w for w in workers if w.exitcode is not None), None)
    if ended is not None:
        from research.errors import ResearchError

        raise ResearchError(f"a worker process ended unexpectedly (exit code {ended.exitcode}; out of memory?); "
                            "run again with --jobs 1 or on a machine with more memory")


def _release_memory() -> None:
    """Collect garbage and hand the freed heap back to the system (glibc's ``malloc_trim``), so
    that what an earlier step freed is neither held by this process nor copied into a worker."""
    import ctypes
    import gc

    gc.collect()
    try:
        ctypes.CDLL(None).malloc_trim(0)
    except (OSError, AttributeError):  # not glibc
        pass


class _Slot:
    """One item of :func:`_pool_map`: untaken, or taken by a worker or this process; its result
    once done."""

    NEW, TAKEN = 0, 1
    __slots__ = ("item", "state", "value", "failed", "done")

    def __init__(self, item):
        import threading

        self.item, self.state, self.value, self.failed, self.done = item, _Slot.NEW, None, False, threading.Event()


def _finish(slot: _Slot, then: Callable, value, failed: bool = False) -> None:
    slot.item, slot.value, slot.failed = None, value, failed
    slot.done.set()
    then()
