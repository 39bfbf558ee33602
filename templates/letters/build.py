"""Build the letter templates (``*.docx`` in this folder) laid out to GB/T 9704-2012.

Run ``.venv/bin/python templates/letters/build.py`` to regenerate them. The .docx files are
committed: clerks edit them in Word afterwards, so re-running this script overwrites their
edits (it refuses unless ``--force`` is given when a file differs from what it would write).

The WordprocessingML is written by hand rather than through python-docx so that every
layout value GB/T 9704 fixes is visible here and nothing is inherited from a library's
default template: page size and margins, the 22 x 28 document grid, the fonts with their
East Asian slot (``w:rFonts w:eastAsia``), and the "— 1 —" page numbers on the outer side.
Placeholders are docxtpl/Jinja tags with Chinese variable names (see
docs/clerk-guide-letters.md); a table row that holds only ``{%tr for ... %}`` repeats.
"""

from __future__ import annotations

import argparse
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent

# -- GB/T 9704-2012 geometry (twips: 1/1440 inch; mm * 1440 / 25.4) --------------------------
def mm(v: float) -> int:
    return round(v * 1440 / 25.4)


PAGE_W, PAGE_H = mm(210), mm(297)
TOP, LEFT, RIGHT, BOTTOM = mm(37), mm(28), mm(26), mm(35)
TEXT_W, TEXT_H = PAGE_W - LEFT - RIGHT, PAGE_H - TOP - BOTTOM  # 156 x 225 mm
LINES, CHARS = 22, 28
LINE_PITCH = TEXT_H // LINES  # twips per grid line
BODY_PT = 16  # 3号
# docGrid charSpace: extra width per character over the body font, in 1/4096 pt.
CHAR_SPACE = round((TEXT_W / CHARS / 20 - BODY_PT) * 4096)
# Page number: 4号 (14 pt), its top 7 mm below the text block, so the footer's bottom edge
# sits 35 - 7 - (14 pt line ~ 5 mm) = 23 mm above the paper's edge.
FOOTER = mm(23)

TITLE_FONT = "方正小标宋简体"
BODY_FONT = "仿宋_GB2312"
HEI_FONT = "黑体"
KAI_FONT = "楷体_GB2312"
SONG_FONT = "宋体"
LATIN = "Times New Roman"

W_NS = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def fonts(east_asia: str, latin: str = LATIN) -> str:
    return (f'<w:rFonts w:ascii="{latin}" w:hAnsi="{latin}" w:eastAsia="{east_asia}" '
            f'w:cs="{latin}" w:hint="eastAsia"/>')


# -- paragraphs ---------------------------------------------------------------------------
def run(text: str, rpr: str = "") -> str:
    return f'<w:r>{f"<w:rPr>{rpr}</w:rPr>" if rpr else ""}<w:t xml:space="preserve">{escape(text)}</w:t></w:r>'


def para(text: str = "", style: str = "", ppr: str = "", rpr: str = "") -> str:
    props = (f'<w:pStyle w:val="{style}"/>' if style else "") + ppr
    body = run(text, rpr) if text else ""
    return f"<w:p>{f'<w:pPr>{props}</w:pPr>' if props else ''}{body}</w:p>"


def title(text: str) -> str:
    return para(text, "GwTitle")


def addressee(text: str) -> str:
    return para(text, "GwAddressee")


def body(text: str) -> str:
    return para(text, "GwBody")


def h1(text: str) -> str:
    return para(text, "GwHeading1")


def h2(text: str) -> str:
    return para(text, "GwHeading2")


def flush(text: str) -> str:
    """A body paragraph without the first-line indent (field lines, notes)."""
    return para(text, "GwPlain")


def ref_line(text: str) -> str:
    return para(text, "GwRefLine")


def blank() -> str:
    return para("", "GwPlain")


def signature(*lines: str) -> str:
    return "".join(para(t, "GwSignature") for t in lines)


