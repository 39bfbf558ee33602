"""python-docx adapter: the monthly analysis report as a Word document."""

from __future__ import annotations

from pathlib import Path

from flows.analysis.report_model import Report

TITLE_FONT, BODY_FONT, HEAD_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def write(path: Path, report: Report) -> Path:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm, Pt

    doc = Document()
    sec = doc.sections[0]
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin = Mm(37), Mm(28), Mm(26), Mm(35)

    def para(text: str, *, font: str = BODY_FONT, size: float = 14, bold: bool = False, centre: bool = False,
             indent: bool = True) -> None:
        p = doc.add_paragraph()
        if centre:
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif indent:
            p.paragraph_format.first_line_indent = Pt(size * 2)
        _font(p.add_run(text), font, size, bold)

    para(report.title, font=TITLE_FONT, size=22, centre=True)
    para(f"{report.office}　{report.generated_on}", size=12, centre=True)
    for heading, body in report.sections:
        para(heading, font=HEAD_FONT, size=16, indent=False)
        for line in body:
            para(line)
    for heading, png in report.charts:
        para(heading, font=HEAD_FONT, size=14, indent=False)
        doc.add_picture(str(png), width=Mm(150))
    for heading, header, rows in report.tables:
        para(heading, font=HEAD_FONT, size=14, indent=False)
        table = doc.add_table(rows=1, cols=len(header))
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, header, strict=True):
            _font(cell.paragraphs[0].add_run(str(text)), HEAD_FONT, 10.5, True)
        for row in rows:
            cells = table.add_row().cells
            for cell, value in zip(cells, row, strict=True):
                _font(cell.paragraphs[0].add_run(str(value)), BODY_FONT, 10.5)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.docx")
    doc.save(str(tmp))
    tmp.replace(path)
    return path
