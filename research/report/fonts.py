"""The one font of every output: ``NotoSansCJKsc-Regular.otf`` as shipped in the ``mplfonts``
package, used by its path (never a same-named system font), for figures (:mod:`research.report.style`)
and HTML pages, which carry a subset of it as a base64 ``@font-face`` so that they draw Chinese on a
machine with no CJK font installed."""

from __future__ import annotations

import base64
import html as html_lib
import io
import re
from functools import lru_cache
from pathlib import Path

from research.errors import ResearchError

CJK_FONT_FILE = "NotoSansCJKsc-Regular.otf"
#: The name the pages (and figures) give the packaged font: no system font has it.
PAGE_FAMILY = "Research Noto Sans CJK SC"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")


def cjk_font_path() -> Path:
    """Path of the packaged CJK font (``mplfonts``); an error line names the package if absent."""
    try:
        import mplfonts
    except ImportError:
        raise ResearchError("the CJK font comes from the 'mplfonts' package: run 'make setup'") from None
    path = Path(mplfonts.__file__).parent / "fonts" / CJK_FONT_FILE
    if not path.is_file():
        raise ResearchError(f"{path}: missing from the installed mplfonts package; run 'make setup'")
    return path


def page_characters(page: str) -> str:
    """The characters a page can show: its text outside tags, its attribute values and the
    strings of its scripts (JSON data, with ``\\uXXXX`` escapes decoded), sorted, unique."""
    decoded = _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), page)
    text = html_lib.unescape(decoded)
    return "".join(sorted({c for c in text if c.isprintable() and not c.isspace()} | {" "}))


@lru_cache(maxsize=8)
def subset_font(characters: str) -> bytes:
    """The packaged font cut down to ``characters`` as WOFF (zlib): the same bytes for the same
    characters on every machine (no timestamp is rewritten)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.notdef_outline = True
    options.recalc_timestamp = False
    font = TTFont(cjk_font_path(), recalcTimestamp=False, lazy=True)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text=characters)
    subsetter.subset(font)
    buffer = io.BytesIO()
    font.flavor = "woff"
    font.save(buffer, reorderTables=True)
    return buffer.getvalue()


def font_face_css(characters: str, family: str = PAGE_FAMILY) -> str:
    """An ``@font-face`` rule carrying the packaged font, subset to ``characters``."""
    data = base64.b64encode(subset_font("".join(sorted(set(characters))))).decode("ascii")
    return (f'@font-face{{font-family:"{family}";font-style:normal;font-weight:100 900;'
            f'src:url(data:font/woff;base64,{data}) format("woff")}}')


def embed_font(page: str, selectors: str = "body,code,pre,svg text,input,button,select,textarea") -> str:
    """``page`` with a ``<style>`` that embeds the packaged font (subset to the page's
    characters) and draws ``selectors`` with it, inserted at the end of ``<head>`` so it wins
    over the page's own sans-serif rules.  Works on any HTML page (report.html, pyLDAvis)."""
    style = (f"<style>{font_face_css(page_characters(page))}\n{selectors}"
             f'{{font-family:"{PAGE_FAMILY}",sans-serif!important}}</style>')
    if "</head>" in page:
        return page.replace("</head>", style + "</head>", 1)
    return style + page
