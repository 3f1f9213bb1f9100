"""Stage ``validate agreement``: coders' codes (:func:`research.validate.codings.read_codings`)
-> agreement tables and the adjudication sheet.

- ``agreement.csv``: Cohen's kappa of every pair of coders (``sklearn.metrics.cohen_kappa_score``,
  on the units both coded) and Krippendorff's alpha of all coders (the ``krippendorff``
  package, nominal, missing codes allowed), each with a 95% bootstrap interval (units
  resampled: :func:`research.stats.bootstrap`), with raw agreement and the units counted;
- ``agreement_codes.csv``: per code, the specific (positive) agreement over all pairs and the
  alpha of "this code or not";
- ``confusion_<A>_<B>.csv``: coder A's codes (rows) against coder B's (columns);
- ``adjudication.csv``: every coded unit with each coder's code (``coded``), ``status``
  (``agreed``, ``single`` or ``disagree``) and ``label`` filled where the coders agree; a
  person fills ``label`` (and ``note``) for the disagreements.  It is the ``--labels`` file of
  ``validate evaluate`` and of ``study``.
"""

from __future__ import annotations

import re
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from research import codebook, stats
from research.atomic import write_csv
from research.errors import AnnotationError

ADJUDICATION_COLUMNS = ["unit_id", "doc_id", "section_path", "text", "coded", "status", "label", "note"]


def reliability_matrix(codings: pd.DataFrame) -> pd.DataFrame:
    """Coders x units of codes (NaN where a coder gave none), units in first-seen order."""
    coded = codings[codings.label != ""]
    units = list(dict.fromkeys(codings.unit_id))
    return coded.pivot(index="coder", columns="unit_id", values="label").reindex(columns=units)


def alpha(matrix: pd.DataFrame, codes: list[str] | None = None) -> float:
    """Krippendorff's alpha, nominal, of a coders x units matrix of codes (NaN: missing)."""
    import krippendorff

    codes = codes or codebook.codes()
    values = matrix.apply(lambda col: col.map({c: i for i, c in enumerate(codes)})).to_numpy(dtype=float)
    pairable = (~np.isnan(values)).sum(axis=0) >= 2
    if pairable.sum() == 0 or len(np.unique(values[:, pairable][~np.isnan(values[:, pairable])])) < 2:
        return float("nan")
    return float(krippendorff.alpha(reliability_data=values[:, pairable], level_of_measurement="nominal",
                                     value_domain=list(range(len(codes)))))


def kappa(a: np.ndarray, b: np.ndarray) -> float:
    from sklearn.metrics import cohen_kappa_score

    if len(set(a) | set(b)) < 2:
        return float("nan")
    return float(cohen_kappa_score(a, b))


def code_counts(a, b, code: str) -> tuple[int, int, int]:
    """How many units coder ``a``, coder ``b`` and both gave ``code`` (aligned codings); specific
    agreement is ``2 * both / (a + b)``."""
    given_a, given_b = np.asarray(a) == code, np.asarray(b) == code
    return int(given_a.sum()), int(given_b.sum()), int((given_a & given_b).sum())


def agreement_table(matrix: pd.DataFrame, n_draws: int = stats.N_DRAWS, seed: int = stats.SEED) -> pd.DataFrame:
    """Kappa per pair and alpha of all coders, each with a 95% bootstrap interval."""
    rows = []
    for a, b in combinations(matrix.index, 2):
        both = matrix.loc[[a, b]].dropna(axis=1).to_numpy()
        if both.shape[1] == 0:
            continue
        result = stats.bootstrap(lambda i: kappa(both[0, i], both[1, i]), both.shape[1], n_draws=n_draws, seed=seed)
        rows.append({"statistic": "cohen_kappa", "coders": f"{a} & {b}", "units": both.shape[1],
                     "raw_agreement": float((both[0] == both[1]).mean()), **result})
    pairable = matrix.loc[:, matrix.notna().sum() >= 2]
    if pairable.shape[1]:
        result = stats.bootstrap(lambda i: alpha(pairable.iloc[:, i]), pairable.shape[1], n_draws=n_draws, seed=seed)
        same = pairable.apply(lambda col: col.dropna().nunique() == 1)
        rows.append({"statistic": "krippendorff_alpha", "coders": " & ".join(map(str, matrix.index)),
                     "units": pairable.shape[1], "raw_agreement": float(same.mean()), **result})
    return pd.DataFrame(rows)


