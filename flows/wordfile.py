"""The lists and reports the bot writes as .docx (python-docx), laid out per GB/T 9704-2012.

Shared by the supervisors' overdue list and the monthly report (letters have their own templates):

* A4 portrait, margins top 37, left 28, right 26, bottom 35 mm (the 156 x 225 mm text block);
* page numbers "— 1 —" in 4号 宋体, 7 mm below the text block, on the outer side: odd pages right,
  even pages left, one character in (even and odd footers);
* real document properties: author the office, created/modified from the injected clock (never the
  template's "python-docx" of 2013);
* tables whose header row repeats on every page (``w:tblHeader``), whose rows never split across a
  page (``w:cantSplit``), with fixed column widths and cells that must not wrap (``w:noWrap``);
  a cell holding a list is one paragraph per item, so parallel lists line up across columns.

The XML is written in the schema's element order (CT_PPr, CT_RPr, CT_TblPr, CT_TcPr), which Word
requires and the tests check.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from flows import diskio

TITLE_FONT, BODY_FONT, HEADING_FONT, PAGE_FONT = "方正小标宋简体", "仿宋_GB2312", "黑体", "宋体"
# Digits and Latin letters: half-width in every office font and in LibreOffice's metric twin
# (Liberation Serif), so a column sized for "2026年10月18日" holds it everywhere.
LATIN_FONT = "Times New Roman"
TITLE_PT, BODY_PT, PAGE_PT = 22, 16, 14  # 2号, 3号, 4号
LINE_PITCH = 28.95  # pt: 22 lines on the 225 mm text block
TEXT_WIDTH = 8844  # twips: 156 mm
_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def clean(text: Any) -> str:
    return _XML_ILLEGAL.sub("", str(text))


def _utc(moment: datetime) -> datetime:
    # The package stores UTC; the clock gives the office's local time.
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).replace(tzinfo=None)


def new_document(*, title: str, author: str, created: datetime, subject: str = "") -> Any:
    """An empty GB/T 9704 page with page numbers and the office's document properties."""
    from docx import Document
    from docx.enum.section import WD_ORIENT
    from docx.shared import Mm

    doc = Document()
    sec = doc.sections[0]
    sec.orientation = WD_ORIENT.PORTRAIT
    sec.page_width, sec.page_height = Mm(210), Mm(297)
    sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin = Mm(37), Mm(28), Mm(26), Mm(35)
    # The page number sits 7 mm below the text block: the footer's baseline about 28 mm from the edge.
    sec.footer_distance = Mm(28) - Mm(PAGE_PT * 0.3528)
    sec.header_distance = Mm(15)
    props = doc.core_properties
    props.title, props.subject = title, subject
    props.author = props.last_modified_by = author or "petitionbot"
    props.comments = "由 petitionbot 自动生成"
    props.keywords = props.category = ""
    props.created = props.modified = _utc(created)
    props.revision = 1
    _page_numbers(doc)
    return doc


def _page_numbers(doc: Any) -> None:
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    doc.settings.odd_and_even_pages_header_footer = True  # odd pages right, even pages left
    sec = doc.sections[0]
    rpr = (f'<w:rPr><w:rFonts w:ascii="{PAGE_FONT}" w:hAnsi="{PAGE_FONT}" w:eastAsia="{PAGE_FONT}" w:cs="{PAGE_FONT}"/>'
           f'<w:sz w:val="{PAGE_PT * 2}"/><w:szCs w:val="{PAGE_PT * 2}"/></w:rPr>')
    one_char = PAGE_PT * 20  # twips
    for footer, side in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        footer.is_linked_to_previous = False
        body = footer._element
        for p in list(body):
            body.remove(p)
        ind = f'<w:ind w:{side}="{one_char}"/>'
        field = (f'<w:r>{rpr}<w:t xml:space="preserve">— </w:t></w:r>'
                 f'<w:r>{rpr}<w:fldChar w:fldCharType="begin"/></w:r>'
                 f'<w:r>{rpr}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
                 f'<w:r>{rpr}<w:fldChar w:fldCharType="separate"/></w:r>'
                 f'<w:r>{rpr}<w:t>1</w:t></w:r>'
                 f'<w:r>{rpr}<w:fldChar w:fldCharType="end"/></w:r>'
                 f'<w:r>{rpr}<w:t xml:space="preserve"> —</w:t></w:r>')
        body.append(parse_xml(f'<w:p {nsdecls("w")}><w:pPr>{ind}<w:jc w:val="{side}"/></w:pPr>{field}</w:p>'))


