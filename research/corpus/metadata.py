"""Document metadata inferred from a cleaned document: city, province, year and type, from its
title line, issuing body, text and file name (used by a study when no ``--meta`` is given)."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

from research.text.patterns import CJK

UNKNOWN = "unknown"

#: Title or issuing-body forms that name a city: 青岛市人民政府…, 青岛市医疗保障“十四五”规划.
_CITY_TITLE = re.compile(rf"^(?:关于印发)?([{CJK}]{{2,4}}?)市(?=人民政府|医疗保障|医保|“十四五”|十四五|卫生|政府)")
_CITY_BODY = re.compile(rf"([{CJK}]{{2,4}}?)市(?:人民政府办公室|人民政府|医疗保障局|医保局)")
_CITY_ANY = re.compile(rf"([{CJK}]{{2}})市")
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
    """The province named most often in ``text``."""
    counts = Counter({p: text.count(p) for p in _PROVINCES})
    best, n = counts.most_common(1)[0]
    return best if n else UNKNOWN


def infer_year(title_lines: list[str], text: str, file_name: str) -> str:
    """Year of the first date of the title lines, else of the last date of the text, else a
    year in the file name ("" when none)."""
    for source in (" ".join(title_lines), text):
        dates = _YEAR_DATE.findall(source)
        if dates:
            return dates[-1] if source is text else dates[0]
    match = _YEAR.search(file_name)
    return match.group(1) if match else ""


def infer_type(title_lines: list[str], file_name: str) -> str:
    """Document type from the first keyword of :data:`TYPES` in the title lines, else in the
    file name."""
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
