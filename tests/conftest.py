"""Shared fixtures: the corpus built once per test session from the real seeds."""

from __future__ import annotations

import pytest

from research import paths


@pytest.fixture(scope="session")
def corpus_dir(tmp_path_factory):
    from research.corpus.build import build_corpus

    out = tmp_path_factory.mktemp("corpus")
    build_corpus(paths.SEEDS, out)
    return out


@pytest.fixture(scope="session")
def units(corpus_dir):
    from research.corpus.build import load_units

    return load_units(corpus_dir / "units.csv")
