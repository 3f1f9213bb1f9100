"""What a single line of a capture is: heading, prose, title, menu entry or page furniture.

The predicates judge one line (with its neighbours where the rule needs them); where on the page
the line stands, and hence which predicate applies, is decided in :mod:`research.corpus.body`.
"""

from __future__ import annotations

import re

from research.text.patterns import CJK_CHAR, CLAUSE, HEADING_START, SENTENCE_END, has_cjk

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

#: Punctuation that makes a line prose, not a menu entry: sentence ends and clause separators
#: except the enumeration comma 、, which lists menu entries as well ("通知、公告").
LINE_PUNCT = re.compile(f"[{SENTENCE_END}{CLAUSE.replace('、', '')}]")

#: A sentence or clause end (。 ；): a line with one is text, whatever spam words it holds.
CLAUSE_END = re.compile("[。；]")

#: A page control: a short label, a colon, then only short options ("【字体：大 中 小】",
#: "分享到： 微信 微博").
PAGE_CONTROLS = re.compile(r"^[【\[]?[^：:。，]{1,6}[：:](?:\s*[^\s：:。，]{1,3})+\s*[】\]]?$")

#: Words that make a short line the title of a document.
TITLE_WORDS = re.compile(r"规划|报告|意见|方案|通知|办法|纲要|计划|决定|实施细则")


def is_table_line(line: str) -> bool:
    """A table cell: the cleaner keeps one leading tab on such lines."""
    return line.startswith("\t")


def is_heading(line: str) -> bool:
    """A numbered heading ("一、", "（三）", "第二章", "专栏1" ...) with words after its marker."""
    m = HEADING_START.match(line)
    return bool(m) and has_cjk(line[m.end():m.end() + 200], 2)


def is_prose(line: str) -> bool:
    """A line of the plan's running text: it ends a sentence somewhere."""
    return "。" in line and has_cjk(line, 8)


def is_title(line: str) -> bool:
    """A short line naming a document ("……规划", "……的通知")."""
    return bool(TITLE_WORDS.search(line)) and has_cjk(line, 6)


def is_menu_line(line: str, previous: str) -> bool:
    """A short line without sentence punctuation that is neither heading nor title."""
    if is_table_line(line) or is_table_line(previous):
        return False  # table cells and their continuations
    if len(line) >= 20 or LINE_PUNCT.search(line):
        return False
    return not HEADING_START.match(line) and not is_title(line)


def is_menu_like(line: str) -> bool:
    """A line that could be an entry of a menu block inside the body: a date, or short and
    without sentence punctuation."""
    return bool(DATE_LINE.match(line)) or (len(line) < 40 and not LINE_PUNCT.search(line))


def spam_terms(line: str) -> int:
    """Number of distinct spam terms in ``line``."""
    return len(set(SPAM_LINE.findall(line)))


def is_spam(line: str, min_terms: int = 1) -> bool:
    """At least ``min_terms`` distinct spam terms, and no sentence or clause end."""
    return bool(SPAM_LINE.search(line)) and spam_terms(line) >= min_terms and not CLAUSE_END.search(line)


def is_front_matter(line: str, nxt: str, previous: str) -> bool:
    """A line that addresses, signs, dates or numbers the document (kept around the body): a
    date only below an issuing body or as a speech's date line, never in a list of links."""
    from research.corpus.front_matter import DATE_ONLY, is_issuer, line_kind

    kind = line_kind(line, previous, nxt)
    if kind == "date":
        return not DATE_ONLY.match(line) or is_issuer(previous)
    return bool(kind)


def furniture_rule(line: str, nxt: str, previous: str) -> str:
    """Why a line outside the body is page furniture ("" when it is not); ``nxt`` and
    ``previous`` are the nearest non-empty lines around it."""
    from research.corpus.evidence import META_LABEL, is_menu_row

    body = line.lstrip("\t")
    if is_heading(body) or is_table_line(line):
        return ""
    if is_spam(body):
        return "spam_lines"
    if FURNITURE_LINE.search(body) and len(body) < 120:
        return "furniture_lines"
    if is_menu_row(body):
        return "menu_row"
    if META_LABEL.search(body) and not CLAUSE_END.search(body) and len(body) < 120:
        return "page_metadata"  # "发文机关：…", "2021-11-19 10:05 来源：新华社"
    if PAGE_CONTROLS.match(body):
        return "page_controls"
    if is_front_matter(body, nxt.lstrip("\t"), previous.lstrip("\t")):
        return ""
    if DATE_LINE.match(body):
        return "related_links"
    if DATE_LINE.match(nxt.lstrip("\t")) and not LINE_PUNCT.search(body):
        return "related_links"
    if not CJK_CHAR.search(body):
        return "non_chinese_lines"
    if is_menu_line(line, previous):
        return "menu_lines"
    return ""
