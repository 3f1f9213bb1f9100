"""Read a document of any supported format into text.

``read_document(path)`` handles plain text in the common Chinese encodings (UTF-8 with or
without BOM, GB18030/GBK, Big5, UTF-16; detected with charset-normalizer), HTML, DOCX and PDF
with a text layer.  Every failure raises :class:`research.errors.InputError` with a one-line
message that names the file.
"""

from __future__ import annotations

import codecs
import io
import re
import zipfile
from pathlib import Path

from research.errors import InputError, warn
from research.text.patterns import has_cjk

TEXT_SUFFIXES = {".txt", ".text", ".md", ""}
HTML_SUFFIXES = {".html", ".htm", ".xhtml"}
SUPPORTED_SUFFIXES = TEXT_SUFFIXES | HTML_SUFFIXES | {".docx", ".pdf"}

#: Encodings tried by charset-normalizer for files that are not valid UTF-8.
CHINESE_ENCODINGS = ["utf_8", "gb18030", "big5", "utf_16", "utf_16_le", "utf_16_be"]

#: Largest file read, in bytes.  A city plan is well under 1 MB; a file of tens of megabytes is
#: a dump of many documents and should be split (memory and run time stay predictable).
MAX_BYTES = 32 * 1024 * 1024

MIN_CJK_CHARS = 10


def is_supported(path: str | Path) -> bool:
    """True when the file's suffix is one ``read_document`` handles."""
    return Path(path).suffix.lower() in SUPPORTED_SUFFIXES


def read_document(path: str | Path) -> str:
    """Return the text of a document; raise ``InputError`` for anything unusable."""
    return read_source(path)[0]


def read_source(path: str | Path) -> tuple[str, list[tuple[int, str, str]]]:
    """The text of a document and what the reader itself removed from it, as ``(line, rule,
    text)`` (a PDF's running headers, footers and page numbers); raise ``InputError`` for
    anything unusable."""
    path = Path(path)
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a folder, not a document")
    size = path.stat().st_size
    if size == 0:
        raise InputError(f"{path}: empty file")
    if size > MAX_BYTES:
        raise InputError(f"{path}: file is larger than {MAX_BYTES // 2**20} MB; split it into documents")
    suffix = path.suffix.lower()
    dropped: list[tuple[int, str, str]] = []
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"{path}: cannot be read ({err.strerror or err})") from None
    if suffix == ".docx":
        text = _docx_text(path, data)
    elif suffix == ".pdf":
        text, dropped = _pdf_text(path, data)
    elif suffix in HTML_SUFFIXES:
        text = html_to_text(decode_bytes(path, data))
    elif suffix in TEXT_SUFFIXES:
        text = decode_bytes(path, data)
    else:
        raise InputError(f"{path}: unsupported file type {suffix!r} (use .txt, .html, .docx or .pdf)")
    if not has_cjk(text[:2_000_000], MIN_CJK_CHARS):
        raise InputError(f"{path}: holds no Chinese text")
    return text, dropped


def decode_bytes(path: Path | str, data: bytes) -> str:
    """Decode text bytes: BOMs first, then strict UTF-8, then charset-normalizer."""
    for bom, codec in ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"),
                       (codecs.BOM_UTF16_BE, "utf-16")):
        if data.startswith(bom):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                raise InputError(f"{path}: broken {codec} text") from None
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = None
    if text is not None:
        if "\x00" in text:
            raise InputError(f"{path}: binary file, not text")
        return text
    from charset_normalizer import from_bytes

    sample = data[:1_000_000]
    best = from_bytes(sample, cp_isolation=CHINESE_ENCODINGS).best()
    if best is None:
        mixed = _decode_lines(data)
        if mixed is None:
            raise InputError(f"{path}: binary file or unknown text encoding")
        warn(f"{path}: mixed encodings (UTF-8 and GB18030 lines); decoded line by line")
        return mixed
    encoding = best.encoding
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        # Mixed encodings: keep what decodes; the CJK check and cleaning report flag damage.
        text = data.decode(encoding, errors="replace")
    if "\x00" in text:
        raise InputError(f"{path}: binary file, not text")
    return text


_ESCAPED = re.compile("[\udc80-\udcff]+")


def _decode_lines(data: bytes) -> str | None:
    """Decode text whose lines mix UTF-8 and GB18030: each line in the encoding it is valid
    in; a line mixing both keeps its UTF-8 and reads the rest as GB18030.  None when too
    little of it is text."""
    if b"\x00" in data:
        return None
    lines = []
    for raw in data.split(b"\n"):
        for codec in ("utf-8", "gb18030"):
            try:
                lines.append(raw.decode(codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            lines.append(_ESCAPED.sub(_as_gb18030, raw.decode("utf-8", errors="surrogateescape")))
    text = "\n".join(lines)
    if text.count("\ufffd") > 0.05 * max(len(text), 1):
        return None
    return text


def _as_gb18030(match: re.Match) -> str:
    raw = bytes(ord(ch) - 0xDC00 for ch in match.group(0))
    return raw.decode("gb18030", errors="replace")


def html_to_text(markup: str) -> str:
    """Visible text of an HTML page, one block element per line; scripts and styles dropped."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(markup, "html.parser")
    for tag in soup(["script", "style", "noscript", "template", "head"]):
        tag.decompose()
    return soup.get_text("\n")


def _docx_text(path: Path, data: bytes) -> str:
    import docx

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(f"{path}: corrupt or unreadable DOCX (not a zip archive)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as err:  # zipfile, lxml and python-docx raise many types on damaged parts
        raise InputError(f"{path}: corrupt or unreadable DOCX ({type(err).__name__})") from None
    return "\n".join(docx_lines(document))


def docx_lines(document) -> list[str]:
    """Paragraphs and tables in document order (the body's ``w:p`` and ``w:tbl`` children): a
    table row is one line, led by a tab, its cells separated by tabs (line breaks inside a cell
    become spaces; a cell merged across columns is given once)."""
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    lines = []
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            lines.append(Paragraph(child, document).text)
        elif tag == "tbl":
            for row in Table(child, document).rows:
                cells, previous = [], None
                for cell in row.cells:
                    if previous is not None and cell._tc is previous:
                        continue  # the same merged cell again
                    previous = cell._tc
                    cells.append(re.sub(r"\s+", " ", cell.text).strip())
                lines.append("\t" + "\t".join(cells))
            lines.append("")
    return lines


def _pdf_text(path: Path, data: bytes) -> tuple[str, list[tuple[int, str, str]]]:
    """A PDF's paragraphs (:func:`research.corpus.pdf.pdf_paragraphs`) and its page furniture."""
    if not data.startswith(b"%PDF"):
        raise InputError(f"{path}: corrupt PDF (no PDF header)")
    try:
        from research.corpus.pdf import pdf_paragraphs

        text, dropped = pdf_paragraphs(data)
    except Exception as err:  # pdfminer raises many types on damaged files
        raise InputError(f"{path}: corrupt or unreadable PDF ({type(err).__name__})") from None
    if not text.strip():
        raise InputError(f"{path}: PDF has no text layer (scanned?); run OCR first")
    return text, dropped
