"""Tables flattened into tab-led lines (one cell a line), turned back into rows.

Tables of any width are kept: :meth:`Table.records` gives every complete row under the header's
names, and :meth:`Table.tidy` the five-column indicator schema of a plan's main-indicator table.
Cells that do not fill a last row stay as text (``Table.leftover``) and raise a warning.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from research.text.patterns import SMALL_NUMERALS

#: A caption line of an indicator table: "表1 ……", "……主要指标表", "……主要发展指标".
TABLE_CAPTION = re.compile(r"^表\s*\d|指标表$|主要(?:发展)?指标$")

#: A short untabbed line inside a table continues the cell above, unless it reads as prose or
#: opens a list item ("一、", "（").
_PROSE = re.compile("[。；，]")
_LIST_MARKER = re.compile(f"[{SMALL_NUMERALS}]+、|（")

#: Columns of the tidy indicator table.
COLUMNS = ("dimension", "indicator", "value_2020", "target_2025", "kind")
KINDS = {"约束性": "binding", "预期性": "expected"}


@dataclass
class Table:
    caption: str
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)
    cells: list[str] = field(default_factory=list)
    section_path: str = ""
    note: str = ""
    leftover: list[str] = field(default_factory=list)

    def columns(self) -> list[str]:
        """Column names: the header cells, made unique ("col_N" for an empty one)."""
        names: list[str] = []
        for n, cell in enumerate(self.header, 1):
            name = cell or f"col_{n}"
            names.append(name if name not in names else f"{name}_{n}")
        return names

    def records(self) -> list[dict]:
        """Every complete row as ``{column: value}``, whatever the table's width."""
        names = self.columns()
        return [dict(zip(names, row)) for row in self.rows if len(row) == len(names)]

    def tidy(self) -> list[dict]:
        """Rows of an indicator table as dicts with COLUMNS (empty dimensions carry the one
        above); [] for a table of another shape (see :meth:`records`)."""
        out, dimension = [], ""
        if len(self.header) != len(COLUMNS):
            return out
        for row in self.rows:
            if len(row) != len(COLUMNS):
                continue
            record = dict(zip(COLUMNS, row))
            dimension = record["dimension"] or dimension
            record["dimension"] = dimension
            record["kind"] = KINDS.get(record["kind"], record["kind"])
            for key in ("value_2020", "target_2025"):
                record[key] = "" if record[key] in ("——", "—", "-") else record[key]
            out.append(record)
        return out


def parse_table(lines: list[str], start: int) -> tuple[Table, int]:
    """Parse the table whose caption is ``lines[start]``; return it and the next line index.

    Cells are tab-led lines; a short untabbed line inside the block continues the cell above
    (a line break inside a cell).  Cells are grouped into rows by the header's width.
    """
    table = Table(caption=lines[start].strip())
    following = next((line for line in lines[start + 1:] if line.strip()), "")
    if is_row(following):
        return parse_rows(lines, start + 1, table.caption)
    cells: list[str] = []
    i = start + 1
    while i < len(lines):
        raw = lines[i]
        text = raw.strip()
        if raw.startswith("\t"):
            cells.append(text)
        elif not text:
            pass
        elif cells and len(text) <= 12 and not _PROSE.search(text) and not _LIST_MARKER.match(text):
            cells[-1] += text
        else:
            break
        i += 1
    table.cells = cells
    if not cells:
        table.note = "the capture lost this table's cells"
        return table, i
    width = _header_width(cells)
    table.header = cells[:width]
    body = cells[width:]
    table.rows = _rows(body, width)
    if table.rows and len(table.rows[-1]) < width:
        table.leftover = table.rows.pop()
        from research.errors import warn

        warn(f"table {table.caption!r}: {len(table.leftover)} cell(s) do not fill a row of "
             f"{width}; kept as text")
    return table, i


def _header_width(cells: list[str]) -> int:
    for n, cell in enumerate(cells):
        if re.match(r"^\d{4}年$", cell):
            continue
        if n and cell.endswith("属性"):
            return n + 1
    return len(COLUMNS)


def _rows(cells: list[str], width: int) -> list[list[str]]:
    """Group cells into rows; a row whose first cell is not a dimension had it left empty."""
    rows, i = [], 0
    while i < len(cells):
        row = cells[i: i + width]
        rows.append(row)
        i += width
    return rows


def is_row(line: str) -> bool:
    """A table row read from a document's structure (DOCX): tab-led cells separated by tabs."""
    return line.startswith("\t") and "\t" in line[1:]


def parse_rows(lines: list[str], start: int, caption: str = "") -> tuple[Table, int]:
    """The table whose rows are the row lines (:func:`is_row`) from ``lines[start]`` on; the
    first row is its header, shorter rows are padded.  Returns it and the next line index."""
    rows: list[list[str]] = []
    i = start
    while i < len(lines) and (is_row(lines[i]) or (not lines[i].strip() and i + 1 < len(lines) and is_row(lines[i + 1]))):
        if lines[i].strip():
            rows.append(lines[i][1:].split("\t"))
        i += 1
    width = max(len(r) for r in rows)
    rows = [r + [""] * (width - len(r)) for r in rows]
    table = Table(caption=caption, header=rows[0], rows=rows[1:], cells=[c for r in rows for c in r])
    return table, i
