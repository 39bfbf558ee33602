"""The supervisors' overdue list as .docx in GB/T 9704 style (python-docx lives only here in reminders).

A4; margins top 37, left 28, right 26, bottom 35 mm; title 22 pt 方正小标宋简体 centred; body
16 pt 仿宋_GB2312 with a two-character first-line indent; headings "一、" in 黑体. Tables use
12 pt 仿宋 so a unit's rows fit the 156 mm text block.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from flows.deadlines.engine import zh_date
from flows.reminders.items import Item
from flows.reminders.outbox import Queued

TITLE_FONT, BODY_FONT, HEADING_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体"
NUMERALS = "一二三四五六七八九十"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks CJK glyphs from the eastAsia slot; without it the Chinese falls back to 宋体.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _para(doc, text: str, *, font: str = BODY_FONT, size: float = 16, indent: bool = True, align=None,
          bold: bool = False):
    p = doc.add_paragraph()
    if indent:
        p.paragraph_format.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = align
    p.paragraph_format.line_spacing = Pt(28.95)  # 22 lines on a 225 mm text block
    _font(p.add_run(text), font, size, bold)
    return p


def _numeral(n: int) -> str:
    if n <= 10:
        return NUMERALS[n - 1]
    return (NUMERALS[n // 10 - 1] if n >= 20 else "") + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")


def write(path: Path, *, groups: dict[str, list[Item]], stuck: list[Queued], office: str, day: date,
          due_soon: int) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin = Mm(37), Mm(28), Mm(26), Mm(35)

    total = sum(len(v) for v in groups.values())
    _para(doc, "超期信访事项清单", font=TITLE_FONT, size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "")
    _para(doc, f"截至{zh_date(day)}，超期信访事项共{total}件，涉及{len(groups)}个责任单位；"
               f"另有临期事项{due_soon}件。按责任单位分列如下（同一单位内按超期天数由多到少排列）。")
    for n, (unit, items) in enumerate(groups.items(), 1):
        _para(doc, f"{_numeral(n)}、{unit}（{len(items)}件）", font=HEADING_FONT)
        table = doc.add_table(rows=1, cols=6)
        table.style = "Table Grid"
        for cell, text in zip(table.rows[0].cells, ("信访件编号", "事项", "信访人", "环节", "期限", "超期天数"), strict=True):
            _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 12)
        for item in items:
            row = table.add_row().cells
            values = (item.ref, item.title, item.petitioner, item.step_label, zh_date(item.due), f"{item.days_overdue}天")
            for cell, text in zip(row, values, strict=True):
                _font(cell.paragraphs[0].add_run(text), BODY_FONT, 12)
    _para(doc, f"合计：超期{total}件。", bold=True)
    if stuck:
        _para(doc, f"{_numeral(len(groups) + 1)}、发送失败、滞留在发件箱的提醒（{len(stuck)}条）", font=HEADING_FONT)
        for i, q in enumerate(stuck, 1):
            _para(doc, f"{i}. {q.message.subject}（{q.message.channel}，失败{q.attempts}次：{q.last_error or ''}）")
    _para(doc, "")
    _para(doc, office, indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _para(doc, zh_date(day), indent=False, align=WD_ALIGN_PARAGRAPH.RIGHT)
    path.parent.mkdir(parents=True, exist_ok=True)
    doc.save(path)
    return path
