"""Classifying a corpus too large for one machine: a Dask bag over files.

Each document goes through the same per-document function as ``python -m research
classify`` (:func:`research.classify.apply.label_document`), so the rows are identical to the
single-machine path; only the scheduling differs.

>>> from dask.distributed import Client
>>> client = Client("tcp://scheduler:8786")          # or Client() for a local cluster
>>> rows = classify_bag(["plans/"]).compute()         # doctest: +SKIP
"""

from __future__ import annotations

from pathlib import Path

_MODELS: dict = {}


def _label(job, model_path):
    """Label one document on a worker; the model is loaded once per worker process."""
    from research.classify.apply import label_document
    from research.classify.model_io import load_model

    key = str(model_path)
    if key not in _MODELS:
        _MODELS[key] = load_model(model_path)
    path, doc_id = job
    labelled = label_document(Path(path), doc_id, _MODELS[key])
    if labelled.error:
        return [{"document": str(path), "doc_id": doc_id, "error": labelled.error}]
    return labelled.rows


def classify_bag(inputs: list[str | Path], model_path: str | None = None, npartitions: int | None = None):
    """A ``dask.bag`` of unit rows (one dict per unit; a skipped document gives one row with
    an ``error`` key).  Document ids are assigned as in the single-machine path."""
    import dask.bag as db

    from research.classify.apply import doc_id_for, find_documents

    taken: set[str] = set()
    jobs = [(str(p), doc_id_for(p, taken)) for p in find_documents(inputs)]
    bag = db.from_sequence(jobs, npartitions=npartitions or max(1, min(len(jobs), 64)))
    return bag.map(_label, model_path).flatten()


def classify_with_dask(inputs: list[str], out: str | None, model_path: str | None, address: str,
                       workers: int = 2) -> int:
    """``classify --dask``: label on a cluster (``address``, or "local" for a local cluster of
    ``workers`` processes), write the rows to ``out`` (CSV); return the exit code as
    :func:`research.classify.apply.classify` does."""
    import sys

    import pandas as pd
    from dask.distributed import Client, LocalCluster

    from research.atomic import write_csv
    from research.classify.apply import EXIT_SKIPPED
    from research.classify.model_io import load_model
    from research.errors import ResearchError

    load_model(model_path)  # refuse a bad model before starting a cluster
    if not out or not out.endswith(".csv"):
        raise ResearchError("--dask needs --out FILE.csv")
    if address == "local":
        with LocalCluster(n_workers=workers, threads_per_worker=1) as cluster, Client(cluster):
            rows = classify_bag(inputs, model_path).compute()
    else:
        with Client(address):
            rows = classify_bag(inputs, model_path).compute()
    errors = [r["error"] for r in rows if "error" in r]
    for message in errors:
        print(f"error: {message} (skipped)", file=sys.stderr)
    good = pd.DataFrame([r for r in rows if "error" not in r])
    if good.empty:
        raise ResearchError("no document could be labelled")
    write_csv(out, good)
    print(f"wrote {len(good)} units of {good.document.nunique()} documents to {out}")
    return EXIT_SKIPPED if errors else 0
