"""Build the letter templates (``*.docx`` in this folder) laid out to GB/T 9704-2012.

Run ``.venv/bin/python templates/letters/build.py`` to regenerate them. The .docx files are
committed: clerks edit them in Word afterwards, so re-running this script overwrites their
edits (it refuses unless ``--force`` is given when a file differs from what it would write).

The WordprocessingML is written by hand rather than through python-docx so that every
layout value GB/T 9704 fixes is visible here and nothing is inherited from a library's
default template. Properties are emitted by ``ppr()`` / ``rpr()`` in the schema's element
order (ECMA-376: Word rejects or "repairs" other orders; tests/docx_order.py checks it).

Layout decisions (docs/letters.md has the measurements):
- 22 lines of 28 characters on a 156 x 225 mm text block. The line grid is a ``lines`` document
  grid (22 lines); the 28 characters come from the body font's own advance, 16 pt less 0.25 pt
  of character spacing (15.75 pt x 28 = 441 pt <= 442.2 pt). A ``linesAndChars`` grid with a
  negative ``charSpace`` gives 28 in Word but LibreOffice then puts each 16 pt character into
  two 15.8 pt grid cells: 14 widely spaced characters a line.
- The font table names a fallback chain per font (``w:altName``) for Word; the bot's own PDF
  conversion gives LibreOffice the same chain (flows/letters/fonts.py).
- Seal and signature (GB/T 9704 7.3.5.1): two empty lines after the last body line leave room
  for the seal, whose top stays within one line of the text; the 发文机关署名 is centred over
  the 成文日期 by a centred tab stop, and the date sits four characters in from the right margin;
  the block is kept together with the last body paragraph.
- Page numbers "— 1 —" in 4号 宋体, outer side, 7 mm below the text block.
Placeholders are docxtpl/Jinja tags with Chinese variable names (see
docs/clerk-guide-letters.md); a table row that holds only ``{%tr for ... %}`` repeats, and a
paragraph that holds only ``{%p if ... %}`` disappears with its condition.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))  # run as a script from anywhere: the project's own modules

from flows.letters.fonts import FONTS  # noqa: E402


# -- GB/T 9704-2012 geometry (twips: 1/1440 inch; mm * 1440 / 25.4) --------------------------
def mm(v: float) -> int:
    return round(v * 1440 / 25.4)


PAGE_W, PAGE_H = mm(210), mm(297)
TOP, LEFT, RIGHT, BOTTOM = mm(37), mm(28), mm(26), mm(35)
TEXT_W, TEXT_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 x 225 mm
LINES, CHARS = 22, 28
LINE_PITCH = TEXT_H // LINES  # twips per grid line
BODY_PT = 16  # 3号
TRACKING = -5  # character spacing of body text, in twentieths of a point (-0.25 pt)
CHAR = BODY_PT * 20 + TRACKING  # one body character's advance, in twips (315)
assert CHAR * CHARS <= TEXT_W < CHAR * (CHARS + 1), "28 characters a line"
TABLE_PT, SMALL_PT = 14, 12  # 4号 in a 交办单's tables, 小四 in a list of petitions
CELL_MARGIN = 80  # twips left and right in a table cell (1.4 mm): a date fits its column
# Page number: 4号 (14 pt), its top 7 mm below the text block, so the footer's bottom edge
# sits 35 - 7 - (14 pt line ~ 5 mm) = 23 mm above the paper's edge.
FOOTER = mm(23)
# The signature block's centre line: the middle of a typical date ("2026年11月5日": 7 digits of
# half width and 3 characters) whose right end is four characters in from the right margin. Dates
# one digit shorter or longer move that end by a quarter of a character.
DATE_W = 7 * (BODY_PT * 10 + TRACKING) + 3 * CHAR
SIGN_CENTRE = TEXT_W - 4 * CHAR - DATE_W // 2

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN = "Times New Roman"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


# -- properties, always in the schema's element order ------------------------------------------
def ppr(*, style: str = "", keep_next: bool = False, keep_lines: bool = False, border: str = "",
        tabs: str = "", no_autospace: bool = False, snap: bool | None = None, spacing: str = "", ind: str = "",
        jc: str = "") -> str:
    """CT_PPrBase order: pStyle, keepNext, keepLines, pBdr, tabs, autoSpaceDE, autoSpaceDN, snapToGrid,
    spacing, ind, jc."""
    parts = [f'<w:pStyle w:val="{style}"/>' if style else "",
             "<w:keepNext/>" if keep_next else "", "<w:keepLines/>" if keep_lines else "",
             f"<w:pBdr>{border}</w:pBdr>" if border else "", f"<w:tabs>{tabs}</w:tabs>" if tabs else "",
             '<w:autoSpaceDE w:val="0"/><w:autoSpaceDN w:val="0"/>' if no_autospace else "",
             "" if snap is None else ("<w:snapToGrid/>" if snap else '<w:snapToGrid w:val="0"/>'),
             f"<w:spacing {spacing}/>" if spacing else "", f"<w:ind {ind}/>" if ind else "",
             f'<w:jc w:val="{jc}"/>' if jc else ""]
    return "".join(parts)


def fonts(east_asia: str, latin: str = LATIN) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:eastAsia="{east_asia}" w:hAnsi="{latin}" '
            f'w:cs="{latin}" w:hint="eastAsia"/>')


def rpr(east_asia: str = "", *, latin: str = LATIN, tracking: int | None = None, kern: int = 0, pt: float = 0,
        lang: bool = False) -> str:
    """CT_RPr order: rFonts, spacing, kern, sz, szCs, lang."""
    parts = [fonts(east_asia, latin) if east_asia else "",
             "" if tracking is None else f'<w:spacing w:val="{tracking}"/>',
             f'<w:kern w:val="{kern}"/>' if kern else "",
             f'<w:sz w:val="{int(pt * 2)}"/><w:szCs w:val="{int(pt * 2)}"/>' if pt else "",
             '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/>' if lang else ""]
    return "".join(parts)


def chars(n: float, pt: float = BODY_PT, tracking: int = TRACKING) -> tuple[int, int]:
    """(twips, hundredths of a character) of n characters: Word uses the second, LibreOffice the first."""
    return round(n * (pt * 20 + tracking)), round(n * 100)


def indent(*, first: float = 0, left: float = 0, right: float = 0, pt: float = BODY_PT) -> str:
    """w:ind with both the twips and the character units (so it follows a changed font size in Word)."""
    out = []
    if left:
        tw, ch = chars(left, pt)
        out.append(f'w:leftChars="{ch}" w:left="{tw}"')
    if right:
        tw, ch = chars(right, pt)
        out.append(f'w:rightChars="{ch}" w:right="{tw}"')
    tw, ch = chars(first, pt)
    out.append(f'w:firstLineChars="{ch}" w:firstLine="{tw}"')
    return " ".join(out)


# -- paragraphs ---------------------------------------------------------------------------
def run(text: str) -> str:
    return f'<w:r><w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str = "", style: str = "") -> str:
    props = ppr(style=style)
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{run(text) if text else ''}</w:p>"


def title(text: str) -> str:
    return para(text, "GwTitle")


def addressee(text: str) -> str:
    return para(text, "GwAddressee")


def body(text: str) -> str:
    return para(text, "GwBody")


def closing(text: str = "特此告知。") -> str:
    """The last body paragraph: kept on the page of the seal and signature below it."""
    return para(text, "GwBodyKeep")


def h1(text: str) -> str:
    return para(text, "GwHeading1")


def ref_line(text: str) -> str:
    return para(text, "GwRefLine")


def when(condition: str, *blocks: str) -> list[str]:
    """Paragraphs that appear only when ``condition`` holds ({%p if %} ... {%p endif %})."""
    return [para(f"{{%p if {condition} %}}", "GwPlain"), *blocks, para("{%p endif %}", "GwPlain")]


def signature() -> list[str]:
    """Room for the seal, then the organ centred over the date (GB/T 9704 7.3.5.1)."""
    def tabbed(text: str, style: str) -> str:
        return f'<w:p><w:pPr>{ppr(style=style)}</w:pPr><w:r><w:tab/></w:r>{run(text)}</w:p>'

    return [para("", "GwSealSpace"), para("", "GwSealSpace"), tabbed("{{ 本单位 }}", "GwSignature"),
            tabbed("{{ 成文日期 }}", "GwDate")]


def note(text: str, condition: str = "") -> list[str]:
    """附注: left two characters in, in brackets, on the line below the date (GB/T 9704 7.3.6)."""
    line = para(text, "GwNote")
    return when(condition, line) if condition else [line]


CONTACT = note("（{{ 联系方式 }}）", "联系方式")
SERVE = note("（本告知书一式两份，一份送达信访人，一份存档。）")


def table(headers: list[str], cells: list[str], loop: str, widths: list[int], *, small: bool = False) -> str:
    """A bordered table: header row (repeats on each page), ``{%tr for %}`` row, data row, ``{%tr endfor %}``."""
    head, cell = ("GwTableHeadSmall", "GwTableCellSmall") if small else ("GwTableHead", "GwTableCell")
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def row(texts: list[str], header: bool = False) -> str:
        out = ["<w:tr>", "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"]
        for t, w in zip(texts, widths, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                       f'{para(t, head if header else cell)}</w:tc>')
        out.append("</w:tr>")
        return "".join(out)

    def tag_row(tag: str) -> str:
        span = len(widths)
        return (f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/><w:gridSpan w:val="{span}"/>'
                f'</w:tcPr>{para(tag, cell)}</w:tc></w:tr>')

    return (
        f'<w:tbl><w:tblPr><w:tblStyle w:val="GwTable"/><w:tblW w:w="{sum(widths)}" w:type="dxa"/>'
        '<w:jc w:val="center"/><w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + row(headers, header=True)
        + tag_row(f"{{%tr for {loop} %}}")
        + row(cells)
        + tag_row("{%tr endfor %}")
        + "</w:tbl>"
    )


def rest(*used: int) -> int:
    return TEXT_W - sum(used)


PETITIONERS = table(
    ["序号", "姓名", "联系电话", "住址"],
    ["{{ 人.序号 }}", "{{ 人.姓名 }}", "{{ 人.联系电话 }}", "{{ 人.住址 }}"],
    "人 in 信访人列表",
    [mm(14), mm(26), mm(42), rest(mm(14), mm(26), mm(42))],  # an 11-digit mobile fits one line at 4号
)
FACTS = table(
    ["项目", "内容"],
    ["{{ 条.项目 }}", "{{ 条.内容 }}"],
    "条 in 基本情况",
    [mm(30), rest(mm(30))],
)
# One row per petition; its steps one per line inside the row. Widths at 小四: the date column
# holds "2026年11月25日" (with the space LibreOffice puts between digits and Chinese), the number
# column a 15-character reference such as XF2026090300009, on one line each.
ITEMS = table(
    ["序号", "信访件编号", "信访事项", "环节", "限办日期", "超期天数"],
    ["{{ 项.序号 }}", "{{ 项.信访件编号 }}", "{{ 项.标题 }}", "{{ 项.环节 }}", "{{ 项.限办日期 }}", "{{ 项.超期天数 }}"],
    "项 in 事项列表",
    [mm(12), mm(36), rest(mm(12), mm(36), mm(20), mm(37), mm(20)), mm(20), mm(37), mm(20)],
    small=True,
)
COPY_TO = when("抄送", para("抄送：{{ 抄送 }}。", "GwCopyTo"))

# The reply these letters ask of the petitioner's case: the same sentence for every notice.
ABOUT = "{{ 称谓 }}于{{ 收件日期 }}{{ 反映方式 }}的“{{ 标题 }}”"


# -- the letters --------------------------------------------------------------------------
LETTERS: dict[str, list[str]] = {
    "交办单": [
        title("信访事项交办单"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 责任单位 }}："),
        body("{% if 交办机关 %}现将{{ 交办机关 }}{{ 交办方式 }}的信访事项{% if 交办文号 %}（{{ 交办文号 }}）{% endif %}"
             "{% else %}现将本办登记的信访事项{% endif %}转你单位办理。有关情况如下："),
        h1("一、基本情况"),
        body("信访事项：{{ 标题 }}"),
        FACTS,
        h1("二、信访人"),
        PETITIONERS,
        h1("三、反映的主要问题和诉求"),
        body("{{ 反映内容 }}"),
        *when("诉求", body("诉求：{{ 诉求 }}")),
        h1("四、办理要求"),
        closing("{% if 受理日期 %}本件已于{{ 受理日期 }}受理。{% elif 受理期限已过 %}本件受理告知期限已于{{ 受理期限 }}届满，"
                "请立即作出是否受理的决定并书面告知信访人。{% else %}请于{{ 受理期限 }}前作出是否受理的决定并书面告知信访人。"
                "{% endif %}{% if 办结期限已过 %}办结期限已于{{ 办结期限 }}届满，请立即办结{% else %}请于{{ 办结期限 }}前办结"
                "{% endif %}并书面答复信访人。办理结果请及时报送本办。"),
        *signature(),
        *CONTACT,
    ],
    "工单交办单": [
        title("热线工单交办单"),
        ref_line("{{ 编号名称 }}：{{ 信访件编号 }}"),
        addressee("{{ 责任单位 }}："),
        body("现将{% if 交办机关 %}{{ 交办机关 }}{% else %}{{ 来源 }}{% endif %}派发的工单转你单位办理。有关情况如下："),
        h1("一、基本情况"),
        body("工单标题：{{ 标题 }}"),
        FACTS,
        h1("二、诉求人"),
        PETITIONERS,
        h1("三、诉求内容"),
        body("{{ 反映内容 }}"),
        *when("诉求", body("诉求：{{ 诉求 }}")),
        h1("四、办理要求"),
        closing("{% if 办结期限已过 %}本工单的办理时限已于{{ 办理时限 }}届满，请立即办理{% else %}请于{{ 办理时限 }}前办理完毕"
                "{% endif %}，并将办理结果报送本办，由本办在{{ 来源 }}平台回复办结。"),
        *signature(),
        *CONTACT,
    ],
    "受理告知书": [
        title("信访事项受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body(ABOUT + "信访事项，经审查，符合受理条件，本机关已于{{ 受理日期 }}予以受理。现告知如下："),
        body("一、本事项由{{ 责任单位 }}负责办理。"),
        body("二、本机关将于{{ 办结期限 }}前作出处理意见，并书面答复{{ 称谓 }}。"),
        closing(),
        *signature(),
        *CONTACT,
    ],
    "不予受理告知书": [
        title("信访事项不予受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body(ABOUT + "问题，本机关已收悉。经审查，{{ 不予受理理由 }}。根据{{ 法律依据 }}"
             "{% if 法律依据原文 %}“{{ 法律依据原文 }}”{% endif %}的规定，本机关决定不予受理。"),
        *when("告知途径", body("{{ 告知途径 }}")),
        closing(),
        *signature(),
        *SERVE,
    ],
    "不再受理告知书": [
        title("信访事项不再受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body(ABOUT + "问题，本机关已收悉。经审查，{{ 不再受理理由 }}。根据{{ 法律依据 }}"
             "{% if 法律依据原文 %}“{{ 法律依据原文 }}”{% endif %}的规定，本机关对该信访事项不再受理。"),
        *when("告知途径", body("{{ 告知途径 }}")),
        closing(),
        *signature(),
        *SERVE,
    ],
    "延期办理告知书": [
        title("信访事项延期办理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body(ABOUT + "信访事项，本机关已于{{ 受理日期 }}受理。因{{ 延期理由 }}，不能在规定期限内办结。根据"
             "{{ 延期依据 }}{% if 延期依据原文 %}“{{ 延期依据原文 }}”{% endif %}的规定，经本机关负责人批准，"
             "办理期限延长至{{ 延期至 }}。"),
        closing(),
        *signature(),
        *CONTACT,
    ],
    "处理意见书": [
        title("关于{{ 信访人 }}信访事项的处理意见"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body(ABOUT + "信访事项，本机关已于{{ 受理日期 }}受理。经调查核实，现将处理意见告知如下："),
        h1("一、信访事项"),
        body("{{ 反映内容 }}"),
        *when("诉求", body("诉求：{{ 诉求 }}")),
        h1("二、调查核实情况"),
        body("（请填写调查核实的事实。）"),
        h1("三、处理依据"),
        body("（请填写法律、法规、规章或政策依据，具体到条款。）"),
        h1("四、处理意见"),
        body("（支持 / 解释说明 / 不予支持，并写明理由。）"),
        closing("如对本处理意见不服，可以自收到本意见书之日起30日内向{{ 复查机关 }}提出复查请求。"),
        *signature(),
        *CONTACT,
    ],
    "催办单": [
        title("信访事项催办单"),
        addressee("{{ 责任单位 }}："),
        body("截至{{ 成文日期 }}，你单位承办的以下{{ 事项数 }}件信访事项已临近或超过办理期限，请抓紧办理，"
             "并于{{ 报送期限 }}前将办理情况报送本办。{{ 办理要求 }}"),
        ITEMS,
        closing("特此催办。"),
        *signature(),
        *CONTACT,
        *COPY_TO,
    ],
    "督办单": [
        title("信访事项督办单"),
        addressee("{{ 责任单位 }}："),
        body("你单位承办的以下{{ 事项数 }}件信访事项已超过办理期限，现予督办。请单位主要负责人亲自过问，"
             "于{{ 报送期限 }}前书面报告办理结果及超期原因。{{ 办理要求 }}"),
        ITEMS,
        closing("特此督办。"),
        *signature(),
        *CONTACT,
        *COPY_TO,
    ],
    "承办情况报告": [
        title("关于信访事项办理情况的报告"),
        *when("交办文号", ref_line("{{ 交办文号 }}")),
        addressee("{{ 交办机关 }}："),
        body("{{ 交办机关 }}{{ 交办方式 }}的{{ 信访人 }}反映“{{ 标题 }}”的信访事项（信访件编号{{ 信访件编号 }}）"
             "已办理完毕，现将办理情况报告如下："),
        h1("一、信访人反映的问题"),
        body("{{ 反映内容 }}"),
        h1("二、调查核实情况"),
        body("（请填写。）"),
        h1("三、处理结果及答复情况"),
        closing("（请填写处理结果、答复方式和送达日期。）"),
        *signature(),
        *CONTACT,
    ],
}


# -- package parts ------------------------------------------------------------------------
def document_xml(blocks: list[str]) -> str:
    sect = (
        '<w:sectPr><w:footerReference w:type="default" r:id="rIdFooterOdd"/>'
        '<w:footerReference w:type="even" r:id="rIdFooterEven"/>'
        f'<w:pgSz w:w="{PAGE_W}" w:h="{PAGE_H}"/>'
        f'<w:pgMar w:top="{TOP}" w:right="{RIGHT}" w:bottom="{BOTTOM}" w:left="{LEFT}" '
        f'w:header="851" w:footer="{FOOTER}" w:gutter="0"/>'
        '<w:pgNumType w:start="1"/><w:cols w:space="425"/>'
        f'<w:docGrid w:type="lines" w:linePitch="{LINE_PITCH}"/></w:sectPr>'
    )
    return (f'{XML_DECL}<w:document xmlns:w="{W_NS}" xmlns:r="{R_NS}"><w:body>{"".join(blocks)}{sect}'
            "</w:body></w:document>")


def footer_xml(align: str, ind: str) -> str:
    # "— 1 —": em dashes around a PAGE field, 4号宋体, one character in from the outer edge.
    r = f"<w:rPr>{rpr(SONG_FONT, latin=SONG_FONT, pt=14)}</w:rPr>"
    return (
        f'{XML_DECL}<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f'<w:p><w:pPr>{ppr(style="GwFooter", ind=ind, jc=align)}</w:pPr>'
        f'<w:r>{r}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{r}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r>{r}<w:t>1</w:t></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{r}<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


def style(sid: str, name: str, ppr_xml: str, rpr_xml: str, *, based: str = "Normal") -> str:
    # CT_Style order: name, basedOn, next, qFormat, pPr, rPr.
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{based}"/><w:next w:val="{sid}"/><w:qFormat/><w:pPr>{ppr_xml}</w:pPr>'
            f"<w:rPr>{rpr_xml}</w:rPr></w:style>")


NO_INDENT = indent()
DEFAULT_SPACING = 'w:after="0" w:line="240" w:lineRule="auto"'
FIRST_TWO = indent(first=2)


def styles_xml() -> str:
    body_rpr = rpr(BODY_FONT, tracking=TRACKING, pt=BODY_PT)
    table_rpr = rpr(BODY_FONT, tracking=0, pt=TABLE_PT)
    small_rpr = rpr(BODY_FONT, tracking=0, pt=SMALL_PT)
    centre_tab = f'<w:tab w:val="center" w:pos="{SIGN_CENTRE}"/>'
    hairline = "".join(f'<w:{s} w:val="single" w:sz="6" w:space="1" w:color="000000"/>' for s in ("top", "bottom"))
    return (
        f'{XML_DECL}<w:styles xmlns:w="{W_NS}">'
        f'<w:docDefaults><w:rPrDefault><w:rPr>{rpr(BODY_FONT, kern=2, pt=BODY_PT, lang=True)}</w:rPr></w:rPrDefault>'
        f"<w:pPrDefault><w:pPr>{ppr(spacing=DEFAULT_SPACING)}</w:pPr></w:pPrDefault></w:docDefaults>"
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        # No extra space between Chinese and Arabic numerals: "2026年11月5日" is set solid in official documents.
        f'<w:pPr>{ppr(no_autospace=True, snap=True, jc="both")}</w:pPr><w:rPr>{body_rpr}</w:rPr></w:style>'
        + style("GwTitle", "公文标题", ppr(spacing=f'w:before="0" w:after="{LINE_PITCH}"', ind=NO_INDENT, jc="center"),
                rpr(TITLE_FONT, tracking=0, pt=22))
        + style("GwRefLine", "发文字号", ppr(ind=NO_INDENT, jc="right"), body_rpr)
        + style("GwAddressee", "主送机关", ppr(ind=NO_INDENT, jc="left"), body_rpr)
        + style("GwBody", "公文正文", ppr(ind=FIRST_TWO), body_rpr)
        + style("GwBodyKeep", "正文末段", ppr(keep_next=True, ind=FIRST_TWO), body_rpr, based="GwBody")
        + style("GwPlain", "正文不缩进", ppr(ind=NO_INDENT), body_rpr)
        + style("GwHeading1", "一级标题", ppr(keep_next=True, ind=FIRST_TWO), rpr(HEI_FONT, tracking=TRACKING, pt=BODY_PT))
        + style("GwHeading2", "二级标题", ppr(keep_next=True, ind=FIRST_TWO), rpr(KAI_FONT, tracking=TRACKING, pt=BODY_PT))
        # Two empty lines the seal presses on; kept with the signature so it never starts a page alone.
        + style("GwSealSpace", "用印位置", ppr(keep_next=True, ind=NO_INDENT), body_rpr)
        + style("GwSignature", "发文机关署名", ppr(keep_next=True, tabs=centre_tab, ind=NO_INDENT, jc="left"), body_rpr)
        + style("GwDate", "成文日期", ppr(tabs=centre_tab, ind=NO_INDENT, jc="left"), body_rpr)
        + style("GwNote", "附注", ppr(ind=FIRST_TWO, jc="left"), body_rpr)
        + style("GwCopyTo", "抄送", ppr(keep_lines=True, border=hairline, spacing=f'w:before="{LINE_PITCH}"',
                                        ind=indent(left=1, right=1, pt=TABLE_PT), jc="left"),
                rpr(BODY_FONT, tracking=0, pt=TABLE_PT))
        + style("GwTableHead", "表头", ppr(no_autospace=True, snap=False, ind=NO_INDENT, jc="center"), rpr(HEI_FONT, tracking=0, pt=TABLE_PT))
        + style("GwTableCell", "表格文字", ppr(no_autospace=True, snap=False, ind=NO_INDENT, jc="left"), table_rpr)
        + style("GwTableHeadSmall", "小表头", ppr(no_autospace=True, snap=False, ind=NO_INDENT, jc="center"),
                rpr(HEI_FONT, tracking=0, pt=SMALL_PT))
        + style("GwTableCellSmall", "小表格文字", ppr(no_autospace=True, snap=False, ind=NO_INDENT, jc="left"), small_rpr)
        + style("GwFooter", "页码", ppr(snap=False, ind=NO_INDENT), rpr(SONG_FONT, latin=SONG_FONT, tracking=0, pt=14))
        + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        f'<w:left w:w="{CELL_MARGIN}" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/>'
        f'<w:right w:w="{CELL_MARGIN}" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="table" w:customStyle="1" w:styleId="GwTable"><w:name w:val="公文表格"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style></w:styles>"
    )


SETTINGS = (
    f'{XML_DECL}<w:settings xmlns:w="{W_NS}">'
    # CT_Settings order: defaultTabStop, evenAndOddHeaders, characterSpacingControl, compat.
    # Odd pages number on the right, even pages on the left (GB/T 9704 7.5).
    '<w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>'
    # Every character, punctuation too, takes a full cell: 28 a line, as on the GB/T 9704 grid.
    '<w:characterSpacingControl w:val="doNotCompress"/>'
    # A line ending in a line break (a value with several lines) is not stretched across the line.
    '<w:compat><w:doNotExpandShiftReturn/><w:compatSetting w:name="compatibilityMode" '
    'w:uri="http://schemas.microsoft.com/office/word" w:val="15"/></w:compat></w:settings>'
)


def font_table_xml() -> str:
    """Each font with what Word tries when it is missing (w:altName, a comma-separated list)."""
    out = []
    for f in FONTS:
        alt = f'<w:altName w:val={quoteattr(",".join(f.alt))}/>' if f.alt else ""
        panose = f'<w:panose1 w:val="{f.panose}"/>' if f.panose else ""
        out.append(f"<w:font w:name={quoteattr(f.name)}>{alt}{panose}<w:charset w:val=\"{f.charset}\"/>"
                   f'<w:family w:val="{f.family}"/><w:pitch w:val="{f.pitch}"/></w:font>')
    return f'{XML_DECL}<w:fonts xmlns:w="{W_NS}">{"".join(out)}</w:fonts>'


WML = "application/vnd.openxmlformats-officedocument.wordprocessingml"
CONTENT_TYPES = (
    f'{XML_DECL}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    f'<Override PartName="/word/document.xml" ContentType="{WML}.document.main+xml"/>'
    f'<Override PartName="/word/styles.xml" ContentType="{WML}.styles+xml"/>'
    f'<Override PartName="/word/settings.xml" ContentType="{WML}.settings+xml"/>'
    f'<Override PartName="/word/fontTable.xml" ContentType="{WML}.fontTable+xml"/>'
    f'<Override PartName="/word/footer1.xml" ContentType="{WML}.footer+xml"/>'
    f'<Override PartName="/word/footer2.xml" ContentType="{WML}.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    '<Override PartName="/docProps/app.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.extended-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    f'{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/>'
    '<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'extended-properties" Target="docProps/app.xml"/></Relationships>'
)

DOC_RELS = (
    f'{XML_DECL}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{R_NS}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFonts" Type="{R_NS}/fontTable" Target="fontTable.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{R_NS}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{R_NS}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)

APP = (
    f'{XML_DECL}<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties">'
    "<Application>petitionbot</Application><Template>GB/T 9704-2012</Template></Properties>"
)


def core_xml(kind: str) -> str:
    return (
        f'{XML_DECL}<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(kind)}</dc:title><dc:creator>petitionbot</dc:creator><cp:lastModifiedBy>petitionbot"
        '</cp:lastModifiedBy><dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )


def build(kind: str) -> bytes:
    import io

    one_char = 280  # 14 pt page number: one character in from the outer edge
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": core_xml(kind),
        "docProps/app.xml": APP,
        "word/_rels/document.xml.rels": DOC_RELS,
        "word/document.xml": document_xml(LETTERS[kind]),
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS,
        "word/fontTable.xml": font_table_xml(),
        "word/footer1.xml": footer_xml("right", f'w:right="{one_char}"'),
        "word/footer2.xml": footer_xml("left", f'w:left="{one_char}"'),
    }
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            # A fixed timestamp keeps the build reproducible (same bytes on every run).
            z.writestr(zipfile.ZipInfo(name, date_time=(2026, 1, 1, 0, 0, 0)), text.encode("utf-8"),
                       compress_type=zipfile.ZIP_DEFLATED)
    return buf.getvalue()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Regenerate the GB/T 9704 letter templates.")
    ap.add_argument("--out", type=Path, default=HERE)
    ap.add_argument("--force", action="store_true", help="overwrite templates that differ (clerk edits are lost)")
    args = ap.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    refused = []
    for kind in LETTERS:
        data = build(kind)
        target = args.out / f"{kind}.docx"
        if target.exists() and target.read_bytes() != data and not args.force:
            refused.append(target.name)
            continue
        tmp = target.with_suffix(".docx.tmp")
        tmp.write_bytes(data)
        tmp.replace(target)
    if refused:
        print("未覆盖（与生成结果不同，可能已被修改；确需覆盖请加 --force）：" + "、".join(refused), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