def per_code(matrix: pd.DataFrame) -> pd.DataFrame:
    """Specific agreement and the binary alpha of each code."""
    rows = []
    for code in codebook.codes():
        both = given = 0
        for a, b in combinations(matrix.index, 2):
            pair = matrix.loc[[a, b]].dropna(axis=1).to_numpy()
            given_a, given_b, together = code_counts(pair[0], pair[1], code)
            both += 2 * together
            given += given_a + given_b
        binary = matrix.apply(lambda col: col.map(lambda v: v if pd.isna(v) else ("yes" if v == code else "no")))
        rows.append({"code": code, "assigned": int((matrix == code).sum().sum()),
                     "specific_agreement": both / given if given else np.nan,
                     "alpha_code_or_not": alpha(binary, ["yes", "no"])})
    return pd.DataFrame(rows)


def confusion(matrix: pd.DataFrame, a: str, b: str) -> pd.DataFrame:
    pair = matrix.loc[[a, b]].dropna(axis=1)
    codes = codebook.codes()
    table = pd.crosstab(pd.Categorical(pair.loc[a], codes), pd.Categorical(pair.loc[b], codes), dropna=False)
    return table.rename_axis(index=f"{a} (rows)", columns=None).reset_index()


def adjudication(codings: pd.DataFrame, matrix: pd.DataFrame) -> pd.DataFrame:
    """One row per unit: the coders' codes and the label where they agree."""
    info = codings.drop_duplicates("unit_id").set_index("unit_id")
    rows = []
    for unit in matrix.columns:
        codes = matrix[unit].dropna()
        distinct = codes.unique()
        status = "uncoded" if codes.empty else "single" if len(codes) == 1 else (
            "agreed" if len(distinct) == 1 else "disagree")
        rows.append({"unit_id": unit, "doc_id": info.doc_id[unit], "section_path": info.section_path[unit],
                     "text": info.text[unit], "coded": "; ".join(f"{c}={v}" for c, v in codes.items()),
                     "status": status, "label": distinct[0] if len(distinct) == 1 else "", "note": ""})
    frame = pd.DataFrame(rows, columns=ADJUDICATION_COLUMNS)
    order = frame.status.map({"disagree": 0, "uncoded": 1, "single": 2, "agreed": 3})
    return frame.iloc[np.argsort(order.to_numpy(), kind="stable")]


def agreement_stage(codings: pd.DataFrame, out: Path, n_draws: int = stats.N_DRAWS) -> dict:
    """Write the agreement tables and ``adjudication.csv`` (module docstring) into ``out``."""
    matrix = reliability_matrix(codings)
    if len(matrix.index) < 2:
        found = ", ".join(map(str, matrix.index)) or "none"
        raise AnnotationError(f"agreement needs two or more coders; found {found}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    table = agreement_table(matrix, n_draws=n_draws)
    write_csv(out / "agreement.csv", table)
    write_csv(out / "agreement_codes.csv", per_code(matrix))
    for a, b in combinations(matrix.index, 2):
        safe = [re.sub(r"[^\w.@-]", "_", str(name)) for name in (a, b)]
        write_csv(out / f"confusion_{safe[0]}_{safe[1]}.csv", confusion(matrix, a, b))
    sheet = adjudication(codings, matrix)
    write_csv(out / "adjudication.csv", sheet, digits=None)
    counts = codings.groupby("coder").label.agg(coded=lambda s: int((s != "").sum()),
                                                uncoded=lambda s: int((s == "").sum()))
    return {"coders": counts.to_dict("index"), "units": int(matrix.shape[1]), "records": int(len(codings)),
            "status": sheet.status.value_counts().to_dict(), "table": table}
