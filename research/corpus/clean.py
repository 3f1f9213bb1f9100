"""Cleaning rules for raw web captures of plan documents.

A capture is a page: furniture before the plan (menus, breadcrumbs, metadata), the plan's body, and
furniture after it (footers, related links, spam).  The rules judge a line by its place on that
page, not by a word it contains:

- before the body (the first line of prose or the first numbered heading) and after it (the last
  line of prose), page furniture is dropped: menus, metadata labels, link lists, spam, dates;
- inside the body a line is dropped only on strong structural evidence: a table of contents, a
  block of four or more menu-like lines, a run of related-link items (title, then date), a line
  of three or more distinct spam terms, or a line of bare separators;
- a numbered heading is never dropped, and neither is a table line;
- inline, only known injected strings, HTML tags, glued pinyin, a closing signature and a
  trailing "政策解读|…" link list are removed.

Every removed span is recorded (:class:`Dropped`: line, column, rule, text), so a user can audit
what was removed and why (``dropped.csv``).  Nothing here knows about a particular seed file.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

CJK = r"\u3400-\u9fff\uf900-\ufaff"
_CJK_RE = re.compile(f"[{CJK}]")

# --- line rules -----------------------------------------------------------------------------

#: Spam and adult-site terms.  Outside the body one of them marks a link line; inside the body a
#: line is spam only when it holds three or more distinct ones (a plan may say 国产 or 成人).
SPAM_LINE = re.compile(
    r"久久|精品|无码|人妻|国产|在线观看|免费视频|视频免费|亚洲|欧美|日韩|一区二区|成人|午夜|"
    r"AV|ririri|av免费|黄色|色情|彩票|棋牌|娱乐城|百家乐"
)

#: Page furniture: navigation, metadata, footers, link lists (used only outside the body).
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

#: SEO strings injected inside words by the capturing site: a gambling brand followed by at least
#: one of its site words ("凯发网站的"); a brand name alone (or 澳门 in a sentence) is left alone.
SEO_INJECTION = re.compile(
    r"(?:凯发|尊龙|新葡京|威尼斯人|亚博|必威|乐鱼|开云|澳门(?:新葡京|威尼斯人|金沙|银河)|bet365|BET365)"
    r"(?:k8|K8|一触即发|娱乐|体育|官网|网站|平台|app|APP|登录|首页)+的?"
)

#: Pinyin glued after a character, e.g. "醫(yī)療": a tone-marked syllable in parentheses, or
#: (only in a capture that has tone-marked ones, see :func:`_strip_pinyin`) an unmarked
#: lower-case one right after a Chinese character.
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜ"
PINYIN_TONED = re.compile(f"[(（][a-zü]{{0,6}}[{_TONED}][a-zü]{{0,6}}[)）]")
PINYIN_GLUE = re.compile(
    f"[(（][a-zü]{{0,6}}[{_TONED}][a-zü]{{0,6}}[)）]|(?<=[{CJK}])[(（][a-zü]{{1,6}}[)）]"
)
PINYIN_MIN_TONED = 3  # tone-marked glued syllables that show a capture carries the artifact

#: Characters lost in a capture: '?', U+FFFD, private-use glyphs, stray backslashes.
DAMAGE = re.compile(r"[?？\ufffd\ue000-\uf8ff\\]+[;；!！~]*")

#: Inline footers of run-in captures: links to policy interpretations.
INLINE_TRAILER = re.compile(r"(?:政策解读[|｜][^。]*)$")

#: A signature and date at the end of a notice, e.g. "滨州市人民政府办公室2022年6月8日(此件公开发布)".
SIGNATURE = re.compile(
    f"(?<=[。！])[{CJK}]{{2,20}}?(?:人民政府办公室|人民政府|办公厅|办公室|医疗保障局|委员会)"
    r"\s*\d{4}年\d{1,2}月\d{1,2}日(?:[(（]此件公开发布[)）]|印发$|$)",
    re.M,
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


@dataclass(frozen=True)
class Dropped:
    """One removed span: 1-based line and column in the document's text, the rule, the text."""

    line: int
    column: int
    rule: str
    text: str


