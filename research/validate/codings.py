"""Read coders' codes from the files ``validate sample`` wrote, after coding: filled-in sheets
(``.csv``), Label Studio JSON exports (``.json``) and doccano JSONL exports (``.jsonl``, or
the ``.zip`` doccano writes with one ``USER.jsonl`` per annotator).

Label Studio's ``predictions`` (a model's pre-annotations) are never read as codes.  Every file
becomes rows ``unit_id, coder, label, source`` (``label`` empty: the coder left the
unit uncoded; a cancelled Label Studio annotation counts as uncoded).  A code outside the
codebook, two codes for one unit, a unit coded twice by one coder or a record without a unit
id is one error naming the file and the record: nothing is dropped in silence.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from pathlib import Path

import pandas as pd

from research import codebook
from research.errors import AnnotationError

COLUMNS = ["unit_id", "coder", "label", "source", "text", "section_path", "doc_id"]


def _check(label: str, where: str) -> str:
    if label and label not in codebook.codes():
        raise AnnotationError(f"{where}: unknown code {label!r} (codes: {', '.join(codebook.codes())})")
    return label


def _one(labels: list, where: str) -> str:
    labels = [str(x) for x in labels]
    if len(labels) > 1:
        raise AnnotationError(f"{where}: {len(labels)} codes {labels}; each unit takes exactly one")
    return _check(labels[0] if labels else "", where)


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise AnnotationError(f"{path}: not UTF-8 text (byte {err.start})") from None


def read_sheet(path: Path) -> list[dict]:
    """A filled-in coding sheet; the coder is its ``coder`` column, else the file name
    (``coder_NAME.csv`` -> NAME)."""
    rows = list(csv.DictReader(io.StringIO(_text(path))))
    if not rows or "unit_id" not in rows[0] or "label" not in rows[0]:
        raise AnnotationError(f"{path}: not a coding sheet (columns unit_id, label, ...)")
    default = path.stem.removeprefix("coder_")
    return [{"unit_id": (r["unit_id"] or "").strip(), "coder": (r.get("coder") or default).strip(),
             "label": _check((r["label"] or "").strip(), f"{path}: row {i}"), "source": str(path),
             **{k: r.get(k) or "" for k in ("text", "section_path", "doc_id")}}
            for i, r in enumerate(rows, start=2)]


def _annotator(annotation: dict) -> str:
    who = annotation.get("completed_by", "")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id", "")
    return str(who) if who != "" else "unknown"


def read_labelstudio(path: Path) -> list[dict]:
    """A Label Studio JSON export: one row per annotation of every task (the code is the
    ``choices`` result; ``completed_by`` names the coder)."""
    try:
        tasks = json.loads(_text(path))
    except json.JSONDecodeError as err:
        raise AnnotationError(f"{path}: not JSON ({err.msg}, line {err.lineno})") from None
    if not isinstance(tasks, list) or not all(isinstance(t, dict) and "data" in t for t in tasks):
        raise AnnotationError(f"{path}: not a Label Studio JSON export (a list of tasks with 'data')")
    rows = []
    for n, task in enumerate(tasks, start=1):
        data = task["data"]
        where = f"{path}: task {task.get('id', n)}"
        for annotation in task.get("annotations", []):
            choices = [c for r in annotation.get("result", []) if r.get("type") == "choices"
                       for c in r.get("value", {}).get("choices", [])]
            label = "" if annotation.get("was_cancelled") else _one(choices, where)
            rows.append({"unit_id": str(data.get("unit_id", "")), "coder": _annotator(annotation),
                         "label": label, "source": str(path),
                         **{k: str(data.get(k, "")) for k in ("text", "section_path", "doc_id")}})
    return rows


def _doccano_lines(text: str, where: str, coder: str) -> list[dict]:
    rows = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise AnnotationError(f"{where}: line {n}: not JSON ({err.msg})") from None
        meta = {**record.get("meta", {}), **record} if isinstance(record.get("meta"), dict) else record
        labels = record.get("label", record.get("labels", []))
        if labels and isinstance(labels[0], list):
            raise AnnotationError(f"{where}: line {n}: span labels; export a text-classification project")
        rows.append({"unit_id": str(meta.get("unit_id", "")), "coder": str(record.get("user", coder)),
                     "label": _one(labels, f"{where}: line {n}"), "source": where,
                     "text": str(record.get("text", "")), "section_path": str(meta.get("section_path", "")),
                     "doc_id": str(meta.get("doc_id", ""))})
    return rows


def read_doccano(path: Path) -> list[dict]:
    """A doccano text-classification export: JSONL (the coder is the record's ``user``, else
    the file name) or doccano's zip of one ``USER.jsonl`` per annotator."""
    if path.suffix.lower() != ".zip":
        return _doccano_lines(_text(path), str(path), path.stem)
    if not zipfile.is_zipfile(path):
        raise AnnotationError(f"{path}: not a zip file")
    rows = []
    with zipfile.ZipFile(path) as archive:
        for name in sorted(n for n in archive.namelist() if n.endswith(".jsonl")):
            rows += _doccano_lines(archive.read(name).decode("utf-8-sig"), f"{path}:{name}", Path(name).stem)
    return rows


READERS = {".csv": read_sheet, ".json": read_labelstudio, ".jsonl": read_doccano, ".zip": read_doccano}


def read_codings(files: list[str | Path]) -> pd.DataFrame:
    """Every code of every file (:data:`COLUMNS`), checked (module docstring)."""
    rows = []
    for file in map(Path, files):
        if not file.is_file():
            raise AnnotationError(f"{file}: no such file")
        reader = READERS.get(file.suffix.lower())
        if reader is None:
            raise AnnotationError(f"{file}: unknown format (use a coding sheet .csv, a Label Studio "
                                  f".json export or a doccano .jsonl/.zip export)")
        rows += reader(file)
    frame = pd.DataFrame(rows, columns=COLUMNS)
    if frame.empty:
        raise AnnotationError(f"{', '.join(map(str, files))}: no codes")
    if (frame.unit_id == "").any():
        bad = frame[frame.unit_id == ""].iloc[0]
        raise AnnotationError(f"{bad.source}: a record without unit_id (import the tasks validate sample wrote)")
    twice = frame[frame.duplicated(["unit_id", "coder"])]
    if len(twice):
        raise AnnotationError(f"{twice.iloc[0].source}: coder {twice.iloc[0].coder} coded unit "
                              f"{twice.iloc[0].unit_id} twice")
    return frame
