"""Heading markers of Chinese plans: recognising them, numbering them, and splitting run-in ones.

Ranks (smaller is higher): appendix 0, 第X章 1, 第X节 2, 一、 3, （一） 4, 1. 5, 专栏 6.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from research.text.patterns import BREAK_ZH, NUMERALS, SMALL_NUMERALS

CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
             "八": 8, "九": 9}

RANKS = {"appendix": 0, "chapter": 1, "section": 2, "top": 3, "paren": 4, "arabic": 5, "box": 6}

MARKER = re.compile(
    rf"(?P<chapter>第(?P<chapter_n>[{NUMERALS}]+)章)"
    rf"|(?P<section>第(?P<section_n>[{NUMERALS}]+)节)"
    rf"|(?P<top>(?P<top_n>[{SMALL_NUMERALS}]+)、)"
    rf"|(?P<paren>（(?P<paren_n>[{SMALL_NUMERALS}]+)）)"
    r"|(?P<box>专栏\s*(?P<box_n>\d+))"
    r"|(?P<arabic>(?P<arabic_n>\d{1,2})[.、](?!\d))"
)
#: Where a marker that can open a run-in heading (chapter, section, top, paren) may start: a
#: quick test before MARKER's finer one (segment's RUN_IN_KINDS).
RUN_IN_MARKER = re.compile(f"第[{NUMERALS}]+[章节]|[{SMALL_NUMERALS}]+、|（[{SMALL_NUMERALS}]+）")

#: Words a heading of a Chinese plan typically ends with (its nominal head).
HEAD_END = sorted(
    "体制机制 制度体系 体系 机制 制度 质量 发展 建设 水平 基础 形势 机遇 因素 挑战 要求 思想 原则 "
    "目标 实施 氛围 改革 管理 服务 能力 措施 格局 环境 领导 结算 供给 治理 安全 成就 思路 "
    "举措 情况 问题 保险".split(),
    key=len, reverse=True,
)
HEAD_END_RE = re.compile("|".join(HEAD_END))

#: How the body of a plan's paragraph typically begins.
BODY_START = re.compile(
    r"^(?:[“「《（(]|坚持|以|按照|根据|为|当前|随着|到20|在|完善|加强|推进|推动|健全|建立|建设|深化|"
    r"促进|提升|提高|优化|实施|实行|落实|强化|支持|鼓励|加快|全面|积极|持续|规范|探索|发挥|聚焦|"
    r"贯彻|严格|做好|统筹|创新|扩大|逐步|稳步|合理|依法|有效|统一|构建|引导|开展|确保|衔接|"
    r"“十|党|市委|我市|全市|各级)"
)

#: Where the words of a run-in heading stop at the latest: a sentence end, a colon or a comma
#: (an enumeration comma 、 does not stop them: "（一）建立统一、高效的经办体系").
HEADING_STOP = BREAK_ZH + "，"
MIN_HEAD, MAX_HEAD = 4, 30


def cn_number(text: str) -> int:
    """Value of a Chinese numeral up to 99 (十一 = 11, 二十 = 20)."""
    if text.isdigit():
        return int(text)
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (CN_DIGITS.get(ones, 0) if ones else 0)
    return CN_DIGITS.get(text, 0)


@dataclass
class Marker:
    kind: str
    number: int
    start: int
    end: int


def marker_at(text: str, pos: int = 0) -> Marker | None:
    """The heading marker starting exactly at ``pos``, if any."""
    m = MARKER.match(text, pos)
    if not m:
        return None
    for kind in ("chapter", "section", "top", "paren", "box", "arabic"):
        if m.group(kind):
            return Marker(kind, cn_number(m.group(f"{kind}_n")), m.start(), m.end())
    return None


def split_run_in_heading(text: str) -> int:
    """Length of the heading at the start of ``text`` (marker removed) when a body follows it
    without punctuation, as in "提升基本医疗保险参保质量依法依规分类参保。".

    Candidates end on a typical heading word; the first whose remainder starts like a body
    wins, else the first whose remainder does not start with another heading word.
    """
    cut = len(text)
    for ch in HEADING_STOP:
        idx = text.find(ch)
        if idx != -1:
            cut = min(cut, idx)
    region = text[:cut]
    if cut == len(text) or len(region) <= MIN_HEAD:
        return len(region) if cut == len(text) else 0
    candidates = [m.end() for m in HEAD_END_RE.finditer(region)
                  if MIN_HEAD <= m.end() <= MAX_HEAD and m.end() < len(region)]
    for end in candidates:
        if BODY_START.match(text[end:]) and not HEAD_END_RE.match(text[end:]):
            return end
    for end in candidates:
        if not HEAD_END_RE.match(text[end:]):
            return end
    return 0
