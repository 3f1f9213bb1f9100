"""Document metadata for a study: read a ``--meta`` CSV, or infer city, province, year and
type from each document's title line, issuing body, text and file name.

The metadata file has one row per document with the columns ``file, city, province, year,
type``; ``doc_id`` and ``city_zh`` (display name in Chinese figures) are optional.  The seed
manifest's column names are accepted as aliases (``city_pinyin`` for ``city``, ``doc_type``
for ``type``, ``issued`` for ``year``), so ``--meta seeds/manifest.csv`` works as it is.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from pathlib import Path

import pandas as pd

from research.errors import InputError

COLUMNS = ["file", "city", "province", "year", "type"]
OPTIONAL = ["doc_id", "city_zh"]
ALIASES = {"city_pinyin": "city", "doc_type": "type", "issued": "year"}
GROUPINGS = ("city", "province", "year", "type")
UNKNOWN = "unknown"

_CJK = r"[\u4e00-\u9fff]"
#: Title or issuing-body forms that name a city: 青岛市人民政府…, 青岛市医疗保障“十四五”规划.
_CITY_TITLE = re.compile(rf"^(?:关于印发)?({_CJK}{{2,4}}?)市(?=人民政府|医疗保障|医保|“十四五”|十四五|卫生|政府)")
_CITY_BODY = re.compile(rf"({_CJK}{{2,4}}?)市(?:人民政府办公室|人民政府|医疗保障局|医保局)")
_CITY_ANY = re.compile(rf"({_CJK}{{2}})市")
#: Characters that cannot start a city name but often precede 市 ("全市", "我市", "发青岛市").
_NOT_START = set("全我本该各地城省县副在对为与和及由向将发了的已经级区入出落推进强化建立开展针鼓励实现"
                 "理服务疗保险门部织个中心良好面合时期着眼底年设果以其它按照结末至同等于市即每到从"
                 "是有此这那把被给让使做就也都还又再并且而或但如若即据根跨上下内外前后新老大小")
_PROVINCES = ("河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 广东 海南 四川 "
              "贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 北京 天津 上海 重庆").split()
_YEAR_DATE = re.compile(r"(20\d\d)年\d{1,2}月\d{1,2}日")
_YEAR = re.compile(r"(?<!\d)(20\d\d)(?!\d)")
#: Document type from keywords of the title (first match wins), then of the file name.
TYPES = (("规划", "plan"), ("计划", "plan"), ("报告", "report"), ("总结", "report"), ("方案", "programme"),
         ("意见", "opinion"), ("办法", "measures"), ("通知", "notice"))


def _name(raw: str, text: str) -> str:
    """The city name in ``raw`` (2-4 characters before 市, possibly with words glued in front):
    the longest ending of ``raw`` that is used as often as its last two characters."""
    while len(raw) > 2 and raw[0] in _NOT_START:
        raw = raw[1:]
    short = text.count(raw[-2:] + "市")
    for length in range(len(raw), 2, -1):
        if text.count(raw[-length:] + "市") == short:
            return raw[-length:]
    return raw[-2:]


def infer_city(title_lines: list[str], text: str) -> str:
    """City named by the title line, else by the issuing body, else the most frequent
    ``XX市`` in the text; "unknown" when nothing names one."""
    for line in title_lines:
        match = _CITY_TITLE.search(line)
        if match:
            return _name(match.group(1), "\n".join(title_lines) + text)
    body = Counter(_name(m, text) for m in _CITY_BODY.findall(text))
    if body:
        return body.most_common(1)[0][0]
    names = Counter(m for m in _CITY_ANY.findall(text) if m[0] not in _NOT_START and m[1] not in "全我本")
    return names.most_common(1)[0][0] if names else UNKNOWN


def infer_province(text: str) -> str:
    counts = Counter({p: text.count(p) for p in _PROVINCES})
    best, n = counts.most_common(1)[0]
    return best if n else UNKNOWN


def infer_year(title_lines: list[str], text: str, file_name: str) -> str:
    for source in (" ".join(title_lines), text):
        dates = _YEAR_DATE.findall(source)
        if dates:
            return dates[-1] if source is text else dates[0]
    match = _YEAR.search(file_name)
    return match.group(1) if match else ""


def infer_type(title_lines: list[str], file_name: str) -> str:
    for source in (" ".join(title_lines), file_name):
        for keyword, kind in TYPES:
            if keyword in source:
                return kind
    return UNKNOWN


def infer_metadata(path: Path, title_lines: list[str], text: str, doc_id: str) -> dict:
    """One metadata row inferred from a cleaned document (``title_lines``: its title and
    captions, ``text``: its cleaned text)."""
    city = infer_city(title_lines, text)
    return {"file": str(path), "doc_id": doc_id, "city": city, "province": infer_province(text),
            "year": infer_year(title_lines, text, path.name), "type": infer_type(title_lines, path.stem),
            "city_zh": city, "title": title_lines[0] if title_lines else ""}


def read_meta(path: str | Path) -> pd.DataFrame:
    """The ``--meta`` CSV, checked: the five columns (or their aliases), one field per column
    in every row, a four-digit year (or empty).  Errors name the row."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"{path}: no such metadata file")
    try:
        text = path.read_bytes().decode("utf-8-sig")
        rows = list(csv.reader(io.StringIO(text)))
    except UnicodeDecodeError as err:
        raise InputError(f"{path}: not UTF-8 text (byte {err.start}); save it as UTF-8 CSV") from None
    except csv.Error as err:
        raise InputError(f"{path}: not a CSV file ({err})") from None
    if not rows or not any(c.strip() for c in rows[0]):
        raise InputError(f"{path}: empty metadata file")
    header = [h.strip() for h in rows[0]]
    raw = set(header)
    header = [ALIASES[h] if h in ALIASES and ALIASES[h] not in raw else h for h in header]
    missing = [c for c in COLUMNS if c not in header]
    if missing:
        raise InputError(f"{path}: missing column(s) {', '.join(missing)}; expected {', '.join(COLUMNS)}")
    records = []
    for number, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            raise InputError(f"{path}: row {number}: {len(row)} fields, expected {len(header)}")
        record = {h: cell.strip() for h, cell in zip(header, row)}
        if not record["file"]:
            raise InputError(f"{path}: row {number}: empty file name")
        year = record["year"][:4]
        if record["year"] and not re.fullmatch(r"\d{4}", year):
            raise InputError(f"{path}: row {number}: year {record['year']!r} is not a year")
        record["year"] = year
        record["_row"] = number
        records.append(record)
    if not records:
        raise InputError(f"{path}: no document rows")
    frame = pd.DataFrame(records)
    for column in OPTIONAL:
        if column not in frame:
            frame[column] = ""
    for column in ("city", "province", "type"):
        frame[column] = frame[column].replace("", UNKNOWN)
    frame["city_zh"] = frame.city_zh.where(frame.city_zh != "", frame.city)
    return frame


