"""Cleaning rules for raw web captures of plan documents.

Each rule is a small function over the text or its lines; :func:`clean_text` applies them in
a fixed order and counts, per rule, the characters and lines it removed.  Nothing here knows
about a particular seed file: the rules are patterns of web furniture, spam, encoding damage
and script.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")

# --- line rules -----------------------------------------------------------------------------

#: Spam and adult-site link lines (injected into captured pages).
SPAM_LINE = re.compile(
    r"久久|精品|无码|人妻|国产|在线观看|免费视频|视频免费|亚洲|欧美|日韩|一区二区|成人|午夜|"
    r"AV|ririri|av免费|黄色|色情|彩票|棋牌|娱乐城|百家乐"
)

#: Page furniture: navigation, metadata, footers, link lists.
FURNITURE_LINE = re.compile(
    r"^(?:上一篇|下一篇|关闭|打印|【?关闭|【?打印|相关附件|相关文件|附件下载|分享到|扫一扫|"
    r"当前位置|您的位置|首页|搜索|发布部门|发布时间|发布日期|有效性|发文单位|发文日期|发文字号|"
    r"主题分类|索引号|来源|作者|浏览次数|访问量|字号|责任编辑|更多)"
    r"|版权所有|ICP|公网安备|备案序号|联系电话|主办单位|承办单位|技术支持|网站标识码|"
    r"分辨率|欢迎您|政策是否有效|请慎用|政府信息公开$|^政策$"
)

#: A line that only holds a date (the second line of a related-link item).
DATE_LINE = re.compile(r"^\d{4}[-./年]\d{1,2}[-./月]\d{1,2}日?$")

#: Sentence punctuation: a line with any of it is prose, not a menu entry.
SENTENCE_PUNCT = re.compile(r"[。；！？：，,;:!?]")

#: Markers that make a short line a heading (kept even when short).
HEADING_START = re.compile(
    r"^(?:第[一二三四五六七八九十百零〇\d]+[章节篇部分]|[一二三四五六七八九十]+[、．.]|"
    r"[（(][一二三四五六七八九十]+[）)]|\d{1,2}[．.、]|专栏\s*\d+|表\s*\d+|附件|附录|——)"
)

#: Words that make a short line the title of a document.
TITLE_WORDS = re.compile(r"规划|报告|意见|方案|通知|办法|纲要|计划|决定|实施细则")

# --- inline rules ---------------------------------------------------------------------------

HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)

#: SEO strings injected inside words by the capturing site (gambling brands and their suffixes).
SEO_INJECTION = re.compile(
    r"(?:凯发|尊龙|新葡京|威尼斯人|亚博|必威|乐鱼|开云|澳门[\u4e00-\u9fff]{0,2}?|bet365|BET365)"
    r"(?:k8|K8|一触即发|国际|娱乐|体育|官网|网站|平台|app|APP|登录|首页)*的?"
)

#: Pinyin glued after a character, e.g. "醫(yī)療": a tone-marked syllable in parentheses, or
#: an unmarked lower-case one right after a Chinese character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_GLUE = re.compile(
    f"[(（][a-zü]{{0,6}}[{_TONED}][a-zü]{{0,6}}[)）]|(?<=[{CJK}])[(（][a-zü]{{1,6}}[)）]"
)

#: Characters lost in a capture: '?', U+FFFD, private-use glyphs, stray backslashes.
DAMAGE = re.compile(r"[?？\ufffd\ue000-\uf8ff\\]+[;；!！~]*")

#: Inline footers of run-in captures: links to policy interpretations.
INLINE_TRAILER = re.compile(r"(?:政策解读[|｜][^。]*)$")

#: A signature and date at the end of a notice, e.g. "滨州市人民政府办公室2022年6月8日(此件公开发布)".
SIGNATURE = re.compile(
    f"(?<=[。！])[{CJK}]{{2,20}}?(?:人民政府办公室|人民政府|办公厅|办公室|医疗保障局|委员会)"
    r"\s*\d{4}年\d{1,2}月\d{1,2}日(?:[(（]此件公开发布[)）]|印发)?"
)

#: "关于印发X的通知": X is the plan's own title, repeated before its body.
ISSUED_TITLE = re.compile(r"关于印发(.{4,60}?)的通知")

WHITESPACE = re.compile(r"[ \u00a0\u2000-\u200b\u3000\u202f\u205f\ufeff]+")

#: ASCII punctuation turned full-width next to Chinese text.
_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "!": "！", "?": "？", "(": "（", ")": "）"}
_FULL_ALNUM = {chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})
_FULL_ALNUM.update({chr(c): chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})
_FULL_ALNUM.update({"．": ".", "％": "%", "＋": "+", "－": "-", "／": "/"})
_FULL_ALNUM_TABLE = str.maketrans(_FULL_ALNUM)


@dataclass
class CleaningReport:
    """What each rule removed from one document."""

    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    rules: dict = field(default_factory=dict)
    damaged_spans: int = 0
    damaged_examples: list = field(default_factory=list)
    script: str = "simplified"
    traditional_share: float = 0.0

    def count(self, rule: str, chars: int = 0, lines: int = 0) -> None:
        entry = self.rules.setdefault(rule, {"chars_removed": 0, "lines_removed": 0})
        entry["chars_removed"] += chars
        entry["lines_removed"] += lines

    def as_dict(self) -> dict:
        return {
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "lines_in": self.lines_in,
            "lines_out": self.lines_out,
            "script": self.script,
            "traditional_share": round(self.traditional_share, 4),
            "damaged_spans": self.damaged_spans,
            "damaged_examples": self.damaged_examples,
            "rules": self.rules,
        }


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def to_simplified(text: str) -> str:
    """Convert traditional characters to simplified (OpenCC ``t2s``)."""
    return _t2s().convert(text)


def traditional_share(text: str, sample: int = 4000) -> float:
    """Share of Chinese characters that OpenCC changes when converting to simplified."""
    chunk = "".join(_CJK_RE.findall(text[: sample * 8]))[:sample]  # Chinese characters only
    if not chunk:
        return 0.0
    converted = to_simplified(chunk)
    if converted == chunk:
        return 0.0
    if len(converted) != len(chunk):  # a one-to-many conversion: compare character sets
        return len(set(chunk) - set(converted)) / len(set(chunk))
    return sum(a != b for a, b in zip(chunk, converted)) / len(chunk)


_NEXT_TO_CJK = {ch: re.compile(f"(?<=[{CJK}]){re.escape(ch)}|{re.escape(ch)}(?=[{CJK}])")
                for ch in ",:!?"}
_FULL_WIDTH_ALNUM = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a．％＋－／]")


def normalize_punctuation(text: str) -> str:
    """Full-width punctuation next to Chinese, half-width letters and digits everywhere.

    ASCII ``, : ! ?`` become full-width when a Chinese character touches them (so "1,000",
    "2:1" and "DRG, DIP" keep theirs); parentheses and ``;`` always do.
    """
    if _FULL_WIDTH_ALNUM.search(text):
        text = text.translate(_FULL_ALNUM_TABLE)
    text = text.replace("(", "（").replace(")", "）").replace(";", "；")
    for ch, pattern in _NEXT_TO_CJK.items():
        if ch in text:
            text = pattern.sub(_HALF_TO_FULL[ch], text)
    return text


def _is_menu_line(line: str, previous: str) -> bool:
    """A short line without sentence punctuation that is neither heading nor title."""
    if line.startswith("\t") or previous.startswith("\t"):
        return False  # table cells and their continuations
    if len(line) >= 20 or SENTENCE_PUNCT.search(line):
        return False
    if HEADING_START.match(line):
        return False
    if TITLE_WORDS.search(line) and len(_CJK_RE.findall(line)) >= 6:
        return False
    return True


def clean_text(raw: str) -> tuple[str, CleaningReport]:
    """Clean one captured document; return the text (one paragraph a line) and the report."""
    report = CleaningReport(chars_in=len(raw), lines_in=raw.count("\n") + 1)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")

    # HTML tags and entities.
    stripped = HTML_TAG.sub("", text)
    report.count("html_tags", len(text) - len(stripped))
    text = html.unescape(stripped)

    # White space: keep a leading tab (table cells), fold the rest.
    lines = []
    for line in text.split("\n"):
        tab = line.lstrip(" \u3000\u00a0").startswith("\t")
        line = WHITESPACE.sub(" ", line.replace("\t", " ")).strip()
        lines.append(("\t" + line) if tab else line)  # "\t" alone: an empty table cell

    # Glued pinyin, then script: traditional to simplified when the text is traditional.
    text = "\n".join(lines)
    new = PINYIN_GLUE.sub("", text)
    report.count("glued_pinyin", len(text) - len(new))
    report.traditional_share = traditional_share(new)
    if report.traditional_share > 0.05:
        report.script = "traditional"
        new = to_simplified(new)
    lines = new.split("\n")

    # Line rules.
    kept: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        body = line.lstrip("\t")
        if not body:
            kept.append(line)
            i += 1
            continue
        nxt = next((x for x in lines[i + 1:] if x), "")
        if SPAM_LINE.search(body) and not re.search("[。；]", body):
            report.count("spam_lines", len(body), 1)
        elif FURNITURE_LINE.search(body) and len(body) < 120:
            report.count("furniture_lines", len(body), 1)
        elif DATE_LINE.match(body):
            report.count("related_links", len(body), 1)
        elif DATE_LINE.match(nxt.lstrip("\t")) and not SENTENCE_PUNCT.search(body.replace("(", "").replace(")", "")):
            report.count("related_links", len(body), 1)
        elif not _CJK_RE.search(body) and not line.startswith("\t"):
            report.count("non_chinese_lines", len(body), 1)
        elif re.sub(r"\s", "", body) in ("目录", "目次"):
            i = _skip_contents(lines, i, report)
            continue
        elif _is_menu_line(line, next((x for x in reversed(kept) if x), "")):
            report.count("menu_lines", len(body), 1)
        else:
            kept.append(line)
        i += 1

    text = "\n".join(kept)

    # Inline rules.
    new = SEO_INJECTION.sub("", text)
    report.count("seo_injection", len(text) - len(new))
    text = new
    new_lines = []
    for line in text.split("\n"):
        trimmed = INLINE_TRAILER.sub("", line)
        report.count("inline_trailer", len(line) - len(trimmed))
        signed = SIGNATURE.sub("\n", trimmed)
        report.count("signature", len(trimmed) - len(signed.replace("\n", "")))
        new_lines.append(signed)
    text = "\n".join(new_lines)
    text = _split_repeated_title(text)

    # Damaged spans are kept, and counted.
    spans = [m for m in DAMAGE.finditer(text) if _touches_cjk(text, m)]
    report.damaged_spans = len(spans)
    report.damaged_examples = [text[max(0, m.start() - 3): m.end() + 3] for m in spans[:10]]

    text = normalize_punctuation(text)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n") + "\n"
    report.chars_out = len(text)
    report.lines_out = sum(1 for line in text.split("\n") if line.strip())
    return text, report


def _touches_cjk(text: str, match: re.Match) -> bool:
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return bool(_CJK_RE.match(before or " ") or _CJK_RE.match(after or " "))


def _skip_contents(lines: list[str], i: int, report: CleaningReport) -> int:
    """Drop a table of contents: from its title to where its first entry repeats."""
    entries = [j for j in range(i + 1, len(lines)) if lines[j]]
    if not entries:
        return i + 1
    first = lines[entries[0]]
    for j in entries[1:]:
        if lines[j] == first:
            removed = [x for x in lines[i:j] if x]
            report.count("table_of_contents", sum(map(len, removed)), len(removed))
            # The plan title often repeats right before the body; it stays.
            return j
    report.count("table_of_contents", len(lines[i]), 1)
    return i + 1


def _split_repeated_title(text: str) -> str:
    """Put the plan's own title on its own line where a run-in capture glued it to the body."""
    match = ISSUED_TITLE.search(text)
    if not match:
        return text
    title = match.group(1).strip("《》")
    pattern = re.compile(f"(?m)^({re.escape(title)})(?=[^\\n])")
    return pattern.sub(r"\1\n", text)