def table(headers: list[str], cells: list[str], loop: str, widths: list[int]) -> str:
    """A bordered table: header row, ``{%tr for %}`` row, data row, ``{%tr endfor %}`` row."""
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in widths)

    def row(texts: list[str], header: bool = False) -> str:
        out = ["<w:tr>", "<w:trPr><w:cantSplit/>" + ("<w:tblHeader/>" if header else "") + "</w:trPr>"]
        for t, w in zip(texts, widths, strict=True):
            out.append(f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/><w:vAlign w:val="center"/></w:tcPr>'
                       f'{para(t, "GwTableHead" if header else "GwTableCell")}</w:tc>')
        out.append("</w:tr>")
        return "".join(out)

    def tag_row(tag: str) -> str:
        span = len(widths)
        return (f'<w:tr><w:tc><w:tcPr><w:tcW w:w="{sum(widths)}" w:type="dxa"/><w:gridSpan w:val="{span}"/>'
                f'</w:tcPr>{para(tag, "GwTableCell")}</w:tc></w:tr>')

    return (
        '<w:tbl><w:tblPr><w:tblStyle w:val="GwTable"/><w:tblW w:w="5000" w:type="pct"/><w:jc w:val="center"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        + row(headers, header=True)
        + tag_row(f"{{%tr for {loop} %}}")
        + row(cells)
        + tag_row("{%tr endfor %}")
        + "</w:tbl>"
    )


CONTACT = flush("联系人：{{ 经办人 }}　　联系电话：{{ 经办电话 }}")
SIGN = signature("{{ 本单位 }}", "{{ 成文日期 }}")
PETITIONERS = table(
    ["序号", "姓名", "联系电话", "住址"],
    ["{{ 人.序号 }}", "{{ 人.姓名 }}", "{{ 人.联系电话 }}", "{{ 人.住址 }}"],
    "人 in 信访人列表",
    [mm(14), mm(26), mm(42), TEXT_W - mm(14 + 26 + 42)],  # an 11-digit mobile fits one line at 3号
)
ITEMS = table(
    ["序号", "信访件编号", "信访事项", "限办日期", "超期天数"],
    ["{{ 项.序号 }}", "{{ 项.信访件编号 }}", "{{ 项.标题 }}", "{{ 项.限办日期 }}", "{{ 项.超期天数 }}"],
    "项 in 事项列表",
    [mm(12), mm(36), TEXT_W - mm(12 + 36 + 34 + 22), mm(34), mm(22)],
)