def match_documents(meta: pd.DataFrame, documents: list[Path], meta_path: Path) -> dict[Path, dict]:
    """Each document's metadata row.  A row's ``file`` is matched against the documents by
    path (relative to the metadata file's folder, or as given) and then by file name; a row
    naming no document, or a document with no row, is an error."""
    by_path = {p.resolve(): p for p in documents}
    by_name: dict[str, list[Path]] = {}
    for p in documents:
        by_name.setdefault(p.name, []).append(p)
    out: dict[Path, dict] = {}
    for record in meta.to_dict("records"):
        named = Path(record["file"])
        candidates = [named if named.is_absolute() else meta_path.parent / named, named]
        doc = next((by_path[c.resolve()] for c in candidates if c.resolve() in by_path), None)
        if doc is None and len(by_name.get(named.name, [])) == 1:
            doc = by_name[named.name][0]
        if doc is None:
            raise InputError(f"{meta_path}: row {record['_row']}: {record['file']}: no such document "
                             f"among the inputs")
        if doc in out:
            raise InputError(f"{meta_path}: row {record['_row']}: {record['file']}: listed twice")
        out[doc] = {k: v for k, v in record.items() if k != "_row"}
    unlisted = [p for p in documents if p not in out]
    if unlisted:
        raise InputError(f"{meta_path}: no row for {unlisted[0]}"
                         + (f" (and {len(unlisted) - 1} more)" if len(unlisted) > 1 else ""))
    return out