@dataclass
class CleaningReport:
    """What each rule removed from one document, and every removed span."""

    chars_in: int = 0
    chars_out: int = 0
    lines_in: int = 0
    lines_out: int = 0
    rules: dict = field(default_factory=dict)
    damaged_spans: int = 0
    damaged_examples: list = field(default_factory=list)
    script: str = "simplified"
    traditional_share: float = 0.0
    dropped: list = field(default_factory=list)
    body: tuple = (0, 0)  # first and last line (1-based) of the plan's body

    def count(self, rule: str, chars: int = 0, lines: int = 0) -> None:
        entry = self.rules.setdefault(rule, {"chars_removed": 0, "lines_removed": 0})
        entry["chars_removed"] += chars
        entry["lines_removed"] += lines

    def drop(self, rule: str, line: int, text: str, column: int = 1, whole_line: bool = True) -> None:
        """Record a removed span (and count it under its rule)."""
        if not text:
            return
        self.count(rule, len(text), 1 if whole_line else 0)
        self.dropped.append(Dropped(line, column, rule, text))

    def dropped_rows(self, doc_id: str) -> list[dict]:
        """The removed spans as rows of ``dropped.csv``."""
        return [{"doc_id": doc_id, "line": d.line, "column": d.column, "rule": d.rule,
                 "chars": len(d.text), "text": d.text} for d in self.dropped]

    def as_dict(self) -> dict:
        return {
            "chars_in": self.chars_in,
            "chars_out": self.chars_out,
            "lines_in": self.lines_in,
            "lines_out": self.lines_out,
            "body_lines": list(self.body),
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
    if _is_title(line):
        return False
    return True


def _is_title(line: str) -> bool:
    return bool(TITLE_WORDS.search(line)) and len(_CJK_RE.findall(line)) >= 6


def _has_cjk(text: str, n: int) -> bool:
    """At least ``n`` Chinese characters (stops counting there: lines can be a whole plan)."""
    return sum(1 for _ in islice(_CJK_RE.finditer(text), n)) >= n


def _is_heading(line: str) -> bool:
    """A numbered heading ("一、", "（三）", "第二章", "专栏1" ...) with words after its marker."""
    m = HEADING_START.match(line)
    return bool(m) and _has_cjk(line[m.end():m.end() + 200], 2)


def _is_prose(line: str) -> bool:
    """A line of the plan's running text: it ends a sentence somewhere."""
    return "。" in line and _has_cjk(line, 8)


def _spam_terms(line: str) -> int:
    return len(set(SPAM_LINE.findall(line)))


def body_span(lines: list[str]) -> tuple[int, int]:
    """Indices of the first and last line of the plan's body: from the first line of prose or
    numbered heading to the last line of prose (or table line).  A page with no prose at all is
    body from end to end."""
    first = last = None
    for i, line in enumerate(lines):
        body = line.lstrip("\t")
        prose = _is_prose(body)
        if first is None and (prose or _is_heading(body)):
            first = i
        if prose or (line.startswith("\t") and first is not None):
            last = i
    if first is None or last is None:
        return 0, len(lines) - 1
    return first, max(last, first)


def _furniture_rule(line: str, nxt: str, previous: str) -> str:
    """Why a line outside the body is page furniture ("" when it is not)."""
    body = line.lstrip("\t")
    if _is_heading(body) or line.startswith("\t"):
        return ""
    if SPAM_LINE.search(body) and not re.search("[。；]", body):
        return "spam_lines"
    if FURNITURE_LINE.search(body) and len(body) < 120:
        return "furniture_lines"
    if DATE_LINE.match(body):
        return "related_links"
    if DATE_LINE.match(nxt.lstrip("\t")) and not SENTENCE_PUNCT.search(body.replace("(", "").replace(")", "")):
        return "related_links"
    if not _CJK_RE.search(body):
        return "non_chinese_lines"
    if _is_menu_line(line, previous):
        return "menu_lines"
    return ""


MENU_BLOCK = 4  # this many menu-like lines in a row inside the body are a menu, not a plan


def _body_rules(lines: list[str], keep: list[bool], start: int, end: int, report, line_no) -> None:
    """Drop, inside the body, only what its structure shows is not plan text."""
    spam = any(SPAM_LINE.search(lines[j]) for j in range(start, end + 1))
    i = start
    while i <= end:
        body = lines[i].lstrip("\t")
        if not body or not keep[i]:
            i += 1
            continue
        if lines[i].startswith("\t") or _is_heading(body):
            i += 1
            continue
        if spam and SPAM_LINE.search(body) and _spam_terms(body) >= 3 and not re.search("[。；]", body):
            report.drop("spam_lines", line_no(i), body)
            keep[i] = False
        elif not re.search(r"[\w\u3400-\u9fff]", body):
            report.drop("separator_lines", line_no(i), body)
            keep[i] = False
        else:
            run = _menu_run(lines, keep, i, end)
            if len(run) >= MENU_BLOCK:
                for j in run:
                    rule = "related_links" if _link_item(lines, j) else "menu_block"
                    report.drop(rule, line_no(j), lines[j].lstrip("\t"))
                    keep[j] = False
                i = run[-1] + 1
                continue
        i += 1


def _link_item(lines: list[str], j: int) -> bool:
    body = lines[j].lstrip("\t")
    nxt = next((x for x in lines[j + 1:] if x), "")
    return bool(DATE_LINE.match(body) or DATE_LINE.match(nxt))


def _menu_run(lines: list[str], keep: list[bool], i: int, end: int) -> list[int]:
    """Consecutive non-empty menu-like lines from ``i`` (blank lines between them allowed):
    short, no sentence punctuation, not a heading, not a table line; dates count too."""
    run = []
    j = i
    while j <= end:
        line = lines[j]
        body = line.lstrip("\t")
        if not body:
            j += 1
            continue
        if not keep[j] or line.startswith("\t") or _is_heading(body):
            break
        if not (DATE_LINE.match(body) or (len(body) < 40 and not SENTENCE_PUNCT.search(body.replace("(", "").replace(")", "")))):
            break
        run.append(j)
        j += 1
    return run


def clean_text(raw: str) -> tuple[str, CleaningReport]:
    """Clean one captured document; return the text (one paragraph a line) and the report,
    which lists every removed span (``report.dropped``)."""
    report = CleaningReport(chars_in=len(raw), lines_in=raw.count("\n") + 1)
    text = raw.replace("\r\n", "\n").replace("\r", "\n")
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(offset: int) -> tuple[int, int]:
        import bisect

        line = bisect.bisect_right(line_starts, offset)
        return line, offset - line_starts[line - 1] + 1

    # HTML tags and entities (a tag spanning lines leaves its line breaks, so lines keep numbers).
    for m in HTML_TAG.finditer(text):
        line, column = position(m.start())
        report.drop("html_tags", line, m.group(0), column, whole_line=False)
    report.rules.setdefault("html_tags", {"chars_removed": 0, "lines_removed": 0})
    text = html.unescape(HTML_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), text))

    # White space: keep a leading tab (table cells), fold the rest.
    lines = []
    for line in text.split("\n"):
        tab = line.lstrip(" \u3000\u00a0").startswith("\t")
        line = WHITESPACE.sub(" ", line.replace("\t", " ")).strip()
        lines.append(("\t" + line) if tab else line)  # "\t" alone: an empty table cell

    # Glued pinyin, then script: traditional to simplified when the text is traditional.
    glue = PINYIN_GLUE if len(PINYIN_TONED.findall(text, 0, 2_000_000)) >= PINYIN_MIN_TONED else PINYIN_TONED
    for n, line in enumerate(lines):
        if "(" in line or "（" in line:
            for m in glue.finditer(line):
                report.drop("glued_pinyin", n + 1, m.group(0), m.start() + 1, whole_line=False)
            lines[n] = glue.sub("", line)
    report.rules.setdefault("glued_pinyin", {"chars_removed": 0, "lines_removed": 0})
    new = "\n".join(lines)
    report.traditional_share = traditional_share(new)
    if report.traditional_share > 0.05:
        report.script = "traditional"
        new = to_simplified(new)
    lines = new.split("\n")
    line_no = lambda i: i + 1  # noqa: E731  (lines keep their numbers through every step above)

    # Line rules: table of contents, then page furniture by place, then the body's own rules.
    keep = [True] * len(lines)
    for i, line in enumerate(lines):
        if keep[i] and re.sub(r"\s", "", line) in ("目录", "目次"):
            _skip_contents(lines, keep, i, report)
    live = [i for i in range(len(lines)) if keep[i]]
    start, end = body_span([lines[i] for i in live])
    start, end = (live[start], live[end]) if live else (0, -1)
    report.body = (start + 1, end + 1)
    previous = ""
    for i in live:
        if start <= i <= end:
            previous = lines[i] or previous
            continue
        nxt = next((x for x in lines[i + 1:] if x), "")
        rule = _furniture_rule(lines[i], nxt, previous) if lines[i].lstrip("\t") else ""
        if rule:
            report.drop(("before_body:" if i < start else "after_body:") + rule, line_no(i),
                        lines[i].lstrip("\t"))
            keep[i] = False
        elif lines[i]:
            previous = lines[i]
    _body_rules(lines, keep, start, end, report, line_no)

    # Inline rules, on the kept lines.
    kept: list[str] = []
    whole = "\n".join(line for i, line in enumerate(lines) if keep[i])
    seo, trailer, signed = (bool(rule.search(whole)) for rule in (SEO_INJECTION, INLINE_TRAILER, SIGNATURE))
    for i, line in enumerate(lines):
        if not keep[i]:
            continue
        if not (seo or trailer or signed):
            kept.append(line)
            continue
        for m in SEO_INJECTION.finditer(line):
            report.drop("seo_injection", line_no(i), m.group(0), m.start() + 1, whole_line=False)
        line = SEO_INJECTION.sub("", line)
        m = INLINE_TRAILER.search(line)
        if m:
            report.drop("inline_trailer", line_no(i), m.group(0), m.start() + 1, whole_line=False)
            line = line[: m.start()]
        for m in SIGNATURE.finditer(line):
            report.drop("signature", line_no(i), m.group(0), m.start() + 1, whole_line=False)
        kept.append(SIGNATURE.sub("\n", line))
    for rule in ("seo_injection", "inline_trailer", "signature"):
        report.rules.setdefault(rule, {"chars_removed": 0, "lines_removed": 0})
    text = _split_repeated_title("\n".join(kept))

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


