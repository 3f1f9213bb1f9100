"""Read and validate annotation files; measure inter-coder agreement.

Files (all UTF-8 CSV):
- ``gold.csv``: ``unit_id, label, secondary_label, note`` — one row per corpus unit, adjudicated.
- ``first_pass.csv``: the primary coder's labels before adjudication (same columns).
- ``second_pass.csv``: ``unit_id, label`` — the independent second coding of a random sample.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from research import codebook, paths
from research.errors import AnnotationError

GOLD_COLUMNS = ["unit_id", "label", "secondary_label", "note"]
SECOND_COLUMNS = ["unit_id", "label"]
FIRST_PASS = paths.ANNOTATIONS / "first_pass.csv"


def read_annotations(path: str | Path, columns: list[str] = GOLD_COLUMNS,
                     extra_ok: tuple[str, ...] = ()) -> pd.DataFrame:
    """Read an annotation file and check its form; errors name the row and the problem."""
    path = Path(path)
    if not path.exists():
        raise AnnotationError(f"{path}: no such file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AnnotationError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8 CSV") from None
    try:
        rows = list(csv.reader(io.StringIO(text)))
    except csv.Error as err:
        raise AnnotationError(f"{path}: not a CSV file ({err})") from None
    if not rows:
        raise AnnotationError(f"{path}: empty file")
    header = [h.strip() for h in rows[0]]
    missing = [c for c in columns if c not in header]
    if missing:
        raise AnnotationError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(columns)}")
    unknown = [c for c in header if c not in columns and c not in extra_ok]
    if unknown:
        raise AnnotationError(f"{path}: unexpected column(s) {', '.join(unknown)}")
    valid = set(codebook.codes())
    records, seen = [], {}
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise AnnotationError(f"{path}: row {number}: {len(row)} fields, expected {len(header)}")
        record = {h: cell.strip() for h, cell in zip(header, row)}
        uid = record["unit_id"]
        if not uid:
            raise AnnotationError(f"{path}: row {number}: empty unit_id")
        if uid in seen:
            raise AnnotationError(f"{path}: row {number}: unit_id {uid} duplicates row {seen[uid]}")
        seen[uid] = number
        if not record["label"]:
            raise AnnotationError(f"{path}: row {number}: no label; a person must fill in `label` "
                                  f"(a model's guess is never a label)")
        if record["label"] not in valid:
            raise AnnotationError(f"{path}: row {number}: unknown label {record['label']!r} "
                                  f"(codes: {', '.join(codebook.codes())})")
        second = record.get("secondary_label", "")
        if second and second not in valid:
            raise AnnotationError(f"{path}: row {number}: unknown secondary_label {second!r}")
        if second and second == record["label"]:
            raise AnnotationError(f"{path}: row {number}: secondary_label repeats the label")
        record["_row"] = number
        records.append(record)
    return pd.DataFrame(records, columns=[*header, "_row"])


def check_units(frame: pd.DataFrame, units: pd.DataFrame, path: Path, complete: bool) -> None:
    """Every id must be a corpus unit; with ``complete``, every corpus unit of policy text must be
    labelled (front matter is labelled by its structure, a label for it is allowed, not needed)."""
    known = set(units.unit_id)
    orphans = frame[~frame.unit_id.isin(known)]
    if len(orphans):
        first = orphans.iloc[0]
        raise AnnotationError(f"{path}: row {first._row}: unit_id {first.unit_id} is not in the corpus "
                              f"({len(orphans)} orphan id(s); re-segmentation changed the text?)")
    if complete:
        missing = sorted(set(policy_units(units).unit_id) - set(frame.unit_id))
        if missing:
            raise AnnotationError(f"{path}: {len(missing)} corpus unit(s) have no label, e.g. {missing[0]}")


def agreement(first: pd.Series, second: pd.Series) -> dict:
    """Cohen's kappa, raw agreement and per-label specific agreement of two aligned codings
    (the statistics of :mod:`research.validate.agreement`)."""
    from research.validate.agreement import code_counts, kappa

    per_label = {}
    for code in codebook.codes():
        given_first, given_second, both = code_counts(first, second, code)
        denom = given_first + given_second
        per_label[code] = {"first": given_first, "second": given_second, "both": both,
                           "specific_agreement": round(2 * both / denom, 3) if denom else None}
    return {"n": int(len(first)),
            "kappa": round(kappa(first.to_numpy(), second.to_numpy()), 3),
            "raw_agreement": round(float((first == second).mean()), 3),
            "per_label": per_label}


def quoted_in_codebook(units: pd.DataFrame, prefix: int = 20) -> set[str]:
    """Units whose opening characters the codebook quotes as an example (their agreement is
    partly built into the codebook, so kappa is also reported without them)."""
    import re

    text = re.sub(r"[\s,，;；:：()（）]", "", paths.CODEBOOK.with_suffix(".md").read_text(encoding="utf-8"))
    out = set()
    for uid, body in zip(units.unit_id, units.text):
        head = re.sub(r"[\s,，;；:：()（）]", "", body)[:prefix]
        if len(head) >= 10 and head in text:
            out.add(uid)
    return out


def load_gold(units: pd.DataFrame, path: Path | None = None) -> pd.DataFrame:
    """Gold labels (``path``, default ``research/annotations/gold.csv``) joined to ``units``,
    checked against them: every id must be one of the units, and the shipped gold file must
    label every unit."""
    path = Path(path) if path else paths.GOLD
    gold = read_annotations(path)
    check_units(gold, units, path, complete=path == paths.GOLD)
    return policy_units(units).merge(gold.drop(columns="_row"), on="unit_id", how="inner")


def policy_units(units: pd.DataFrame) -> pd.DataFrame:
    """The units of policy text: all but front matter (addressee, signature, date ...), which is
    labelled ``other`` by its structure and is neither a gold unit nor classifier input."""
    from research.corpus.segment import FRONT_MATTER

    return units[units.part != FRONT_MATTER] if "part" in units else units


def reference_labels(units: pd.DataFrame, path: Path | None = None) -> pd.Series | None:
    """unit_id -> label for every unit of ``units``: the gold label (``path``, default the
    project's gold annotations) of a policy unit, ``other`` for front matter (labelled by its
    structure); None when the gold labels do not cover every policy unit."""
    from research.classify.label import STRUCTURE_LABEL

    gold = read_annotations(path or paths.GOLD).set_index("unit_id")["label"]
    policy = policy_units(units)
    if not policy.unit_id.isin(gold.index).all():
        return None
    labels = pd.Series(STRUCTURE_LABEL, index=units.unit_id.to_numpy(), name="label")
    labels[policy.unit_id.to_numpy()] = gold.loc[policy.unit_id].to_numpy()
    return labels


def check_annotations(units_path: Path | None = None, verbose: bool = True) -> int:
    """Validate gold, first-pass and second-pass files against the corpus units (``units_path``,
    default ``data/corpus/units.csv``; never built here); print agreement and label counts."""
    from research.annotations.silver import silver_labels
    from research.corpus.files import read_units

    units = read_units(units_path)
    gold = read_annotations(paths.GOLD)
    check_units(gold, units, paths.GOLD, complete=True)
    second = read_annotations(paths.SECOND_PASS, SECOND_COLUMNS)
    check_units(second, units, paths.SECOND_PASS, complete=False)
    first = read_annotations(FIRST_PASS)
    check_units(first, units, FIRST_PASS, complete=True)
    units = policy_units(units)  # what follows counts the units of policy text
    share = len(second) / len(units)
    if share < 0.4:
        raise AnnotationError(f"{paths.SECOND_PASS}: covers {share:.0%} of units; at least 40% needed")

    merged = second.merge(first[["unit_id", "label"]], on="unit_id", suffixes=("_second", "_first"))
    merged = merged.merge(gold[["unit_id", "label"]].rename(columns={"label": "label_gold"}), on="unit_id")
    before = agreement(merged.label_first, merged.label_second)
    quoted = quoted_in_codebook(units)
    fresh = merged[~merged.unit_id.isin(quoted)]
    before_fresh = agreement(fresh.label_first, fresh.label_second)
    after = agreement(merged.label_gold, merged.label_second)
    labelled = units.merge(gold[["unit_id", "label"]], on="unit_id")
    silver = silver_labels(units).merge(gold[["unit_id", "label"]], on="unit_id")
    covered = silver[silver.silver != ""]
    if verbose:
        print(f"units: {len(units)}; gold labels: {len(gold)}; second pass: {len(second)} ({share:.0%})")
        print(f"Cohen's kappa before adjudication: {before['kappa']:.3f} "
              f"(raw agreement {before['raw_agreement']:.3f}, n={before['n']})")
        print(f"Cohen's kappa on sampled units not quoted as codebook examples: "
              f"{before_fresh['kappa']:.3f} (n={before_fresh['n']})")
        print(f"Cohen's kappa of adjudicated gold vs second pass: {after['kappa']:.3f}")
        print("per-label specific agreement before adjudication:")
        for code, stats in before["per_label"].items():
            value = "-" if stats["specific_agreement"] is None else f"{stats['specific_agreement']:.2f}"
            print(f"  {code:<12} {value:>5}  (first {stats['first']}, second {stats['second']})")
        table = pd.crosstab(labelled.city, labelled.label).reindex(columns=codebook.codes(), fill_value=0)
        table["total"] = table.sum(axis=1)
        print("gold label counts per city:")
        print(table.to_string())
        print(f"heading-based silver labels: coverage {len(covered) / len(units):.1%}, "
              f"agreement with gold {(covered.silver == covered.label).mean():.1%} (n={len(covered)})")
    return 0
