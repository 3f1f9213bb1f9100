"""Stage ``validate evaluate``: the classifier against the adjudicated random sample, and the
study's shares corrected for the error measured there.

Inputs: the study folder (``labels.csv``: the classifier's label and probabilities of every
unit, ``metadata.csv``, ``study.json`` for the grouping), ``sample.csv`` (``validate sample``,
strategy ``random``) and the adjudicated labels (``adjudication.csv`` of ``validate agreement``
with ``label`` filled, or any ``unit_id, label`` file).  Outputs, in ``out``:

- ``accuracy.csv``: accuracy and macro-F1 weighted by the inverse inclusion probabilities, with
  95% intervals from resampling the sample within its strata (:func:`research.stats.weighted_scores`);
- ``per_code.csv``: weighted precision and recall per code, with intervals, and the support;
- ``confusion.csv`` (true codes in rows, unweighted counts) and ``calibration.csv``;
- ``corrected_shares.csv``: per group and area the uncorrected shares (labels counted, and
  probabilities averaged) beside the corrected share and its interval
  (:mod:`research.validate.correct`; ``calibrated`` and ``hierarchical`` also read the labelling model's
  ``loco_predictions.csv``); units of the sample count with their human label;
- ``evaluation.json``: the summary the report page and the notebooks read.
"""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd

from research import codebook, paths, stats
from research.atomic import write_csv, write_text
from research.errors import InputError
from research.validate import REFERENCE_METHODS, correct
from research.validate.design import PROBA, read_loco, read_sample


def read_adjudicated(path: str | Path, sample: pd.DataFrame) -> pd.Series:
    """unit_id -> label for every unit of ``sample`` (an error names what is missing)."""
    from research.study.labels import read_human_labels

    labels = pd.Series(read_human_labels(Path(path)))
    outside = labels.index.difference(sample.unit_id)
    if len(outside):
        raise InputError(f"{path}: {len(outside)} labelled unit(s) are not in the sample, e.g. {outside[0]}")
    missing = sample.unit_id[~sample.unit_id.isin(labels.index)]
    if len(missing):
        raise InputError(f"{path}: {len(missing)} sampled unit(s) have no label, e.g. {missing.iloc[0]} "
                         f"(adjudicate every disagreement)")
    return labels


def study_frame(study: Path) -> tuple[pd.DataFrame, str]:
    """The study's labels of the units the classifier labels (not front matter) with their
    group, and the grouping."""
    from research.classify.label import STRUCTURE_SOURCE
    from research.study.emphasis import with_groups
    from research.study.labels import load_labels

    summary = json.loads((study / "study.json").read_text(encoding="utf-8")) if (study / "study.json").exists() else {}
    by = summary.get("by", "city")
    metadata = pd.read_csv(study / "metadata.csv", dtype=str, keep_default_na=False)
    labels = load_labels(study / "labels.csv")
    labels = labels[labels.label_source != STRUCTURE_SOURCE]  # front matter: labelled by structure, not validated
    return with_groups(labels.reset_index(drop=True), metadata, by), by


