"""Heading-based "silver" labels: the area a unit's section path names, where it names one.

Plans often name the area in their headings ("完善基本医疗保险筹资运行机制"); the deepest heading
on a unit's path that names exactly one area decides.  Units whose path names none get no silver
label.  This is the baseline the classifier must beat, and a check on the gold labels.
"""

from __future__ import annotations

import re

import pandas as pd

#: Heading patterns per label, written from the framework's area names.
HEADING_PATTERNS = {
    "multi_tier": r"多层次|商业健康保险|补充医疗保险|医疗互助|长期护理保险|普惠|惠民保|浙丽保|慈善",
    "benefits": r"待遇|医疗救助|救助制度|门诊|大病保险|生育|个人账户",
    "financing": r"筹资|统筹|基金预算|基金安全|可持续",
    "payment": r"支付|目录|协议管理|定点管理",
    "supervision": r"监管|监督|欺诈骗保|飞行检查",
    "supply": r"价格|带量采购|集中采购|医药服务供给|供给侧|供给体系",
    "service": r"公共服务|经办|管理服务|信息化|智慧医保|数字医保|法治|人才队伍|电子凭证|异地就医|服务支撑",
    "other": r"指导思想|基本原则|发展目标|组织领导|保障措施|规划实施|舆论|宣传|财政保障|监督考核|总体要求",
}
_COMPILED = {code: re.compile(p) for code, p in HEADING_PATTERNS.items()}


def heading_label(heading: str) -> str:
    """The one label a heading names, or "" when it names none or several."""
    hits = [code for code, pattern in _COMPILED.items() if pattern.search(heading)]
    return hits[0] if len(hits) == 1 else ""


def silver_label(section_path: str) -> str:
    """Label named by the deepest heading of the path that names exactly one area."""
    for heading in reversed([h for h in section_path.split(" > ") if h]):
        code = heading_label(heading)
        if code:
            return code
    return ""


def silver_labels(units: pd.DataFrame) -> pd.DataFrame:
    """``unit_id, silver`` for every unit ("" where the headings name no single area)."""
    return pd.DataFrame({"unit_id": units.unit_id,
                         "silver": [silver_label(p) for p in units.section_path]})
