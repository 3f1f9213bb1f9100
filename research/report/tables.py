"""Tables for papers: every table as CSV and as LaTeX (booktabs)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from research.atomic import write_csv, write_text


def _escape(value) -> str:
    text = str(value)
    for a, b in (("\\", r"\textbackslash{}"), ("&", r"\&"), ("%", r"\%"), ("_", r"\_"), ("#", r"\#"),
                 ("$", r"\$"), ("{", r"\{"), ("}", r"\}")):
        text = text.replace(a, b)
    return text


def to_latex(frame: pd.DataFrame, caption: str = "", label: str = "", float_format: str = "{:.3f}") -> str:
    """A booktabs ``tabular`` (in a ``table`` float when a caption is given)."""
    def cell(value):
        if isinstance(value, float):
            return float_format.format(value)
        return _escape(value)

    align = "".join("r" if pd.api.types.is_numeric_dtype(frame[c]) else "l" for c in frame.columns)
    lines = [rf"\begin{{tabular}}{{{align}}}", r"\toprule",
             " & ".join(_escape(c) for c in frame.columns) + r" \\", r"\midrule"]
    lines += [" & ".join(cell(v) for v in row) + r" \\" for row in frame.itertuples(index=False)]
    lines += [r"\bottomrule", r"\end{tabular}"]
    if caption:
        lines = [r"\begin{table}[htbp]", r"\centering", rf"\caption{{{_escape(caption)}}}",
                 *([rf"\label{{{label}}}"] if label else []), *lines, r"\end{table}"]
    return "\n".join(lines) + "\n"


def write_tex(frame: pd.DataFrame, folder: Path, name: str, caption: str = "") -> Path:
    """Write ``name.tex`` (label ``tab:name``)."""
    target = Path(folder) / f"{name}.tex"
    write_text(target, to_latex(frame, caption, label=f"tab:{name}"))
    return target


def save_table(frame: pd.DataFrame, folder: Path, name: str, caption: str = "") -> list[Path]:
    """Write ``name.csv`` and ``name.tex``."""
    folder = Path(folder)
    write_csv(folder / f"{name}.csv", frame)
    return [folder / f"{name}.csv", write_tex(frame, folder, name, caption)]


def interval_table(shares: pd.DataFrame, names: dict[str, str], digits: int = 2) -> pd.DataFrame:
    """Group rows (the first column of ``shares``: group, doc_id, ...), area columns, cells
    "share [low, high]" in percent."""
    def fmt(row):
        return f"{100 * row.share:.{0 if digits < 2 else 1}f} [{100 * row.ci_low:.0f}, {100 * row.ci_high:.0f}]"

    by = shares.columns[0]
    wide = shares.assign(cell=shares.apply(fmt, axis=1)).pivot(index=by, columns="area", values="cell")
    wide = wide[[c for c in names if c in wide.columns]].rename(columns=names)
    return wide.reset_index()
