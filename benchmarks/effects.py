"""Covariate effects (issue #23): recovery of known effects in simulated collections built from
the seeds' labelled units, and the time of the effects stage on 1,000 documents with 5
covariates.  Writes ``benchmarks/effects.json`` (quoted by the README, checked by
tests/test_readme.py) and prints it.  Timings are machine-dependent; the load average
(``/proc/loadavg``) before and after is recorded with them.

    .venv/bin/python benchmarks/effects.py [--collections 200]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def load() -> list[float]:
    return [float(v) for v in Path("/proc/loadavg").read_text().split()[:3]]


def scale(n_documents: int = 1000, n_units: int = 30) -> dict:
    """Time the effects stage (areas) on a simulated collection with 5 covariates."""
    import numpy as np
    import pandas as pd

    from research import codebook
    from research.effects import simulate as sim
    from research.study.effects import effects_stage

    rng = np.random.default_rng(sim.SEED)
    data, counts = sim.collection(n_documents, n_units, sim.base_shares(), rng)
    data = data.assign(region=rng.choice(["east", "central", "west"], n_documents),
                       year=rng.integers(2021, 2024, n_documents).astype(float)).drop(columns="placebo")
    codes = codebook.codes()
    doc_ids = [f"d{i:04d}" for i in range(n_documents)]
    labels = pd.DataFrame({"doc_id": np.repeat(doc_ids, n_units),
                           "label": [codes[j] for row in counts for j, n in enumerate(row) for _ in range(n)]})
    metadata = data.astype(str).assign(doc_id=doc_ids)
    formula = "~ region + pilot + gdp + year + placebo2"
    metadata["placebo2"] = rng.normal(size=n_documents).astype(str)
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        summary = effects_stage(formula, labels, metadata, Path(tmp) / "topics", Path(tmp), echo=lambda _: None)
        seconds = time.perf_counter() - start
    return {"documents": n_documents, "units_per_document": n_units, "formula": formula, "covariates": 5,
            "rows": summary["rows"], "seconds": round(seconds, 2)}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--collections", type=int, default=200)
    parser.add_argument("--out", default=str(ROOT / "benchmarks" / "effects.json"))
    args = parser.parse_args(argv)
    os.environ.setdefault("OMP_NUM_THREADS", "1")
    from research.effects.simulate import recovery

    before = load()
    start = time.perf_counter()
    result = {"recovery": recovery(args.collections), "recovery_seconds": None, "scale": None}
    result["recovery_seconds"] = round(time.perf_counter() - start, 1)
    result["scale"] = scale()
    result["load_average"] = {"before": before, "after": load(), "cpus": os.cpu_count()}
    text = json.dumps(result, indent=1) + "\n"
    Path(args.out).write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
