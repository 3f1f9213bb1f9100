"""The files people code a sample in (output of ``validate sample``, beside ``sample.csv``):

- ``sheets/coder_<NAME>.csv``: one blind sheet per coder (``unit_id, doc_id, section_path,
  text, label, note``; no model label), units in an order shuffled for each coder;
- ``labelstudio/tasks.json`` and ``labelstudio/config.xml``: Label Studio's tasks (one per
  unit, fields under ``data``) and a labeling config with the eight codes, each with the
  codebook's one-line definition;
- ``doccano/tasks.jsonl`` and ``doccano/labels.json``: doccano's text-classification import
  (``text``, an empty ``label`` list, the unit's id, document and section path as metadata)
  and its label types.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pandas as pd

from research import codebook, stats
from research.atomic import write_csv, write_text

SHEET_COLUMNS = ["unit_id", "doc_id", "section_path", "text", "label", "note"]
TASK_FIELDS = ["unit_id", "doc_id", "section_path", "text"]
#: Label Studio control that holds the code (``from_name`` in its exports).
CONTROL = "label"


def labelstudio_config() -> str:
    """Label Studio labeling config: the unit's section path and text, one choice per code
    (its definition as the hint and in a legend)."""
    view = ET.Element("View")
    ET.SubElement(view, "Header", value="$section_path", size="5")
    ET.SubElement(view, "Text", name="text", value="$text")
    choices = ET.SubElement(view, "Choices", name=CONTROL, toName="text", choice="single", required="true")
    names = codebook.names("en", short=False)
    for code, line in codebook.definitions().items():
        ET.SubElement(choices, "Choice", value=code, hint=f"{names[code]}: {line}")
    legend = ET.SubElement(view, "View")
    for code, line in codebook.definitions().items():
        ET.SubElement(legend, "Header", value=f"{code}: {line}", size="6")
    ET.indent(view)
    return ET.tostring(view, encoding="unicode") + "\n"


def doccano_labels() -> list[dict]:
    palette = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f"]
    return [{"text": code, "suffix_key": str(i + 1), "background_color": palette[i % len(palette)],
             "text_color": "#ffffff"} for i, code in enumerate(codebook.codes())]


def write_sheets(units: pd.DataFrame, out: Path, coders: list[str], seed: int = stats.SEED) -> list[Path]:
    """Write every coding file for the sampled ``units`` (``unit_id, doc_id, section_path,
    text``) into ``out``; return the paths."""
    out = Path(out)
    tasks = units[TASK_FIELDS].reset_index(drop=True)
    written = []
    for i, coder in enumerate(coders):
        order = stats.generator(seed + i).permutation(len(tasks))
        sheet = tasks.iloc[order].assign(label="", note="")[SHEET_COLUMNS]
        written.append(out / "sheets" / f"coder_{coder}.csv")
        written[-1].parent.mkdir(parents=True, exist_ok=True)
        write_csv(written[-1], sheet)
    records = tasks.to_dict("records")
    (out / "labelstudio").mkdir(parents=True, exist_ok=True)
    write_text(out / "labelstudio" / "tasks.json",
               json.dumps([{"data": r} for r in records], ensure_ascii=False, indent=1) + "\n")
    write_text(out / "labelstudio" / "config.xml", labelstudio_config())
    (out / "doccano").mkdir(parents=True, exist_ok=True)
    write_text(out / "doccano" / "tasks.jsonl",
               "".join(json.dumps({"text": r["text"], "label": [], **{k: r[k] for k in TASK_FIELDS[:3]}},
                                  ensure_ascii=False) + "\n" for r in records))
    write_text(out / "doccano" / "labels.json", json.dumps(doccano_labels(), indent=1) + "\n")
    return written + [out / "labelstudio" / "tasks.json", out / "labelstudio" / "config.xml",
                      out / "doccano" / "tasks.jsonl", out / "doccano" / "labels.json"]
