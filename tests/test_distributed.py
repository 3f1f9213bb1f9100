"""The Dask path gives the same rows as the single-machine path, on a local cluster."""

from __future__ import annotations

import pytest

from research import paths


def test_dask_bag_on_a_local_cluster_matches_classify(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    from research.classify.apply import labelled_documents
    from research.distributed import classify_bag

    files = [paths.SEEDS / "001_62568cd6752c2c84.txt", paths.SEEDS / "002_7e70c67e9bd8a98d.txt"]
    (tmp_path / "bad.txt").write_bytes(b"")
    inputs = [*map(str, files), str(tmp_path / "bad.txt")]
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster, distributed.Client(cluster):
        rows = classify_bag(inputs, "fast").compute()
    single = [row for doc in labelled_documents([*files, tmp_path / "bad.txt"], "fast") for row in doc.rows]
    good = [r for r in rows if "error" not in r]
    assert good == single
    assert [r["document"] for r in rows if "error" in r] == [str(tmp_path / "bad.txt")]