# -- the letters --------------------------------------------------------------------------
LETTERS: dict[str, list[str]] = {
    "交办单": [
        title("信访事项交办单"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 责任单位 }}："),
        body("现将{{ 交办机关 }}{{ 交办方式 }}的信访事项（{{ 交办文号 }}）转你单位办理。有关情况如下："),
        h1("一、基本情况"),
        body("信访事项：{{ 标题 }}"),
        body("收件日期：{{ 收件日期 }}；交办日期：{{ 交办日期 }}；信访形式：{{ 信访形式 }}。"),
        body("问题属地：{{ 问题属地 }}；内容分类：{{ 内容分类 }}；信访目的：{{ 信访目的 }}；人数：{{ 人数 }}。"),
        h1("二、信访人"),
        PETITIONERS,
        h1("三、反映的主要问题"),
        body("{{ 反映内容 }}"),
        h1("四、诉求"),
        body("{{ 诉求 }}"),
        h1("五、办理要求"),
        body("请于{{ 受理期限 or \"＿＿年＿＿月＿＿日\" }}前作出是否受理的决定并书面告知信访人，"
             "于{{ 办结期限 or \"＿＿年＿＿月＿＿日\" }}前办结并书面答复，"
             "办理结果及时报送本办。"),
        blank(),
        SIGN,
        CONTACT,
    ],
    "受理告知书": [
        title("信访事项受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body("你（们）于{{ 收件日期 }}通过{{ 信访形式 }}反映的“{{ 标题 }}”信访事项，经审查，符合受理条件，"
             "本机关已于{{ 受理日期 }}予以受理。现告知如下："),
        body("一、办理单位：{{ 责任单位 }}。"),
        body("二、本机关将在{{ 办结期限 }}前作出处理意见，并书面答复你（们）。"),
        body("特此告知。"),
        blank(),
        SIGN,
        CONTACT,
    ],
    "不予受理告知书": [
        title("信访事项不予受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body("你（们）于{{ 收件日期 }}通过{{ 信访形式 }}反映的“{{ 标题 }}”问题，经审查，{{ 不予受理理由 }}"
             "依据{{ 法律依据 }}的规定，本机关决定不予受理。"),
        body("{{ 告知途径 }}"),
        body("特此告知。"),
        blank(),
        SIGN,
        flush("（本告知书一式两份，一份送达信访人，一份存档。）"),
    ],
    "不再受理告知书": [
        title("信访事项不再受理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body("你（们）于{{ 收件日期 }}通过{{ 信访形式 }}反映的“{{ 标题 }}”问题，经审查，{{ 不再受理理由 }}"
             "依据{{ 法律依据 }}的规定，对你（们）以同一事实和理由提出的信访事项，本机关不再受理。"),
        body("特此告知。"),
        blank(),
        SIGN,
        flush("（本告知书一式两份，一份送达信访人，一份存档。）"),
    ],
    "延期办理告知书": [
        title("信访事项延期办理告知书"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body("你（们）于{{ 收件日期 }}通过{{ 信访形式 }}反映的“{{ 标题 }}”信访事项，本机关已于{{ 受理日期 }}受理。"
             "因{{ 延期理由 }}，不能在规定期限内办结。经本机关负责人批准，办理期限延长至{{ 延期至 }}。"),
        body("特此告知。"),
        blank(),
        SIGN,
        CONTACT,
    ],
    "处理意见书": [
        title("关于{{ 信访人 }}信访事项的处理意见"),
        ref_line("编号：{{ 信访件编号 }}"),
        addressee("{{ 信访人 }}："),
        body("你（们）于{{ 收件日期 }}通过{{ 信访形式 }}反映的“{{ 标题 }}”信访事项，本机关已于{{ 受理日期 }}受理。"
             "经调查核实，现将处理意见告知如下："),
        h1("一、信访事项"),
        body("{{ 反映内容 }}"),
        body("诉求：{{ 诉求 }}"),
        h1("二、调查核实情况"),
        body("（请填写调查核实的事实。）"),
        h1("三、处理依据"),
        body("（请填写法律、法规、规章或政策依据，具体到条款。）"),
        h1("四、处理意见"),
        body("（支持 / 解释说明 / 不予支持，并写明理由。）"),
        body("如对本处理意见不服，可以自收到本意见书之日起30日内向{{ 复查机关 }}提出复查请求。"),
        blank(),
        SIGN,
    ],
    "催办单": [
        title("信访事项催办单"),
        addressee("{{ 责任单位 }}："),
        body("截至{{ 成文日期 }}，你单位承办的以下{{ 事项数 }}件信访事项已临近或超过办理期限，请抓紧办理，"
             "并于{{ 报送期限 }}前将办理情况报送本办。{{ 办理要求 }}"),
        ITEMS,
        blank(),
        SIGN,
        flush("抄送：{{ 抄送 }}"),
        CONTACT,
    ],
    "督办单": [
        title("信访事项督办单"),
        addressee("{{ 责任单位 }}："),
        body("你单位承办的以下{{ 事项数 }}件信访事项已超过办理期限，现予督办。请单位主要负责人亲自过问，"
             "于{{ 报送期限 }}前书面报告办理结果及超期原因。{{ 办理要求 }}"),
        ITEMS,
        blank(),
        SIGN,
        flush("抄送：{{ 抄送 }}"),
        CONTACT,
    ],
    "承办情况报告": [
        title("关于信访事项办理情况的报告"),
        ref_line("{{ 交办文号 }}"),
        addressee("{{ 交办机关 }}："),
        body("你局{{ 交办方式 }}的{{ 信访人 }}反映“{{ 标题 }}”的信访事项（编号{{ 信访件编号 }}）已办理完毕，"
             "现将办理情况报告如下："),
        h1("一、信访人反映的问题"),
        body("{{ 反映内容 }}"),
        h1("二、调查核实情况"),
        body("（请填写。）"),
        h1("三、处理结果及答复情况"),
        body("（请填写处理结果、答复方式和送达日期。）"),
        blank(),
        SIGN,
        flush("承办人：{{ 经办人 }}　　联系电话：{{ 经办电话 }}"),
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
        f'<w:docGrid w:type="linesAndChars" w:linePitch="{LINE_PITCH}" w:charSpace="{CHAR_SPACE}"/></w:sectPr>'
    )
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{W_NS}" '
            f'xmlns:r="{R_NS}"><w:body>{"".join(blocks)}{sect}</w:body></w:document>')


