"""Does retraining give the committed models' predictions?  (``make reproduce`` runs this.)

The committed classifier files are written by an explicit step, ``make models``; floating-point
training is not byte-identical across BLAS builds and CPUs, so ``make reproduce`` does not
overwrite them.  It retrains into a temporary folder and compares, with this module:

* the leave-one-city-out predictions (``loco_predictions.csv``): the same label for every unit;
* each model file: the same label for every corpus unit (with its section path);
* the headline metrics in ``metrics.json`` at the precision the README reports (3 decimals);

and prints the largest probability difference.  Usage:
``python -m research.reproduce RETRAINED_MODELS_DIR [COMMITTED_MODELS_DIR] [--units FILE.csv]``
(units: the corpus units file, default ``data/corpus/units.csv``; it is read, never built);
exit code 1 when predictions differ.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pandas as pd

#: Largest probability difference still counted as the same model (labels must match exactly).
TOLERANCE = 0.01
HEADLINE = ("macro_f1", "accuracy", "top2_accuracy")


def compare_models(new: Path, old: Path, units: pd.DataFrame) -> list[str]:
    """Differences between two ``models/`` folders, as lines (empty: the same predictions);
    the model files are compared on ``units`` (the corpus units, with their section paths)."""
    from research.classify import compose, load_model

    problems, notes = [], []
    a = pd.read_csv(old / "loco_predictions.csv").set_index("unit_id")
    b = pd.read_csv(new / "loco_predictions.csv").set_index("unit_id")
    if sorted(a.index) != sorted(b.index):
        problems.append("loco_predictions.csv: different units")
    else:
        b = b.loc[a.index]
        differ = (a.predicted != b.predicted).sum()
        if differ:
            problems.append(f"loco_predictions.csv: {differ} unit(s) get another label")
        cols = [c for c in a.columns if c.startswith("p_")]
        notes.append(f"loco_predictions.csv: largest probability difference "
                     f"{np.abs(a[cols].to_numpy() - b[cols].to_numpy()).max():.4f}")

    metrics_a = json.loads((old / "metrics.json").read_text(encoding="utf-8"))
    metrics_b = json.loads((new / "metrics.json").read_text(encoding="utf-8"))
    for block in ("with_context", "without_context", "sentence_level"):
        for key in HEADLINE:
            va, vb = metrics_a.get(block, {}).get(key), metrics_b.get(block, {}).get(key)
            if va is not None and round(va, 3) != round(vb if vb is not None else np.nan, 3):
                problems.append(f"metrics.json: {block}.{key} {va:.3f} committed, {vb} retrained")

    inputs = [compose(t, p) for t, p in zip(units.text, units.section_path)]
    for name in sorted(p.name for p in old.glob("*.skops")):
        if not (new / name).exists():
            problems.append(f"{name}: not retrained")
            continue
        ma, mb = load_model(old / name), load_model(new / name)
        pa, pb = ma.predict_proba(inputs), mb.predict_proba(inputs)
        la, lb = ma.classes_[pa.argmax(axis=1)], mb.classes_[pb.argmax(axis=1)]
        differ = int((la != lb).sum())
        gap = float(np.abs(pa - pb).max())
        if differ or list(ma.classes_) != list(mb.classes_):
            problems.append(f"{name}: {differ} of {len(inputs)} corpus units get another label")
        elif gap > TOLERANCE:
            problems.append(f"{name}: probabilities differ by up to {gap:.4f} (tolerance {TOLERANCE})")
        notes.append(f"{name}: same label for {len(inputs) - differ} of {len(inputs)} corpus units, "
                     f"largest probability difference {gap:.2e}")
    for line in notes:
        print(line)
    return problems


def main(argv: list[str] | None = None) -> int:
    import argparse

    from research import paths
    from research.classify.labelled import corpus_units
    from research.errors import ResearchError

    parser = argparse.ArgumentParser(prog="python -m research.reproduce",
                                     description="Does retraining give the committed models' predictions?")
    parser.add_argument("new", type=Path, help="the retrained models/ folder")
    parser.add_argument("old", type=Path, nargs="?", default=paths.SHIPPED_MODELS,
                        help="the committed models/ folder (default: the checkout's)")
    parser.add_argument("--units", type=Path, default=paths.UNITS,
                        help="corpus units (default: data/corpus/units.csv; read, never built)")
    args = parser.parse_args(argv)
    new, old = args.new, args.old
    try:
        problems = compare_models(new, old, corpus_units(args.units))
    except ResearchError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    for line in problems:
        print(f"error: {line}", file=sys.stderr)
    if problems:
        print(f"error: retraining does not give the committed models' predictions; if the change is "
              f"intended, run 'make models' and commit {old}/", file=sys.stderr)
        return 1
    print(f"retrained models give the committed models' predictions ({old}/)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
