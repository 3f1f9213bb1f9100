"""Spans removed inside lines: HTML tags, glued pinyin, injected SEO strings, a trailing link
list, a closing signature; and damaged spans, which are kept but counted."""

from __future__ import annotations

import bisect
import html
import re

from research.corpus.cleaning_report import CleaningReport
from research.text.patterns import CJK, CJK_CHAR

HTML_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<!--.*?-->", re.S)

#: SEO strings injected inside words by the capturing site: a gambling brand followed by at least
#: one of its site words ("凯发网站的"); a brand name alone (or 澳门 in a sentence) is left alone.
SEO_INJECTION = re.compile(
    r"(?:凯发|尊龙|新葡京|威尼斯人|亚博|必威|乐鱼|开云|澳门(?:新葡京|威尼斯人|金沙|银河)|bet365|BET365)"
    r"(?:k8|K8|一触即发|娱乐|体育|官网|网站|平台|app|APP|登录|首页)+的?"
)

#: Pinyin glued after a character, e.g. "醫(yī)療": a tone-marked syllable in parentheses, or
#: (only in a capture that has tone-marked ones, see :func:`strip_pinyin`) an unmarked
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


def strip_html(text: str, report: CleaningReport) -> str:
    """``text`` without HTML tags and entities; a tag spanning lines leaves its line breaks, so
    lines keep their numbers."""
    line_starts = [0] + [m.end() for m in re.finditer("\n", text)]
    for m in HTML_TAG.finditer(text):
        line = bisect.bisect_right(line_starts, m.start())
        report.drop("html_tags", line, m.group(0), m.start() - line_starts[line - 1] + 1, whole_line=False)
    report.count("html_tags")
    return html.unescape(HTML_TAG.sub(lambda m: "\n" * m.group(0).count("\n"), text))


def strip_pinyin(lines: list[str], text: str, report: CleaningReport) -> None:
    """Remove glued pinyin from ``lines`` in place: tone-marked syllables always, unmarked ones
    too when ``text`` (the whole capture) holds at least PINYIN_MIN_TONED tone-marked ones."""
    glued = len(PINYIN_TONED.findall(text, 0, 2_000_000)) >= PINYIN_MIN_TONED
    glue = PINYIN_GLUE if glued else PINYIN_TONED
    for n, line in enumerate(lines):
        if "(" in line or "（" in line:
            for m in glue.finditer(line):
                report.drop("glued_pinyin", n + 1, m.group(0), m.start() + 1, whole_line=False)
            lines[n] = glue.sub("", line)
    report.count("glued_pinyin")


def strip_inline(lines: list[str], keep: list[bool], report: CleaningReport) -> str:
    """The kept lines, joined, without SEO injections, a trailing link list and signatures
    (a signature ends its line)."""
    kept = [line for i, line in enumerate(lines) if keep[i]]
    whole = "\n".join(kept)
    for rule in ("seo_injection", "inline_trailer", "signature"):
        report.count(rule)
    if not any(rule.search(whole) for rule in (SEO_INJECTION, INLINE_TRAILER, SIGNATURE)):
        return whole
    out = []
    for i, line in enumerate(lines):
        if keep[i]:
            out.append(_strip_line(line, i + 1, report))
    return "\n".join(out)


def _strip_line(line: str, number: int, report: CleaningReport) -> str:
    for m in SEO_INJECTION.finditer(line):
        report.drop("seo_injection", number, m.group(0), m.start() + 1, whole_line=False)
    line = SEO_INJECTION.sub("", line)
    m = INLINE_TRAILER.search(line)
    if m:
        report.drop("inline_trailer", number, m.group(0), m.start() + 1, whole_line=False)
        line = line[: m.start()]
    for m in SIGNATURE.finditer(line):
        report.drop("signature", number, m.group(0), m.start() + 1, whole_line=False)
    return SIGNATURE.sub("\n", line)


def split_repeated_title(text: str) -> str:
    """Put the plan's own title on its own line where a run-in capture glued it to the body."""
    match = ISSUED_TITLE.search(text)
    if not match:
        return text
    title = match.group(1).strip("《》")
    pattern = re.compile(f"(?m)^({re.escape(title)})(?=[^\\n])")
    return pattern.sub(r"\1\n", text)


def count_damage(text: str, report: CleaningReport) -> None:
    """Count the damaged spans next to Chinese text (they are kept) and quote up to ten."""
    spans = [m for m in DAMAGE.finditer(text) if _touches_cjk(text, m)]
    report.damaged_spans = len(spans)
    report.damaged_examples = [text[max(0, m.start() - 3): m.end() + 3] for m in spans[:10]]


def _touches_cjk(text: str, match: re.Match) -> bool:
    before = text[match.start() - 1] if match.start() else ""
    after = text[match.end()] if match.end() < len(text) else ""
    return bool(CJK_CHAR.match(before or " ") or CJK_CHAR.match(after or " "))
