"""research.parallel.map_ordered in local processes: this process works beside its forked
workers, results come back in input order, and an error of any item is raised."""

import os

import pytest

from research.parallel import map_ordered


def _square_where(x):
    return x * x, os.getpid()


def _fails_on_five(x):
    if x == 5:
        raise KeyError(x)
    return x


@pytest.mark.parametrize("jobs", [2, 3])
def test_results_come_in_order_and_this_process_takes_a_share(jobs):
    out = list(map_ordered(_square_where, range(60), jobs=jobs))
    assert [v for v, _ in out] == [x * x for x in range(60)]
    where = {pid for _, pid in out}
    assert os.getpid() in where  # the parent computes items instead of only dispatching them
    assert len(where) <= jobs


def test_two_items_in_two_processes_and_fewer_items_than_the_window():
    assert [v for v, _ in map_ordered(_square_where, [3, 4], jobs=2)] == [9, 16]
    assert list(map_ordered(_square_where, [], jobs=2)) == []


def _slow_where(x):
    import time

    time.sleep(0.5)
    return x, os.getpid()


@pytest.mark.parametrize("n", [2, 3])
def test_a_few_long_items_are_shared_with_this_process(n):
    """Fewer items than two per process (the study's two topic models, its two languages of
    figures): the worker is not handed them all while this process idles."""
    out = list(map_ordered(_slow_where, range(n), jobs=2))
    assert [v for v, _ in out] == list(range(n))
    assert os.getpid() in {pid for _, pid in out} and len({pid for _, pid in out}) == 2


def _inner_map(x):
    return os.getpid(), list(map_ordered(_square_where, range(x), jobs=2))


def test_a_map_inside_a_worker_runs_in_that_worker():
    out = list(map_ordered(_inner_map, [3, 4, 5], jobs=2))
    assert [[v for v, _ in inner] for _, inner in out] == [[0, 1, 4], [0, 1, 4, 9], [0, 1, 4, 9, 16]]
    in_worker = [(pid, {p for _, p in inner}) for pid, inner in out if pid != os.getpid()]
    assert in_worker and all(inner == {pid} for pid, inner in in_worker)  # a pool's worker forks no workers


PARENT = os.getpid()


def _dies_in_a_worker(x):
    if os.getpid() != PARENT:
        os._exit(9)  # as the system's out-of-memory killer would end it: no result, no error
    return x


def test_a_worker_the_system_ends_is_an_error_not_a_hang():
    from research.errors import ResearchError

    with pytest.raises(ResearchError, match="worker process ended unexpectedly"):
        list(map_ordered(_dies_in_a_worker, range(20), jobs=2))


def test_an_error_in_any_process_is_raised():
    with pytest.raises(KeyError):
        list(map_ordered(_fails_on_five, range(40), jobs=2))


def test_a_consumer_that_stops_early_leaves_no_worker_behind():
    import multiprocessing

    results = map_ordered(_square_where, range(100), jobs=2)
    assert next(results)[0] == 0
    results.close()
    assert not multiprocessing.active_children()


def _in_worker_only(x):
    if os.getpid() != PARENT and x % 2:
        raise ValueError(f"odd item {x}")
    return x


def test_an_error_in_a_worker_keeps_its_type_message_and_where_it_came_from():
    with pytest.raises(ValueError, match=r"odd item \d+") as raised:
        list(map_ordered(_in_worker_only, range(40), jobs=2))
    notes = "\n".join(getattr(raised.value, "__notes__", []))
    assert "in a worker process" in notes and "_in_worker_only" in notes


