"""Build copies of one plan excerpt in every supported format, for the tests."""

from __future__ import annotations

from pathlib import Path

import opencc

from research import paths
from research.corpus.clean import clean_text
from research.corpus.reader import read_document

FONT = None


def excerpt() -> list[str]:
    """Chapter 2 of the Wuhan plan, cleaned: headings and paragraphs, one a line."""
    text, _ = clean_text(read_document(paths.SEEDS / "003_4577c7aebcf19071.txt"))
    lines = [l for l in text.splitlines() if l.strip()]
    start = next(i for i, l in enumerate(lines) if l.startswith("第二章"))
    end = next(i for i, l in enumerate(lines) if l.startswith("第三章"))
    return lines[start:end]


def cjk_font() -> str:
    import mplfonts

    return str(Path(mplfonts.__file__).parent / "fonts" / "SimHei.ttf")


def write_all(folder: Path, lines: list[str]) -> dict[str, Path]:
    """The excerpt as UTF-8, GBK, Big5 (traditional), UTF-16, HTML, DOCX and PDF files."""
    folder.mkdir(parents=True, exist_ok=True)
    text = "\n".join(lines) + "\n"
    out = {}
    for name, encoding, body in (("utf8.txt", "utf-8", text), ("gbk.txt", "gbk", text),
                                 ("utf16.txt", "utf-16", text)):
        out[name] = folder / name
        out[name].write_bytes(body.encode(encoding))
    traditional = opencc.OpenCC("s2tw").convert(text)
    out["big5.txt"] = folder / "big5.txt"
    out["big5.txt"].write_bytes(traditional.encode("big5", errors="replace"))
    html = "<html><head><meta charset='utf-8'><style>p{color:red}</style><script>var a=1;</script>" \
           "</head><body><nav><a href='/'>首页</a></nav>" + "".join(f"<p>{l}</p>" for l in lines) + \
           "</body></html>"
    out["page.html"] = folder / "page.html"
    out["page.html"].write_text(html, encoding="utf-8")
    import docx

    document = docx.Document()
    for line in lines:
        document.add_paragraph(line)
    out["plan.docx"] = folder / "plan.docx"
    document.save(out["plan.docx"])
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=10)
    for line in lines:
        pdf.multi_cell(0, 6, line)
        pdf.ln(4)
    out["plan.pdf"] = folder / "plan.pdf"
    pdf.output(str(out["plan.pdf"]))
    return out