def footer_xml(align: str, indent: str) -> str:
    # "— 1 —": em dashes around a PAGE field, 4号宋体, one character in from the outer edge.
    rpr = f'{fonts(SONG_FONT, SONG_FONT)}<w:sz w:val="28"/><w:szCs w:val="28"/>'
    r = f"<w:rPr>{rpr}</w:rPr>"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:ftr xmlns:w="{W_NS}" xmlns:r="{R_NS}">'
        f'<w:p><w:pPr><w:pStyle w:val="GwFooter"/><w:jc w:val="{align}"/>{indent}</w:pPr>'
        f'<w:r>{r}<w:t xml:space="preserve">— </w:t></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="begin"/></w:r>'
        f'<w:r>{r}<w:instrText xml:space="preserve"> PAGE </w:instrText></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="separate"/></w:r>'
        f'<w:r>{r}<w:t>1</w:t></w:r>'
        f'<w:r>{r}<w:fldChar w:fldCharType="end"/></w:r>'
        f'<w:r>{r}<w:t xml:space="preserve"> —</w:t></w:r></w:p></w:ftr>'
    )


def style(sid: str, name: str, ppr: str, rpr: str, *, based: str = "Normal") -> str:
    return (f'<w:style w:type="paragraph" w:customStyle="1" w:styleId="{sid}"><w:name w:val="{name}"/>'
            f'<w:basedOn w:val="{based}"/><w:qFormat/><w:pPr>{ppr}</w:pPr><w:rPr>{rpr}</w:rPr></w:style>')


def size(pt: float) -> str:
    return f'<w:sz w:val="{int(pt * 2)}"/><w:szCs w:val="{int(pt * 2)}"/>'


NO_INDENT = '<w:ind w:firstLine="0" w:firstLineChars="0"/>'


def styles_xml() -> str:
    body_rpr = f"{fonts(BODY_FONT)}{size(BODY_PT)}"
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:styles xmlns:w="{W_NS}">'
        f'<w:docDefaults><w:rPrDefault><w:rPr>{body_rpr}<w:kern w:val="2"/>'
        '<w:lang w:val="en-US" w:eastAsia="zh-CN" w:bidi="ar-SA"/></w:rPr></w:rPrDefault>'
        '<w:pPrDefault><w:pPr><w:spacing w:after="0" w:line="240" w:lineRule="auto"/></w:pPr></w:pPrDefault>'
        '</w:docDefaults>'
        '<w:style w:type="paragraph" w:default="1" w:styleId="Normal"><w:name w:val="Normal"/><w:qFormat/>'
        f'<w:pPr><w:widowControl/><w:snapToGrid/><w:jc w:val="both"/></w:pPr><w:rPr>{body_rpr}</w:rPr></w:style>'
        + style("GwTitle", "公文标题", f'<w:spacing w:before="0" w:after="{LINE_PITCH}"/><w:jc w:val="center"/>{NO_INDENT}',
                f"{fonts(TITLE_FONT)}{size(22)}")
        + style("GwRefLine", "发文字号", f'<w:jc w:val="right"/>{NO_INDENT}', body_rpr)
        + style("GwAddressee", "主送机关", f'<w:jc w:val="left"/>{NO_INDENT}', body_rpr)
        + style("GwBody", "公文正文", '<w:ind w:firstLineChars="200" w:firstLine="640"/>', body_rpr)
        + style("GwPlain", "正文不缩进", NO_INDENT, body_rpr)
        + style("GwHeading1", "一级标题", '<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/>',
                f"{fonts(HEI_FONT)}{size(BODY_PT)}")
        + style("GwHeading2", "二级标题", '<w:keepNext/><w:ind w:firstLineChars="200" w:firstLine="640"/>',
                f"{fonts(KAI_FONT)}{size(BODY_PT)}")
        # Date and organ four characters in from the right margin (unsealed documents differ
        # slightly; the clerk adjusts when sealing).
        + style("GwSignature", "落款", '<w:jc w:val="right"/><w:ind w:right="1280" w:rightChars="400" '
                'w:firstLine="0" w:firstLineChars="0"/>', body_rpr)
        + style("GwTableHead", "表头", f'<w:snapToGrid w:val="0"/><w:jc w:val="center"/>{NO_INDENT}',
                f"{fonts(HEI_FONT)}{size(14)}")
        + style("GwTableCell", "表格文字", f'<w:snapToGrid w:val="0"/><w:jc w:val="left"/>{NO_INDENT}',
                f"{fonts(BODY_FONT)}{size(14)}")
        + style("GwFooter", "页码", f'<w:snapToGrid w:val="0"/>{NO_INDENT}', f"{fonts(SONG_FONT, SONG_FONT)}{size(14)}")
        + '<w:style w:type="table" w:default="1" w:styleId="TableNormal"><w:name w:val="Normal Table"/>'
        '<w:tblPr><w:tblInd w:w="0" w:type="dxa"/><w:tblCellMar><w:top w:w="0" w:type="dxa"/>'
        '<w:left w:w="108" w:type="dxa"/><w:bottom w:w="0" w:type="dxa"/><w:right w:w="108" w:type="dxa"/>'
        '</w:tblCellMar></w:tblPr></w:style>'
        '<w:style w:type="table" w:customStyle="1" w:styleId="GwTable"><w:name w:val="公文表格"/>'
        '<w:basedOn w:val="TableNormal"/><w:tblPr><w:tblBorders>'
        + "".join(f'<w:{s} w:val="single" w:sz="4" w:space="0" w:color="000000"/>'
                  for s in ("top", "left", "bottom", "right", "insideH", "insideV"))
        + "</w:tblBorders></w:tblPr></w:style></w:styles>"
    )


