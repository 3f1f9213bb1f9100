"""The binary test documents, written from text here (so that no binary file is committed):
a city plan as DOCX with a table in the middle, and a notice as a two-page PDF with a running
header, page numbers and paragraphs that wrap over lines and across the page break."""

from __future__ import annotations

from pathlib import Path

from tests.formats import cjk_font

#: The DOCX plan: (kind, content) in document order.
DOCX_PARTS = [
    ("p", "嘉兴市医疗保障事业发展“十四五”规划"),
    ("p", "一、发展基础"),
    ("p", "“十三五”期间，全市医疗保障体系不断健全，基本医疗保险参保率稳定在百分之九十九以上。"),
    ("p", "二、主要指标"),
    ("table", [["指标", "2020年", "2025年"],
               ["基本医疗保险参保率", "99%", "99%以上"],
               ["住院费用跨省直接结算率", "60%", "70%以上"]]),
    ("p", "到2025年，医疗保障制度更加成熟定型，重点领域改革取得突破性进展。"),
    ("p", "三、保障措施"),
    ("p", "各县（市、区）要加强组织领导，将规划实施纳入年度目标责任制考核。"),
    ("p", "嘉兴市医疗保障局"),
    ("p", "2022年1月20日"),
]

#: The PDF notice: its title, front matter and paragraphs (each paragraph wraps).
PDF_HEADER = "南通市医疗保障局文件"
PDF_LINES = [
    ("title", "南通市医疗保障局关于印发长期护理保险服务管理办法的通知"),
    ("plain", "各县（市、区）医疗保障局："),
    ("para", "现将《南通市长期护理保险服务管理办法》印发给你们，请认真贯彻执行。"),
    ("plain", "一、总体目标"),
    ("para", "为进一步完善中国特色医疗保障制度，健全长期护理保险服务管理体系，保障失能人员基本生活照料和医疗护理需求，"
             "推动群众待遇巩固完善，根据国家和省有关规定，结合本市实际，制定本办法。"),
    ("para", "长期护理保险坚持以人民健康为中心，坚持保障基本、责任共担、机制创新、统筹协调的原则，逐步建立与经济社会发展水平相适应的"
             "筹资和待遇调整机制，推进护理服务机构规范化建设。"),
    ("plain", "二、服务管理"),
    ("para", "定点护理服务机构应当按照协议提供服务，如实记录服务内容和时长，不得虚构服务项目或者重复收费，"
             "医疗保障经办机构应当定期开展服务质量评估并向社会公开评估结果，评估结果与费用结算挂钩。"),
    ("para", "参保人员经评估达到重度失能标准的，按规定享受长期护理保险待遇，评估结论实行动态管理。"),
    ("plain", "南通市医疗保障局"),
    ("plain", "2022年9月1日"),
]


def write_docx(path: Path) -> Path:
    import docx

    document = docx.Document()
    for kind, content in DOCX_PARTS:
        if kind == "p":
            document.add_paragraph(content)
        else:
            table = document.add_table(rows=len(content), cols=len(content[0]))
            for r, row in enumerate(content):
                for c, value in enumerate(row):
                    table.cell(r, c).text = value
    document.save(str(path))
    return path


def write_pdf(path: Path, chars_per_line: int = 30, lines_per_page: int = 14) -> Path:
    """Paragraphs typeset by hand: the first line indented two characters, the others at the
    left margin, ``chars_per_line`` characters a line; a header and a page number on every page."""
    from fpdf import FPDF

    size, left, top, pitch = 10, 20, 30, 7
    pdf = FPDF(format="A4")
    pdf.set_auto_page_break(False)
    pdf.add_font("cjk", fname=cjk_font())
    pdf.set_font("cjk", size=size)
    em = size * 25.4 / 72  # one character in millimetres
    state = {"page": 0, "row": lines_per_page}

    def put(text: str, x: float) -> None:
        if state["row"] >= lines_per_page:
            pdf.add_page()
            state.update(page=state["page"] + 1, row=0)
            pdf.text(left, 15, PDF_HEADER)
            pdf.text(100, 285, f"- {state['page']} -")
        pdf.text(x, top + state["row"] * pitch, text)
        state["row"] += 1

    for kind, text in PDF_LINES:
        if kind != "para":
            put(text, left)
            continue
        first = chars_per_line - 2
        put(text[:first], left + 2 * em)
        for start in range(first, len(text), chars_per_line):
            put(text[start:start + chars_per_line], left)
    pdf.output(str(path))
    return path