def _toc_key(line: str) -> str:
    """A table-of-contents entry as its heading in the body reads: no spaces, no dot leaders
    or page number."""
    return re.sub(r"[.…·．\-—]*\d*$", "", re.sub(r"\s+", "", line))


def _skip_contents(lines: list[str], keep: list[bool], i: int, report: CleaningReport) -> None:
    """Drop a table of contents: its title, then up to where its first entry repeats (the body's
    first heading) every line that stands again in the body (its entries).  Anything else in
    that stretch (the plan's title, a preamble, a heading the body does not repeat) stays."""
    entries = [j for j in range(i + 1, len(lines)) if lines[j]]
    first = _toc_key(lines[entries[0]]) if entries else None
    end = next((j for j in entries[1:] if _toc_key(lines[j]) == first), None)
    report.drop("table_of_contents", i + 1, lines[i].lstrip("\t"))
    keep[i] = False
    if end is None:
        return
    later = {_toc_key(line) for line in lines[end:] if line}
    stretch = [j for j in range(i + 1, end) if lines[j] and not lines[j].startswith("\t")]
    entry = {j: _toc_key(lines[j]) in later for j in stretch}
    for k, j in enumerate(stretch):  # an entry the body words differently, between two entries
        if not entry[j] and HEADING_START.match(lines[j]) and not SENTENCE_PUNCT.search(lines[j]):
            entry[j] = 0 < k < len(stretch) - 1 and entry[stretch[k - 1]] and entry[stretch[k + 1]]
    for j in stretch:
        if entry[j]:
            report.drop("table_of_contents", j + 1, lines[j])
            keep[j] = False


def _split_repeated_title(text: str) -> str:
    """Put the plan's own title on its own line where a run-in capture glued it to the body."""
    match = ISSUED_TITLE.search(text)
    if not match:
        return text
    title = match.group(1).strip("《》")
    pattern = re.compile(f"(?m)^({re.escape(title)})(?=[^\\n])")
    return pattern.sub(r"\1\n", text)
