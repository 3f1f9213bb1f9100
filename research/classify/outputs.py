"""What ``classify`` writes: unit rows (CSV or JSON, streamed), the spans the cleaner dropped
(``FILE.dropped.csv``) and the units to check (``--suggest``), each atomically."""

from __future__ import annotations

import csv
import io
import json
import sys
from operator import itemgetter
from pathlib import Path

from research.atomic import atomic_path


def render_rows(rows: list[dict], out_format: str, columns: list[str]) -> str:
    """Rows as CSV lines (no header) or as JSON objects separated by ",\n" (no brackets)."""
    if out_format == "csv":
        buffer = io.StringIO()
        keys = set(columns)
        if len(columns) > 1 and all(row.keys() == keys for row in rows):  # what DictWriter writes, faster
            csv.writer(buffer, lineterminator="\n").writerows(map(itemgetter(*columns), rows))
        else:
            csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n").writerows(rows)
        return buffer.getvalue()
    return ",\n".join(json.dumps(row, ensure_ascii=False) for row in rows)


DROPPED_COLUMNS = ["document", "doc_id", "line", "column", "rule", "chars", "text"]


def dropped_file(out: Path) -> Path:
    """Where ``classify --out FILE`` lists the removed spans: ``FILE.dropped.csv``."""
    return out.with_name(out.stem + ".dropped.csv")


class Writer:
    """CSV or JSON rows streamed to a temporary file, renamed into place on success."""

    def __init__(self, path: Path | None, columns: list[str]):
        self.path, self.columns, self.first = path, columns, True

    def __enter__(self):
        if self.path is None:
            return self
        self._ctx = atomic_path(self.path)
        tmp = self._ctx.__enter__()
        try:  # an interruption here must not leave the temporary file behind
            self.handle = open(tmp, "w", encoding="utf-8", newline="")
            if self.path.suffix.lower() == ".csv":
                self.csv = csv.DictWriter(self.handle, fieldnames=self.columns, lineterminator="\n")
                self.csv.writeheader()
            else:
                self.csv = None
                self.handle.write("[")
        except BaseException:
            self._ctx.__exit__(*sys.exc_info())
            raise
        return self

    def write(self, rendered: str) -> None:
        """Append one document's rows, as :func:`render_rows` gave them."""
        if self.path is None or not rendered:
            return
        if self.csv is None:
            self.handle.write(("\n" if self.first else ",\n") + rendered)
            self.first = False
        else:
            self.handle.write(rendered)

    def __exit__(self, kind, value, tb):
        if self.path is None:
            return False
        if self.csv is None:
            self.handle.write("\n]\n")
        self.handle.close()
        return self._ctx.__exit__(kind, value, tb)


#: Columns of the ``--suggest`` file: the gold.csv ones for a person to fill in (``label``,
#: ``secondary_label``, ``note``), the unit, and the model's guesses (never used for training).
SUGGEST_COLUMNS = ["unit_id", "label", "secondary_label", "note", "doc_id", "section_path", "text",
                   "suggested_label", "suggested_second_label", "margin"]


def suggestion_rows(rows: list[dict]) -> list[dict]:
    """``--suggest`` rows of one document's labelled unit rows (``label`` left empty)."""
    from research import codebook

    out = []
    for row in rows:
        probs = sorted((row[f"p_{c}"] for c in codebook.codes()), reverse=True)
        out.append({"unit_id": row["unit_id"], "label": "", "secondary_label": "", "note": "",
                    "doc_id": row["doc_id"], "section_path": row["section_path"], "text": row["text"],
                    "suggested_label": row["label"], "suggested_second_label": row["second_label"],
                    "margin": round(probs[0] - probs[1], 4)})
    return out


def write_suggestions(path: Path, rows: list[dict]) -> None:
    """Units sorted by uncertainty (smallest margin between the two most probable labels), in
    the ``train --extra`` format: ``label`` is left empty for a person to fill in, the model's
    guesses stand in ``suggested_label`` and ``suggested_second_label`` (``train --extra``
    refuses a row without a label)."""
    with atomic_path(path) as tmp, open(tmp, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=SUGGEST_COLUMNS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(sorted(rows, key=lambda row: row["margin"]))
