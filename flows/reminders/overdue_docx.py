"""The supervisors' overdue list as .docx in GB/T 9704 style (python-docx lives only here in reminders).

A4; margins top 37, left 28, right 26, bottom 35 mm; title 22 pt 方正小标宋简体 centred; body
16 pt 仿宋_GB2312 with a two-character first-line indent; headings "一、" in 黑体. Tables use
12 pt 仿宋 so a unit's rows fit the 156 mm text block.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import parse_xml
from docx.oxml.ns import nsdecls, qn
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


TABLE_STYLE = "清单表格"


def _table_style(doc) -> None:
    style = doc.styles.add_style(TABLE_STYLE, WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = BODY_FONT
    style.font.size = Pt(TABLE_PT)
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), BODY_FONT)
    style.paragraph_format.space_after = Pt(0)


# twips: they sum to the 156 mm text block (8,844 twips); at 10 pt a ref and a Chinese date
# each fit one line.
COL_WIDTHS = (2250, 1694, 1000, 1100, 2000, 800)
TABLE_PT = 10  # the body's 3号 would not fit six columns in 156 mm
_XML_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def _add_table(doc, rows: list[tuple[str, ...]]) -> None:
    """A whole table as one XML fragment: python-docx's add_row/add_run cost seconds per thousand rows."""
    style_id = doc.styles[TABLE_STYLE].style_id
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in COL_WIDTHS)
    body = []
    for row in rows:
        cells = "".join(
            f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr><w:p><w:pPr><w:pStyle w:val="{style_id}"/>'
            f'</w:pPr><w:r><w:t xml:space="preserve">{escape(_XML_ILLEGAL.sub("", text))}</w:t></w:r></w:p></w:tc>'
            for w, text in zip(COL_WIDTHS, row, strict=True))
        body.append(f"<w:tr>{cells}</w:tr>")
    tbl = parse_xml(f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="0" w:type="auto"/>'
                    f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>')
    doc.element.body.sectPr.addprevious(tbl)


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
    """1 -> 一, 12 -> 十二, 40 -> 四十, 105 -> 一百零五 (an office can have 200 units)."""
    if n <= 10:
        return NUMERALS[n - 1]
    if n < 100:
        return (NUMERALS[n // 10 - 1] if n >= 20 else "") + "十" + (NUMERALS[n % 10 - 1] if n % 10 else "")
    rest = n % 100
    tail = "" if rest == 0 else ("零" + NUMERALS[rest - 1] if rest < 10 else
                                 (_numeral(rest) if rest >= 20 else "一" + _numeral(rest)))
    return NUMERALS[n // 100 - 1] + "百" + tail


def write(path: Path, *, groups: dict[str, list[Item]], stuck: list[Queued], office: str, day: date,
          due_soon: int) -> Path:
    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin = Mm(37), Mm(28), Mm(26), Mm(35)

    _table_style(doc)
    total = sum(len(v) for v in groups.values())
    _para(doc, "超期信访事项清单", font=TITLE_FONT, size=22, indent=False, align=WD_ALIGN_PARAGRAPH.CENTER)
    _para(doc, "")
    _para(doc, f"截至{zh_date(day)}，超期信访事项共{total}件，涉及{len(groups)}个责任单位；"
               f"另有临期事项{due_soon}件。按责任单位分列如下（同一单位内按超期天数由多到少排列）。")
    for n, (unit, items) in enumerate(groups.items(), 1):
        _para(doc, f"{_numeral(n)}、{unit}（{len(items)}件）", font=HEADING_FONT)
        _add_table(doc, [("信访件编号", "事项", "信访人", "环节", "期限", "超期天数")] +
                   [(i.ref, i.title, i.petitioner, i.step_label, zh_date(i.due), f"{i.days_overdue}天") for i in items])
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