def font(run: Any, name: str, size: float, bold: bool = False) -> None:
    from docx.oxml.ns import qn
    from docx.shared import Pt

    run.font.name = LATIN_FONT
    run.font.size = Pt(size)
    run.font.bold = bold
    # Word picks CJK glyphs from the eastAsia slot; without it the Chinese falls back to 宋体.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def paragraph(doc: Any, text: str, *, font_name: str = BODY_FONT, size: float = BODY_PT, indent: bool = True,
              align: str | None = None, bold: bool = False, keep_next: bool = False, pitch: bool = True) -> Any:
    """A body paragraph (3号 仿宋, two-character indent, the 22-lines-a-page pitch) unless told otherwise."""
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    p = doc.add_paragraph()
    fmt = p.paragraph_format
    if indent:
        fmt.first_line_indent = Pt(size * 2)
    if align is not None:
        p.alignment = {"center": WD_ALIGN_PARAGRAPH.CENTER, "right": WD_ALIGN_PARAGRAPH.RIGHT,
                       "left": WD_ALIGN_PARAGRAPH.LEFT}[align]
    if pitch:
        fmt.line_spacing = Pt(LINE_PITCH)
    fmt.space_after = Pt(0)
    if keep_next:
        fmt.keep_with_next = True  # a heading stays with the table or text it introduces
    if text:
        font(p.add_run(clean(text)), font_name, size, bold)
    return p


@dataclass(frozen=True)
class Col:
    header: str
    width: int  # twips; a table's columns sum to TEXT_WIDTH
    nowrap: bool = False  # dates, numbers: never broken over two lines
    align: str = "left"  # left | center | right


Cell = str | Sequence[str]  # a list: one paragraph per item


def _cell_style(doc: Any, face: str, size: float, bold: bool) -> str:
    """A paragraph style for table cells (font, size, no spacing), made once per document: the runs
    then carry no properties of their own, which keeps a 5,000-row table's XML small and quick."""
    from docx.enum.style import WD_STYLE_TYPE
    from docx.oxml.ns import qn
    from docx.shared import Pt

    name = f"Table {face} {size:g}{' Bold' if bold else ''}"
    made: dict[str, str] = doc.__dict__.setdefault("_table_styles", {})  # a styles lookup is an XPath query
    if name in made:
        return made[name]
    style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
    style.font.name = LATIN_FONT
    style.font.size = Pt(size)
    style.font.bold = bold
    style.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), face)
    fmt = style.paragraph_format
    fmt.space_before = fmt.space_after = Pt(0)
    fmt.line_spacing = Pt(size * 1.25)
    made[name] = style.style_id
    return made[name]


def table(doc: Any, cols: Sequence[Col], rows: Sequence[Sequence[Cell]], *, size: float = 10.5,
          head_font: str = HEADING_FONT, body_font: str = BODY_FONT, shade: Sequence[str] | None = None) -> None:
    """A whole table as one XML fragment (python-docx's add_row costs seconds per thousand rows).

    The header row repeats on every page, no row splits across a page break; ``shade`` gives a
    row's fill (RRGGBB, "" for none)."""
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    styles = {True: _cell_style(doc, head_font, size, True), False: _cell_style(doc, body_font, size, False)}
    # No automatic space between CJK and digits in a table cell sized to its content (Word and
    # LibreOffice both add it by default: "2026年10月18日" or "方*琴等2人" would no longer fit).
    tight = '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>'

    def cell(col: Col, value: Cell, bold: bool, fill: str) -> str:
        items = [value] if isinstance(value, str) else list(value) or [""]
        ppr = (f'<w:pPr><w:pStyle w:val="{styles[bold]}"/>{tight}'
               f'<w:jc w:val="{"center" if bold else col.align}"/></w:pPr>')
        paras = "".join(f'<w:p>{ppr}<w:r><w:t xml:space="preserve">{escape(clean(t))}</w:t></w:r></w:p>' if t
                        else f"<w:p>{ppr}</w:p>" for t in items)
        shd = f'<w:shd w:val="clear" w:color="auto" w:fill="{fill}"/>' if fill else ""
        nowrap = "<w:noWrap/>" if col.nowrap and not bold else ""  # a long header may wrap; its values not
        return (f'<w:tc><w:tcPr><w:tcW w:w="{col.width}" w:type="dxa"/>{shd}{nowrap}<w:vAlign w:val="center"/>'
                f"</w:tcPr>{paras}</w:tc>")

    grid = "".join(f'<w:gridCol w:w="{c.width}"/>' for c in cols)
    head = "".join(cell(c, c.header, True, "D9D9D9") for c in cols)
    body = [f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{head}</w:tr>"]
    for i, row in enumerate(rows):
        fill = shade[i] if shade else ""
        body.append("<w:tr><w:trPr><w:cantSplit/></w:trPr>" +
                    "".join(cell(c, v, False, fill) for c, v in zip(cols, row, strict=True)) + "</w:tr>")
    line = '<w:{0} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
    borders = "".join(line.format(side) for side in ("top", "left", "bottom", "right", "insideH", "insideV"))
    width = sum(c.width for c in cols)
    tbl = parse_xml(
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{width}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblBorders>{borders}</w:tblBorders><w:tblLayout w:type="fixed"/>'
        f'<w:tblCellMar><w:left w:w="85" w:type="dxa"/><w:right w:w="85" w:type="dxa"/></w:tblCellMar>'
        f'</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{"".join(body)}</w:tbl>')
    doc.element.body.sectPr.addprevious(tbl)


def save(doc: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.tmp.docx")
    doc.save(str(tmp))
    diskio.replace(tmp, path)  # keeps the owner and mode of the file it replaces
    return path