SETTINGS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:settings xmlns:w="{W_NS}">'
    # Odd pages number on the right, even pages on the left (GB/T 9704 7.5).
    '<w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>'
    '<w:characterSpacingControl w:val="compressPunctuation"/>'
    '<w:compat><w:compatSetting w:name="compatibilityMode" w:uri="http://schemas.microsoft.com/office/word" '
    'w:val="15"/></w:compat></w:settings>'
)

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
    '<Override PartName="/word/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.styles+xml"/>'
    '<Override PartName="/word/settings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.settings+xml"/>'
    '<Override PartName="/word/footer1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/word/footer2.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.footer+xml"/>'
    '<Override PartName="/docProps/core.xml" '
    'ContentType="application/vnd.openxmlformats-package.core-properties+xml"/>'
    "</Types>"
)

ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="word/document.xml"/>'
    '<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/package/2006/relationships/metadata/'
    'core-properties" Target="docProps/core.xml"/></Relationships>'
)

DOC_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rIdStyles" Type="{R_NS}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rIdSettings" Type="{R_NS}/settings" Target="settings.xml"/>'
    f'<Relationship Id="rIdFooterOdd" Type="{R_NS}/footer" Target="footer1.xml"/>'
    f'<Relationship Id="rIdFooterEven" Type="{R_NS}/footer" Target="footer2.xml"/>'
    "</Relationships>"
)


def core_xml(kind: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        f"<dc:title>{escape(kind)}</dc:title><dc:creator>petitionbot</dc:creator>"
        '<dcterms:created xsi:type="dcterms:W3CDTF">2026-01-01T00:00:00Z</dcterms:created>'
        "</cp:coreProperties>"
    )


def build(kind: str) -> bytes:
    import io

    one_char = 280  # 14 pt page number: one character in from the outer edge
    parts = {
        "[Content_Types].xml": CONTENT_TYPES,
        "_rels/.rels": ROOT_RELS,
        "docProps/core.xml": core_xml(kind),
        "word/_rels/document.xml.rels": DOC_RELS,
        "word/document.xml": document_xml(LETTERS[kind]),
        "word/styles.xml": styles_xml(),
        "word/settings.xml": SETTINGS,
        "word/footer1.xml": footer_xml("right", f'<w:ind w:right="{one_char}"/>'),
        "word/footer2.xml": footer_xml("left", f'<w:ind w:left="{one_char}"/>'),
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