def test_items_and_results_larger_than_a_pipe_pass_both_ways_without_a_hang():
    """A chunk of units out and a frame back can each be megabytes: neither process may wait on
    a full pipe while the other waits on it (run in a child process with a time limit)."""
    import subprocess
    import sys

    code = ("import os\nfrom research.parallel import map_ordered\n"
            "def echo(s):\n    return s + str(os.getpid()) * 100_000\n"
            "items = [str(i) * 1_000_000 for i in range(12)]\n"
            "out = list(map_ordered(echo, items, jobs=2))\n"
            "assert [o[:len(i)] for o, i in zip(out, items)] == items\n"
            "print(len({o[-7:] for o in out}))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "2"  # both processes computed some


def _fails_here_from_five(x):
    if x >= 5 and os.getpid() == PARENT:
        raise KeyError(x)
    return x


def test_an_error_comes_in_its_items_turn_wherever_it_was_computed():
    """Every item before the first that fails is yielded, in order, then its error is raised
    (this process computes items ahead of the one due, so its errors must wait their turn)."""
    got = []
    with pytest.raises(KeyError) as raised:
        for x in map_ordered(_fails_here_from_five, range(40), jobs=2):
            got.append(x)
    assert len(got) >= 5 and got == list(range(len(got))) and raised.value.args == (len(got),)


class _BuiltOnlyInTheParent:
    def __init__(self, v):
        self.v = v

    def __reduce__(self):
        return _rebuild_in_the_parent, (self.v,)


def _rebuild_in_the_parent(v):
    if os.getpid() != PARENT:
        raise ValueError(f"cannot rebuild {v} here")
    return _BuiltOnlyInTheParent(v)


def test_an_item_a_worker_cannot_take_in_is_an_error_not_a_hang():
    with pytest.raises(RuntimeError, match="could not take in an item"):
        list(map_ordered(lambda x: x.v, [_BuiltOnlyInTheParent(i) for i in range(10)], jobs=2))


def test_one_item_is_computed_here_and_a_map_inside_an_item_here_forks_no_more():
    import multiprocessing

    assert [pid for _, pid in map_ordered(_square_where, [3], jobs=2)] == [os.getpid()]

    def inner(x):
        return os.getpid(), len(multiprocessing.active_children()), [v for v, _ in map_ordered(_square_where, range(x), jobs=2)]

    out = list(map_ordered(inner, [2, 3, 4, 5, 6], jobs=2))
    assert [values for _, _, values in out] == [[x * x for x in range(n)] for n in [2, 3, 4, 5, 6]]
    here = [children for pid, children, _ in out if pid == os.getpid()]
    assert here and all(children == 1 for children in here)  # the outer map's one worker, nothing more


def test_the_workers_end_when_their_parent_is_killed():
    import signal
    import subprocess
    import sys
    import time

    import psutil

    code = ("import os, time\nfrom research.parallel import map_ordered\n"
            "def nap(x):\n    time.sleep(30)\n    return x\n"
            "print(os.getpid(), flush=True)\nlist(map_ordered(nap, range(6), jobs=3))\n")
    parent = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        pid = int(parent.stdout.readline())
        deadline = time.monotonic() + 20
        while len(workers := psutil.Process(pid).children()) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert len(workers) == 2
        os.kill(pid, signal.SIGKILL)
        parent.wait(10)
        gone, alive = psutil.wait_procs(workers, timeout=10)
        assert not alive, f"workers left running: {alive}"
    finally:
        parent.kill()


def test_where_fork_is_unsafe_the_workers_are_spawned_and_give_the_same_results(monkeypatch, tmp_path):
    """On macOS workers are spawned (fresh interpreters that import what they need), not forked:
    a map and ``classify --jobs 2`` give what one process gives."""
    import io
    import sys

    from research import parallel, paths
    from research.classify.apply import classify

    assert parallel.start_method() == ("spawn" if sys.platform == "darwin" else "fork")
    monkeypatch.setattr(parallel, "start_method", lambda: "spawn")
    out = list(map_ordered(_square_where, range(20), jobs=2))
    assert [v for v, _ in out] == [x * x for x in range(20)] and len({pid for _, pid in out}) == 2
    with pytest.raises(KeyError):
        list(map_ordered(_fails_on_five, range(10), jobs=2))
    seeds = [str(p) for p in sorted(paths.SEEDS.glob("*.txt"))]
    assert classify(seeds, out=str(tmp_path / "spawned.csv"), jobs=2, stream=io.StringIO()) == 0
    monkeypatch.undo()
    assert classify(seeds, out=str(tmp_path / "here.csv"), jobs=1, stream=io.StringIO()) == 0
    assert (tmp_path / "spawned.csv").read_bytes() == (tmp_path / "here.csv").read_bytes()
    assert (tmp_path / "spawned.dropped.csv").read_bytes() == (tmp_path / "here.dropped.csv").read_bytes()