def evaluate_stage(study: str | Path, sample_csv: str | Path, labels_csv: str | Path, out: str | Path,
                   method: str = correct.DEFAULT, n_draws: int = stats.N_DRAWS, model: str | Path = paths.MODELS) -> dict:
    """Write the evaluation (module docstring) into ``out``; return ``evaluation.json``'s content.
    ``model``: the folder of the model that labelled the study, whose held-out predictions
    (``loco_predictions.csv``) ``calibrated`` and ``hierarchical`` use with the sample."""
    from research.classify.evaluate import calibration

    study, out = Path(study), Path(out)
    reference = (correct.reference_predictions(read_loco(Path(model) / "loco_predictions.csv"))
                 if method in REFERENCE_METHODS else None)
    sample = read_sample(sample_csv)
    strategies = set(sample.strategy)
    if strategies != {"random"}:
        raise InputError(f"{sample_csv}: drawn by {', '.join(sorted(strategies))}, not a probability sample; "
                         f"estimate from a sample drawn with --strategy random")
    truth = read_adjudicated(labels_csv, sample)
    units, by = study_frame(study)
    missing = sample.unit_id[~sample.unit_id.isin(units.unit_id)]
    if len(missing):
        raise InputError(f"{sample_csv}: unit {missing.iloc[0]} is not in {study / 'labels.csv'} (another study?)")
    codes = codebook.codes()
    index = {c: i for i, c in enumerate(codes)}
    drawn = sample.merge(units, on=["unit_id", "doc_id"], how="left")
    y = truth[drawn.unit_id].to_numpy(dtype=object)
    pred = drawn.classifier_label.to_numpy(dtype=object)
    proba = drawn[PROBA].to_numpy(dtype=float)
    weights = 1 / drawn.inclusion_probability.to_numpy(dtype=float)
    scores = stats.weighted_scores(y, pred, codes, weights, drawn.stratum, n_draws=n_draws)
    out.mkdir(parents=True, exist_ok=True)
    write_csv(out / "accuracy.csv", pd.DataFrame([{"measure": k, **scores[k]} for k in ("accuracy", "macro_f1")]))
    support = pd.Series(y).value_counts()
    write_csv(out / "per_code.csv", pd.DataFrame([
        {"code": c, "support": int(support.get(c, 0)), "predicted": int((pred == c).sum()),
         **{f"{m}{s}": scores[m][c][k] for m in ("precision", "recall")
            for s, k in (("", "value"), ("_low", "ci_low"), ("_high", "ci_high"))}} for c in codes]))
    write_csv(out / "confusion.csv", pd.crosstab(pd.Categorical(y, codes), pd.Categorical(pred, codes), dropna=False)
              .rename_axis(index="true", columns=None).reset_index())
    cal = calibration(proba, y)
    write_csv(out / "calibration.csv", pd.DataFrame(cal["bins"]).assign(ece=cal["ece"]))

    rest = units[~units.unit_id.isin(sample.unit_id)].reset_index(drop=True)
    names = sorted(units.group.unique(), key=str)
    result = correct.corrected_shares(
        {"y": [index[v] for v in y], "pred": [index[v] for v in pred], "proba": proba, "weights": weights,
         "strata": drawn.stratum.to_numpy()},
        {"pred": [index[v] for v in rest.classifier_label], "proba": rest[PROBA].to_numpy(dtype=float),
         "groups": rest.group.map({g: i for i, g in enumerate(names)}).to_numpy(), "n_groups": len(names)},
        method=method, n_draws=n_draws, reference=reference)
    table = _with_sample(correct.shares_table(result, names, codes, method), rest, drawn.assign(truth=y), units)
    write_csv(out / "corrected_shares.csv", table)
    summary = {"sample": str(sample_csv), "labels": str(labels_csv), "study": str(study), "by": by,
               "units_validated": int(len(sample)), "units_in_study": int(len(units)), "method": method,
               "strata": int(sample.stratum.nunique()), "n_draws": n_draws, "seed": stats.SEED,
               "accuracy": scores["accuracy"], "macro_f1": scores["macro_f1"], "ece": cal["ece"],
               **{key: result[key] for key in ("temperature", "prior_units") if key in result},
               **({"reference": str(Path(model) / "loco_predictions.csv")} if reference else {})}
    write_text(out / "evaluation.json", json.dumps(summary, ensure_ascii=False, indent=1) + "\n")
    return summary


def _with_sample(table: pd.DataFrame, rest: pd.DataFrame, drawn: pd.DataFrame, units: pd.DataFrame) -> pd.DataFrame:
    """Shares of the whole group: the rest's (estimated) shares and the sample's human labels,
    in proportion to their units; the uncorrected shares are the classifier's on every unit."""
    from research.study.emphasis import probabilities

    size = units.groupby("group").size()
    n_rest = rest.groupby("group").size().reindex(size.index, fill_value=0)
    known = drawn.assign(group=drawn.unit_id.map(units.set_index("unit_id").group))
    counts = pd.DataFrame(codebook.onehot(known.truth), columns=codebook.codes()).groupby(known.group.to_numpy()).sum()
    by_group = units.group.to_numpy()
    label_all = pd.DataFrame(codebook.onehot(units.classifier_label), columns=codebook.codes()).groupby(by_group).mean()
    proba_all = pd.DataFrame(probabilities(units), columns=codebook.codes()).groupby(by_group).mean()
    out = table.copy()
    for column in ("corrected", "ci_low", "ci_high"):
        out[column] = [(n_rest[g] * v + counts.get(a, pd.Series(dtype=float)).get(g, 0.0)) / size[g]
                       for g, a, v in zip(out.group, out.area, out[column])]
    out["uncorrected_count"] = [label_all.at[g, a] for g, a in zip(out.group, out.area)]
    out["uncorrected_probability"] = [proba_all.at[g, a] for g, a in zip(out.group, out.area)]
    out["units"] = out.group.map(size).to_numpy()
    out["validated"] = out.group.map(size - n_rest).to_numpy()
    return out
