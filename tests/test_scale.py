"""Issue #24 at scale, on real inputs: topic models fitted on every unit of a collection larger
than the diagnostics sample, and the benchmark's collections of distinct documents."""

from __future__ import annotations

import json
import sys

import pandas as pd

from research import paths


def test_large_collection_publishes_topics_fitted_on_every_unit(tmp_path, units):
    from research.annotations.check import reference_labels
    from research.topics.model import fit_topic_model

    gold = reference_labels(units)  # gold, front matter other
    for seeded in (False, True):
        out = tmp_path / ("seeded" if seeded else "unseeded")
        summary = fit_topic_model(units, out, seeded=seeded, labels=gold, jobs=2, grid=(4, 6), sample=150)
        assert summary["units"] == len(units) and "sample of 150 units" in summary["sample"]
        doc_topics = pd.read_csv(out / "doc_topics.csv", dtype={"unit_id": str})
        assert list(doc_topics.unit_id) == list(units.unit_id.astype(str))  # every unit has its topics
        assert len(pd.read_csv(out / "unit_areas.csv")) == len(units)
        evaluation = pd.read_csv(out / "evaluation.csv")
        if seeded:
            assert summary["chains"] == [11, 23]
        else:
            assert summary["stability"]["measured_on"] == "a sample of 150 units"
            assert "a sample of 150 units" in evaluation.engine.iloc[1]
            k_table = pd.read_csv(out / "k_selection.csv")
            assert list(k_table.k) == [4, 6] and summary["k"] in (4, 6)
    # below the sample size nothing is sampled
    small = fit_topic_model(units, tmp_path / "small", seeded=False, k=4, jobs=2, grid=(4,), sample=len(units))
    assert "sample" not in small and small["runs"] == 20


def test_benchmark_collections_are_distinct_documents_and_repeat(tmp_path):
    sys.path.insert(0, str(paths.ROOT / "benchmarks"))
    from collection import write_collection

    a = write_collection(tmp_path / "a", documents=6)
    b = write_collection(tmp_path / "b", documents=6)
    assert a == b and a["files"] == 6
    texts = [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "a").iterdir())]
    assert texts == [p.read_text(encoding="utf-8") for p in sorted((tmp_path / "b").iterdir())]
    assert len(set(texts)) == 6
    paragraphs = [line for text in texts for line in text.splitlines()[2:] if len(line) > 60]
    assert len(set(paragraphs)) == len(paragraphs)  # no paragraph repeats
    seeds = {line for p in paths.SEEDS.glob("*.txt") for line in p.read_text(encoding="utf-8").splitlines()}
    assert not set(paragraphs) & seeds  # recombined, not copied
    assert json.dumps(a)


def test_a_chain_with_a_tolerance_stops_its_burn_in_once_settled():
    import numpy as np

    from research.topics.tomotopy_lda import CHECK_EVERY, Chain, burn_in, fit_chain, tomotopy

    rng = np.random.default_rng(5)
    words = [[f"a{i}" for i in range(30)], [f"b{i}" for i in range(30)]]
    docs = [list(rng.choice(words[d % 2], 20)) for d in range(300)]

    def ran(chain):
        model = tomotopy().LDAModel(k=2, seed=3)
        for doc in docs:
            model.add_doc(doc)
        return burn_in(model, chain)

    assert ran(Chain(burn=400)) == 400
    stopped = ran(Chain(burn=400, tol=1e-2))
    assert stopped < 400 and stopped % CHECK_EVERY == 0
    vocab = sorted({w for d in docs for w in d})
    first, again = (fit_chain(docs, vocab, 2, 3, Chain(burn=400, tol=1e-2)) for _ in range(2))
    assert all(np.array_equal(a, b) for a, b in zip(first, again))  # the early stop repeats exactly
