"""Where independent pieces of work run: here, in local processes, or on a Dask cluster.

:func:`map_ordered` is the project's one parallel map (documents in the corpus stage and in
``classify``, chunks of units in the labels stage, sampling chains of the topic models):
results come back in input order, with a bounded number of items in flight, so memory stays
flat in the number of items whatever the back end.  :func:`cluster` opens a Dask client for
``--dask ADDRESS`` ("local": a local cluster of single-threaded worker processes).

Local processes are this one and ``jobs - 1`` workers, forked where that is safe
(:func:`start_method`), so that what the parent loaded before the map (the classifier, a
tokenizer) is shared with the workers instead of loaded again; the parent computes items too
instead of idling as a dispatcher.  Work that
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
    ``jobs`` local processes (this one and ``jobs - 1`` forked workers; ``threads``: threads of
    this process, for work that releases the GIL) with at most ``window`` (default ``4 * jobs``;
    ``2 * jobs`` for threads) waiting or in flight; else here, one after
    the other.  ``func`` and the items must be picklable for the first two.  A map that starts
    inside a worker, or while this process runs one in processes (an item's own map, say), runs
    where it is, one item after the other.  A progress bar shows on a terminal (``desc``).
    """
    if client is not None:
        yield from _windowed(lambda item: client.submit(func, item, pure=False), lambda f: f.result(),
                             items, window or 16, total, desc)
    elif jobs > 1 and threads:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(jobs) as pool:
            yield from _windowed(lambda item: pool.submit(func, item), lambda f: f.result(), items,
                                 window or 2 * jobs, total, desc)
    elif jobs > 1 and not _inside_a_map():
        yield from _pool_map(func, items, jobs, window or 4 * jobs, total, desc)
    else:  # one process (an item's own maps run where it runs: a pool's workers cannot fork workers)
        for item in progress(items, total=total, desc=desc):
            yield func(item)


def _inside_a_map() -> bool:
    """This process is a pool's worker (which cannot fork workers), or is running a map in
    processes already (an item it computes, or the consumer between items)."""
    import multiprocessing as mp

    return _mapping or bool(mp.current_process().daemon)


def _windowed(submit: Callable, result: Callable, items: Iterable, window: int, total, desc) -> Iterator:
    pending: deque = deque()
    for item in progress(items, total=total, desc=desc):
        pending.append(submit(item))
        if len(pending) >= window:
            yield result(pending.popleft())
    while pending:
        yield result(pending.popleft())


def _pool_map(func: Callable, items: Iterable, jobs: int, window: int, total, desc) -> Iterator:
    """``jobs - 1`` forked workers and this process, with no thread in this process: each worker
    holds up to two items (one waiting while it computes the other; one each when there are
    fewer than ``2 * jobs`` items, so that this process gets a share of a few long ones), and
    this process computes the first item no one has taken, then collects what the workers
    finished and hands each its next items; it waits only when every item due is in a worker.
    One fork fewer than a dispatcher and nothing this process computes is pickled; and no
    thread of this process competes for the GIL with the one that computes (as the threads of
    ``multiprocessing.Pool``, which this replaced, did to hand out and collect the items).  An
    error is raised when its item's turn comes, wherever it was computed."""
    import gc
    import multiprocessing as mp
    from multiprocessing.connection import wait

    global _mapping
    context = mp.get_context(start_method())
    source = iter(progress(items, total=total, desc=desc))
    untaken: deque = deque()  # (index, item) read from the source, not yet taken
    done: dict[int, tuple[bool, object]] = {}  # index -> (ok, result or exception)
    read = head = 0  # items read from the source; index of the next item to yield
    ended = False

    def fill() -> None:
        nonlocal read, ended
        while not ended and read - head < window:
            item = next(source, _END)
            if item is _END:
                ended = True
            else:
                untaken.append((read, item))
                read += 1

    fill()
    ahead = 2 if len(untaken) >= 2 * jobs else 1
    workers: list[_Worker] = []
    by_conn: dict = {}  # this process's end of a worker's pipe -> the worker

    def collect(timeout: float | None) -> None:
        """Receive what the workers finished (waiting up to ``timeout``) and refill them."""
        for conn in wait(list(by_conn), timeout):
            worker = by_conn[conn]
            try:
                index, ok, value = conn.recv()
            except (EOFError, OSError):
                raise _worker_ended(worker.process) from None
            if index is None:  # the worker could not take an item in
                raise value
            worker.held -= 1
            done[index] = (ok, value)
        for worker in workers:
            while worker.held < ahead and untaken:
                try:
                    worker.conn.send(untaken.popleft())
                except OSError:
                    raise _worker_ended(worker.process) from None
                worker.held += 1

    _release_memory()
    gc.freeze()  # forked workers share the parent's objects instead of copying them on write
    _mapping, clean = True, False
    try:
        for _ in range(min(jobs - 1, len(untaken) - 1)):  # (one item: computed here)
            mine, theirs = context.Pipe()
            process = context.Process(target=_serve, args=(func, theirs), daemon=True)
            process.start()
            theirs.close()
            workers.append(_Worker(process, mine))
            by_conn[mine] = workers[-1]
        collect(0)
        while head < read or not ended:
            if head not in done:
                if untaken:  # compute the next untaken item here (the head itself when no one took it)
                    index, item = untaken.popleft()
                    try:
                        done[index] = (True, func(item))
                    except Exception as e:
                        done[index] = (False, e)
                    collect(0)
                else:
                    collect(0.5)
                continue
            ok, value = done.pop(head)
            head += 1
            fill()
            collect(0)
            if not ok:
                raise value
            yield value
        clean = True
    finally:
        for worker in workers:
            worker.stop(clean)
        _mapping = False
        gc.unfreeze()


