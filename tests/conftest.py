"""Shared fixtures, and the rule that tests leave the checkout alone.

Before anything from ``research`` is imported, ``RESEARCH_WORKDIR`` is pointed at a fresh
temporary folder holding a copy of the shipped ``models/``: every derived output (``data/``,
``models/``, ``reports/``), in this process, in the CLI subprocesses the tests start and in
notebook kernels, lands there.  Read-only inputs (seeds, annotations, codebook) are still read
from the checkout.  At the end of the session the checkout is compared with its state at the
start (files outside ``.git``, ``.venv`` and caches, by size and modification time); any file
created, changed or removed fails the run.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest

_ROOT = Path(__file__).resolve().parents[1]
if "research.paths" in sys.modules:  # pragma: no cover - would defeat the isolation below
    raise RuntimeError("research was imported before tests/conftest.py could isolate it")
_WORKDIR = Path(tempfile.mkdtemp(prefix="research-tests-"))
if (_ROOT / "models").is_dir():
    shutil.copytree(_ROOT / "models", _WORKDIR / "models")
os.environ["RESEARCH_WORKDIR"] = str(_WORKDIR)
os.environ.setdefault("MPLBACKEND", "Agg")

from research import paths  # noqa: E402  (after RESEARCH_WORKDIR is set)

assert paths.WORKDIR == _WORKDIR.resolve(), "research.paths did not pick up RESEARCH_WORKDIR"

#: Folders and names that are caches or the environment, not the project's files.
_SKIP_DIRS = {".git", ".venv", "__pycache__", ".pytest_cache", ".hypothesis", ".ipynb_checkpoints",
              ".mypy_cache", ".ruff_cache"}
_checkout_changes: list[str] = []


def _snapshot(root: Path) -> dict[str, tuple[int, int]]:
    """Size and modification time of every project file under ``root``."""
    state = {}
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if d not in _SKIP_DIRS and not d.endswith(".egg-info")]
        for name in files:
            path = os.path.join(folder, name)
            try:
                st = os.lstat(path)
            except FileNotFoundError:
                continue
            state[os.path.relpath(path, root)] = (st.st_size, st.st_mtime_ns)
    return state


#: Tests in files other than this one's owner's that take more than about 20 s on 2 cores:
#: marked slow here so that one list holds them (a test may also carry ``@pytest.mark.slow``).
#: ``make test`` leaves them out, ``make test-all`` runs them.  Node ids without parameters.
SLOW_TESTS = {
    "tests/test_report.py::test_notebooks_run_top_to_bottom",
    # byte-for-byte reruns of the whole unseeded fit (make reproduce checks the same on every file)
    "tests/test_topics.py::test_unseeded_fit_repeats_byte_for_byte_and_reports_stability",
    # Dask gives the same rows: tests/test_classify_command.py checks it for classify in make test
    "tests/test_study.py::test_dask_runs_the_per_document_stages_with_the_same_result",
}


#: Tests that read the study of the seeds in the session's work folder (``reports/``) without
#: running it, e.g. by executing notebooks in a kernel: they get the ``seeds_study`` fixture, so
#: that they pass in any order.  (Better still: the test asks for ``seeds_study`` itself.)
NEEDS_SEEDS_STUDY = {
    "tests/test_report.py::test_notebooks_run_top_to_bottom",
}


def pytest_collection_modifyitems(config, items):
    for item in items:
        nodeid = item.nodeid.split("[", 1)[0]
        if nodeid in SLOW_TESTS:
            item.add_marker(pytest.mark.slow)
        if nodeid in NEEDS_SEEDS_STUDY and "seeds_study" not in item.fixturenames:
            item.fixturenames.append("seeds_study")


def pytest_sessionstart(session):
    session.config._checkout_before = _snapshot(_ROOT)


def pytest_sessionfinish(session, exitstatus):
    before = getattr(session.config, "_checkout_before", None)
    if before is None or os.environ.get("RESEARCH_ALLOW_CHECKOUT_WRITES") == "1":
        return
    after = _snapshot(_ROOT)
    changes = ([f"created {p}" for p in sorted(after.keys() - before.keys())]
               + [f"removed {p}" for p in sorted(before.keys() - after.keys())]
               + [f"changed {p}" for p in sorted(before.keys() & after.keys()) if before[p] != after[p]])
    if changes:
        _checkout_changes[:] = changes
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _checkout_changes:
        terminalreporter.section("tests wrote into the checkout", sep="=", red=True, bold=True)
        for line in _checkout_changes[:50]:
            terminalreporter.write_line(line)
        terminalreporter.write_line("(tests must write only into temporary folders; see tests/conftest.py)")


def pytest_unconfigure(config):
    shutil.rmtree(_WORKDIR, ignore_errors=True)


@pytest.fixture(scope="session")
def workdir() -> Path:
    """The temporary folder that stands in for the checkout's derived outputs this session."""
    return paths.WORKDIR


@pytest.fixture(scope="session")
def seeds_study(workdir) -> Path:
    """The study of seeds/ as ``make reproduce`` runs it (topics included, notebooks not), in the
    session's work folder's ``reports/``, where the notebooks read it by default."""
    from research.study import run_study

    run_study([paths.SEEDS], paths.REPORTS, meta=paths.MANIFEST, notebooks=False, echo=lambda *a: None)
    return paths.REPORTS


@pytest.fixture(scope="session")
def topics_dir(tmp_path_factory, units) -> Path:
    """An unseeded topic model of the seeds' units at a given K (no grid), with its pyLDAvis page."""
    from research.topics.model import fit_topic_model

    out = tmp_path_factory.mktemp("topics")
    fit_topic_model(units, out, seeded=False, k=6, jobs=2)
    return out


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    from research.corpus import build_corpus

    out = tmp_path_factory.mktemp("corpus")
    build_corpus(paths.SEEDS, out)
    return out


@pytest.fixture(scope="session")
def units(corpus_dir):
    from research.corpus import read_units

    return read_units(corpus_dir / "units.csv")