def start_method() -> str:
    """How local workers start: forked where that is safe, so that they share what this process
    loaded; spawned (a fresh interpreter that imports what it needs) on macOS, whose system
    libraries may run threads that a forked child cannot use (Python's documentation calls fork
    unsafe there), and where there is no fork."""
    import multiprocessing as mp
    import sys

    return "fork" if sys.platform != "darwin" and "fork" in mp.get_all_start_methods() else "spawn"


_END = object()
_mapping = False  #: this process is running a map in processes (an item's own maps run here)


def _serve(func: Callable, conn) -> None:
    """A worker's loop: compute each ``(index, item)`` received, send back ``(index, ok, value)``.
    A thread receives items and another sends results, so the parent is not kept waiting on a
    full pipe while this process computes; the receiving thread ends this process if the parent
    has ended (no one would read its results)."""
    import os
    import queue
    import signal
    import threading
    import traceback
    from multiprocessing import parent_process
    from multiprocessing.connection import wait

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle: it ends the workers
    inbox, outbox = queue.SimpleQueue(), queue.SimpleQueue()
    parent = parent_process()
    watched = [conn, parent.sentinel] if parent is not None else [conn]

    def receive() -> None:
        try:
            while True:
                if conn not in wait(watched):  # only the parent's sentinel: the parent has ended
                    os._exit(1)
                if (message := conn.recv()) is None:
                    break
                inbox.put(message)
        except (EOFError, OSError):  # the parent has ended
            os._exit(1)
        except Exception as e:  # an item that cannot be unpickled here
            outbox.put((None, False, RuntimeError(f"a worker could not take in an item: {e!r}")))
        inbox.put(None)

    def send() -> None:
        while (out := outbox.get()) is not None:
            try:
                conn.send_bytes(_pickled(out))
            except OSError:  # the parent has ended
                return

    threads = [threading.Thread(target=receive, daemon=True), threading.Thread(target=send, daemon=True)]
    for thread in threads:
        thread.start()
    try:
        while (message := inbox.get()) is not None:
            index, item = message
            try:
                out = (index, True, func(item))
            except Exception as e:
                e.add_note("in a worker process:\n" + traceback.format_exc())
                out = (index, False, e)
            outbox.put(out)
    finally:  # (a func that exits the process: the parent sees it end)
        outbox.put(None)
        threads[1].join()


def _pickled(out: tuple):
    """``(index, ok, value)`` pickled for the parent (``Connection.recv`` reads it); a result or
    error that cannot be pickled, or an error that cannot be rebuilt from its pickle, becomes a
    ``RuntimeError`` that names it (and keeps the error's traceback)."""
    import pickle
    from multiprocessing.reduction import ForkingPickler

    try:
        data = ForkingPickler.dumps(out)
        if not out[1]:
            pickle.loads(data)
        return data
    except Exception as e:
        value = out[2]
        what = (f"{type(value).__qualname__}: {value}\n" + "\n".join(getattr(value, "__notes__", []))
                if not out[1] else f"a result of type {type(value).__qualname__}")
        return ForkingPickler.dumps((out[0], False, RuntimeError(f"{what} (could not be sent from the worker: {e!r})")))


class _Worker:
    """A worker process of :func:`_pool_map`, this process's end of its pipe and how many items
    it holds."""

    def __init__(self, process, conn):
        self.process, self.conn, self.held = process, conn, 0

    def stop(self, clean: bool) -> None:
        """End the worker: told to stop once it has nothing left (``clean``; ended if it has not
        within 5 s, say for a thread it left running), else at once."""
        if clean:
            try:
                self.conn.send(None)
                self.process.join(5)
            except OSError:
                pass
        if self.process.is_alive():
            self.process.terminate()
        self.process.join()
        self.conn.close()


def _worker_ended(process) -> Exception:
    """The error for a worker process that has ended: what it held would never come back."""
    from research.errors import ResearchError

    process.join(1)
    return ResearchError(f"a worker process ended unexpectedly (exit code {process.exitcode}; out of memory?); "
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
