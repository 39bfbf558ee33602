"""The .xlsx adapter: the only module that touches python-calamine and openpyxl (reading).

Reading uses python-calamine (fast, values only) for the 台账 sheet, and openpyxl in read-only
mode for the few sheets a clerk added (formulas, number formats, bold/italic, font and fill
colours); merged ranges and column widths of those sheets are read as well. Writing goes
through ``flows.workbook`` (XlsxWriter in constant-memory mode, the 台账 and 打印 rows streamed):
a cell's type decides how it is stored, so nothing a clerk or the upstream typed ever becomes a
formula.
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from operator import itemgetter
from pathlib import Path
from typing import Any

from core.errors import SystemError_
from flows.ledger.columns import BY_HEADER, BY_KEY, OWN_SHEETS, SHEET_CHECKS, SHEET_LEDGER, SHEET_PRINT, SHEET_STATS
from flows.ledger.deadlines import ESTIMATED, EstimatedDate
from flows.ledger.stats import Breakdown
from flows.ledger.sync import Issue, Table
from flows.workbook import (
    BORDER,
    Look,
    RowStreamer,
    Sheet,
    Workbook,
    col_letter,
    row_height,
    safe_text,
    splice,
    text_lines,
)

MAX_ROW = 1_048_575


@dataclass(frozen=True)
class Style:
    number_format: str = "General"
    bold: bool = False
    italic: bool = False
    color: str = ""  # RRGGBB
    fill: str = ""  # RRGGBB, solid fills only
    wrap: bool = False


@dataclass
class ExtraSheet:
    """A sheet a clerk added: kept with its values, formulas and simple formatting."""

    name: str
    values: list[list[Any]]
    formulas: dict[tuple[int, int], str] = field(default_factory=dict)
    styles: dict[tuple[int, int], Style] = field(default_factory=dict)
    merged: list[tuple[int, int, int, int]] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    hidden: bool = False


@dataclass
class Book:
    table: Table | None
    extras: list[ExtraSheet]
    order: list[str]  # sheet names in the book's order


@dataclass
class ColSpec:
    header: str
    kind: str  # text | long | date | int | share | choice | extra
    width: float
    role: str  # key | bot | clerk | extra
    hidden: bool = False
    choices: list[str] | None = None
    note: str = ""  # input message shown when a clerk selects a cell of the column


@dataclass
class BookSpec:
    title: str
    paper: str
    columns: list[ColSpec]
    rows: Iterable[list[Any]]  # consumed once, while writing
    row_count: int
    issues: list[Issue]
    stats: list[Breakdown]
    stats_caption: str
    extras: list[ExtraSheet]
    order: list[str]
    # deadline status -> row fill (RRGGBB), from flows.deadlines.status_fills(); a row says its
    # status in ``row.status`` (sync.Row). Empty: no row is coloured.
    fills: dict[str, str] = field(default_factory=dict)
    author: str = ""  # the office: the file's author property
    created: datetime | None = None  # the injected clock's now: the file's created property


# -- reading ---------------------------------------------------------------------------------
def read_book(path: Path) -> Book:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        meta = {m.name: m for m in wb.sheets_metadata}
        order = list(wb.sheet_names)
        table = None
        if SHEET_LEDGER in order:
            grid = wb.get_sheet_by_name(SHEET_LEDGER).to_python(skip_empty_area=False)
            table = _table(grid)
        extra_names = [n for n in order if n not in OWN_SHEETS and str(meta[n].typ).endswith("WorkSheet")]
        extras = []
        if extra_names:
            extras = _read_extras(path, wb, extra_names, meta)
        wb.close()
    except SystemError_:
        raise
    except Exception as exc:  # noqa: BLE001 - any reader failure means "cannot trust this file"
        raise SystemError_(f"无法读取台账 {path.name}：{type(exc).__name__}: {exc}",
                           hint="文件可能已损坏；请用 Excel 打开另存，或从 备份 文件夹恢复") from exc
    return Book(table, extras, order)


def _table(grid: list[list[Any]]) -> Table:
    if not grid:
        return Table([], [])
    header = list(grid[0])
    width = max((len(r) for r in grid), default=0)
    header += [""] * (width - len(header))
    rows = []
    for r in grid[1:]:
        if len(r) < width:
            r = [*r, *([""] * (width - len(r)))]
        rows.append(list(r))
    while rows and all(v == "" or v is None for v in rows[-1]):
        rows.pop()
    return Table(header, rows)


def _read_extras(path: Path, cwb: Any, names: list[str], meta: dict[str, Any]) -> list[ExtraSheet]:
    import openpyxl

    widths = _column_widths(path)
    owb = openpyxl.load_workbook(path, read_only=True, data_only=False)
    out = []
    try:
        for name in names:
            sheet = cwb.get_sheet_by_name(name)
            values = [list(r) for r in sheet.to_python(skip_empty_area=False)]
            extra = ExtraSheet(name, values, merged=[(a[0], a[1], b[0], b[1]) for a, b in (sheet.merged_cell_ranges or [])],
                               widths=widths.get(name, {}), hidden=not str(meta[name].visible).endswith(".Visible"))
            for row in owb[name].iter_rows():
                for cell in row:
                    if getattr(cell, "value", None) is None:
                        continue
                    r, c = cell.row - 1, cell.column - 1
                    if cell.data_type == "f" and isinstance(cell.value, str):
                        extra.formulas[(r, c)] = cell.value
                    while len(extra.values) <= r:
                        extra.values.append([])
                    if len(extra.values[r]) <= c:
                        extra.values[r] += [""] * (c + 1 - len(extra.values[r]))
                    if extra.values[r][c] in ("", None) and (r, c) not in extra.formulas:
                        extra.values[r][c] = cell.value
                    style = _style(cell)
                    if style != Style():
                        extra.styles[(r, c)] = style
            out.append(extra)
    finally:
        owb.close()
    return out


def _rgb(color: Any) -> str:
    rgb = getattr(color, "rgb", None) if color is not None else None
    if isinstance(rgb, str) and len(rgb) == 8 and getattr(color, "type", "rgb") == "rgb":
        return rgb[2:]
    return ""


def _style(cell: Any) -> Style:
    font, fill, align = cell.font, cell.fill, cell.alignment
    return Style(
        number_format=cell.number_format or "General",
        bold=bool(font and font.b), italic=bool(font and font.i),
        color=_rgb(font.color) if font is not None else "",
        fill=_rgb(fill.fgColor) if fill is not None and fill.fill_type == "solid" else "",
        wrap=bool(align and align.wrap_text),
    )


_COL_RE = re.compile(r"<(?:\w+:)?col\b([^>]*)/?>")
_ATTR_RE = re.compile(r'(\w+)="([^"]*)"')


def _column_widths(path: Path) -> dict[str, dict[int, float]]:
    # Neither calamine nor openpyxl's read-only mode exposes <cols>; read them from the package.
    out: dict[str, dict[int, float]] = {}
    with zipfile.ZipFile(path) as z:
        wb_xml = z.read("xl/workbook.xml").decode("utf-8", "replace")
        rels = z.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
        targets = {}
        for m in re.finditer(r"<(?:\w+:)?Relationship\b([^>]*)/?>", rels):
            a = dict(_ATTR_RE.findall(m.group(1)))
            targets[a.get("Id")] = a.get("Target", "")
        for m in re.finditer(r"<(?:\w+:)?sheet\b([^>]*)/?>", wb_xml):
            a = dict(re.findall(r'([\w:]+)="([^"]*)"', m.group(1)))
            name = _unescape(a.get("name", ""))
            if name in OWN_SHEETS:
                continue
            target = targets.get(a.get("r:id", ""), "")
            member = target.lstrip("/") if target.startswith("/") else "xl/" + target
            try:
                head = z.read(member)[:200_000].decode("utf-8", "replace")
            except KeyError:
                continue
            cols = head.split("<sheetData", 1)[0]
            widths = {}
            for cm in _COL_RE.finditer(cols):
                ca = dict(_ATTR_RE.findall(cm.group(1)))
                if "width" in ca and ca.get("customWidth", "1") in ("1", "true"):
                    for c in range(int(ca["min"]) - 1, min(int(ca["max"]), 200)):
                        widths[c] = float(ca["width"])
            out[name] = widths
    return out


def _unescape(s: str) -> str:
    return s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


# -- writing ---------------------------------------------------------------------------------
_HEAD_FILL = {"key": "#BDD7EE", "bot": "#DDEBF7", "clerk": "#FFE699", "extra": "#E2EFDA"}
_BASE = {"valign": "top", "font_size": 10}
_LINE = {"border": 1, "border_color": "#BFBFBF"}
# The columns people print (打印 sheet), in order, with their printed widths (10.5 pt). The dates
# are wide enough for an estimated date with its "（估算）" marker: a number that does not fit its
# column shows as "###".
# 来源 beside the ref: a 工单编号 and a 信访件编号 share the column, and their deadlines differ.
# Wide enough for a 工单编号 (YH-12345-20261102-0002, 22 characters) on one line.
PRINT_COLUMNS = (("seq", 5), ("ref", 21), ("source", 10), ("received_on", 10.5), ("petitioners", 10), ("locality", 9),
                 ("category", 10), ("summary", 29), ("responsible_unit", 12), ("acceptance_due", 16),
                 ("deadline", 16), ("deadline_status", 8.5), ("days_overdue", 6), ("handling_status", 9))
PRINT_PT = 10.5  # 五号, the usual size of a printed table
_PRINT_BASE = {"valign": "top", "font_size": PRINT_PT, "border": 1, "border_color": "#808080"}
# What each ledger column kind looks like in a cell (on top of the row's fill and lines).
_KIND = {"text": {}, "long": {"text_wrap": True}, "wrap": {"text_wrap": True}, "int": {"align": "center"},
         # 0.90 and 1.00 beside 0.95, not 0.9 and 1: a column of figures reads at a glance
         "share": {"num_format": "0.00", "align": "center"},
         "date": {"num_format": "yyyy-mm-dd", "align": "left"},
         # The marker is part of the number format: the cell stays a real date that sorts and filters.
         "estimate": {"num_format": f'yyyy-mm-dd"{ESTIMATED}"', "align": "left"},
         "datetime": {"num_format": "yyyy-mm-dd hh:mm"}, "time": {"num_format": "hh:mm:ss"}}
# Printed width of the ledger's paper, minus the margins, in mm (landscape).
_PRINTABLE_MM = {"A3": 400.0, "A4": 277.0}


def write_book(path: Path, spec: BookSpec, *, tmpdir: Path | None = None) -> None:
    """Write the whole book to ``path`` (a temporary file: the caller replaces atomically).

    The 台账 rows are the bulk of the work, so they are not written cell by cell through
    XlsxWriter: their ``<sheetData>`` XML is streamed to a side file (text-safety notes for 校验
    are collected meanwhile), and so are the same rows' printed columns for 打印; XlsxWriter then
    writes everything else (styles, headers, validations, print set-up, 校验, 统计, the clerks'
    sheets), and the rows are spliced into its package. Measured: about 4x faster than
    XlsxWriter's own cell writing on 100,000 rows. Cell storage rules are ``flows.workbook``'s.
    Those side files and XlsxWriter's own temp files go to ``tmpdir`` (the private temp folder).
    """
    side = tmpdir or path.parent
    part = side / (path.name + ".part")
    rows_xml = side / (path.name + ".rows")
    print_xml = side / (path.name + ".print")
    try:
        book = Workbook(part, title=spec.title, author=spec.author, created=spec.created or datetime.now(),
                        constant_memory=True, tmpdir=side,
                        comments="由 petitionbot 自动生成；黄色表头的列由信访员填写；「打印」表每次同步时重写")
        names = _sheet_order(spec)
        sheets = {name: book.sheet(name) for name in names}
        looks = _write_ledger(sheets[SHEET_LEDGER], spec)
        printed = _write_print_head(sheets[SHEET_PRINT], spec)
        with open(rows_xml, "w", encoding="utf-8", newline="") as out, \
                open(print_xml, "w", encoding="utf-8", newline="") as pout:
            _stream_rows(out, pout, spec, looks, printed)
        _write_checks(sheets[SHEET_CHECKS], spec.issues)
        _write_stats(book, sheets[SHEET_STATS], spec)
        for extra in spec.extras:
            _write_extra(sheets[extra.name], extra)
        sheets[SHEET_LEDGER].ws.activate()
        book.close()
        n = spec.row_count
        splice(part, path, {
            _member(names, SHEET_LEDGER): (rows_xml, f"A1:{col_letter(len(spec.columns) - 1)}{n + 1}"),
            _member(names, SHEET_PRINT): (print_xml, f"A1:{col_letter(len(printed.columns) - 1)}{n + _PRINT_TOP}"),
        }, keep_rows={_member(names, SHEET_LEDGER): 1, _member(names, SHEET_PRINT): _PRINT_TOP})
    except SystemError_:
        raise
    except Exception as exc:
        raise SystemError_(f"写入台账失败：{type(exc).__name__}: {exc}") from exc
    finally:
        part.unlink(missing_ok=True)
        rows_xml.unlink(missing_ok=True)
        print_xml.unlink(missing_ok=True)


def _member(names: list[str], sheet: str) -> str:
    return f"xl/worksheets/sheet{names.index(sheet) + 1}.xml"


def _stream_rows(out: Any, pout: Any, spec: BookSpec, looks: dict[str, Look], printed: _Printed) -> None:
    # The rows come from sync.iter_rows, whose text is already through safe_text (with 校验 notes).
    ledger = RowStreamer(out, len(spec.columns))
    paper = RowStreamer(pout, len(printed.columns), blanks=True)  # printed: every cell has its lines
    plain, pplain = looks[""], printed.looks[""]
    idx = printed.columns
    # Rows as tall as their wrapped cells need (no reader fits them on opening): on 台账 the
    # names, ID numbers and phones; on 打印 every wrapped column. Long 诉求/信访内容 stay one line
    # on 台账 (read in the cell), where 45 columns are scanned rather than read.
    tall = [(c, col.width, _BASE["font_size"]) for c, col in enumerate(spec.columns) if _kind(col) == "wrap"]
    ptall = [(c, w, PRINT_PT) for c, ((k, w), i) in enumerate(zip(PRINT_COLUMNS, idx, strict=True))
             if i is not None and (BY_KEY[k].kind == "long" or BY_KEY[k].personal)]
    width = len(spec.columns)
    # Every printed column is normally in the book: one C-level getter then (a missing one reads the
    # "" appended at the row's end).
    pick = itemgetter(*[i if i is not None else width for i in idx])
    for r, row in enumerate(spec.rows, 2):
        status = getattr(row, "status", "")
        ledger.row(r, row, looks.get(status, plain), _height(row, tall))
        if len(row) != width:
            row = [*row[:width], *([""] * (width - len(row)))]
        prow = pick([*row, ""]) if None in idx else pick(row)
        paper.row(r + _PRINT_TOP - 1, prow, printed.looks.get(status, pplain), _height(prow, ptall))
    ledger.flush()
    paper.flush()


def _height(row: list[Any], wrapped: list[tuple[int, float, float]]) -> float | None:
    lines, size = 1, _BASE["font_size"]
    for c, width, pt in wrapped:
        v = row[c] if c < len(row) else None
        if type(v) is str and ("\n" in v or len(v) * 2 > width - 1):  # cheap test first: most cells fit
            n = text_lines(v, width, pt)
            if n > lines:
                lines, size = n, pt
    return row_height(lines, size) if lines > 1 else None


def _sheet_order(spec: BookSpec) -> list[str]:
    wanted = [SHEET_LEDGER, SHEET_PRINT, SHEET_CHECKS, SHEET_STATS, *(e.name for e in spec.extras)]
    order = [n for n in spec.order if n in wanted]
    for i, n in enumerate(wanted):
        if n not in order:
            order.insert(min(i, len(order)), n)
    return order


def _fills(spec: BookSpec) -> dict[str, str]:
    # White is "no fill": a white fill would only hide the grid lines of the ordinary rows.
    return {"": ""} | {status: hexa.upper() for status, hexa in spec.fills.items() if hexa.upper() != "FFFFFF"}


def legend_entries(fills: dict[str, str]) -> list[tuple[str, str]]:
    """(label, RRGGBB) of each deadline status that colours rows, "" for those left white."""
    from flows.deadlines import STATUS_LABELS

    out = [(STATUS_LABELS.get(s, s), "" if h.upper() == "FFFFFF" else h.upper()) for s, h in fills.items()]
    return sorted(out, key=lambda e: e[1] != "")  # the uncoloured (正常) first


def _look(book: Workbook, base: dict[str, Any], kinds: list[str], fill: str) -> Look:
    # Every cell bordered (a light grey line): a solid fill hides the grid lines, on screen and on
    # paper, and the printed ledger is read as a table whether a row is coloured or not. The row
    # carries the look too, so a cell left empty (no cell is written for it) keeps its lines.
    base = {**_LINE, **base}
    if fill:
        base = {**base, "bg_color": "#" + fill, "pattern": 1}
    f = {k: book.format(base, **props) for k, props in _KIND.items()}
    quoted = {k: book.format(base, **_KIND[k], quote_prefix=True) for k in set(kinds)}
    return Look(cells=[f[k] for k in kinds], quoted=[quoted[k] for k in kinds], date=f["date"],
                datetime=f["datetime"], time=f["time"], row=f["text"],
                dates={EstimatedDate: f["estimate"]})


def _indexed(sheet: Sheet, raw: dict[str, Look], first_row: int) -> dict[str, Look]:
    """Looks of Formats -> looks of XF indices. XlsxWriter numbers a format when a cell using it is
    flushed, so every format goes once into a placeholder row (dropped by ``splice``)."""
    formats = {id(f): f for look in raw.values() for f in (*look.cells, *look.quoted, look.date, look.datetime,
                                                            look.time, *look.dates.values()) if f is not None}
    for c, f in enumerate(formats.values()):
        sheet.ws.write_blank(first_row, c, None, f)
    # In constant-memory mode a row is flushed (its formats numbered) when the next one is begun.
    sheet.ws.write_blank(first_row + 1, 0, None, next(iter(formats.values())))

    def xf(f: Any) -> int:
        return f.xf_index

    return {s: Look([xf(f) for f in lk.cells], [xf(f) for f in lk.quoted], xf(lk.date), xf(lk.datetime),
                    xf(lk.time), xf(lk.row) if lk.row is not None else None,
                    {t: xf(f) for t, f in lk.dates.items()}) for s, lk in raw.items()}


def _kind(col: ColSpec) -> str:
    known = BY_HEADER.get(col.header)
    return _look_of(col.kind, known is not None and known.personal)


def _look_of(kind: str, personal: bool) -> str:
    """The ``_KIND`` look of a column of ``kind`` (both sheets)."""
    if kind in ("long", "int", "share"):
        return kind
    # Several names, ID numbers or phones in one cell go one per line (render.py joins them with
    # line breaks): wrapped, nothing is cut off at the column's edge.
    return "wrap" if personal else "text"


def _write_ledger(sheet: Sheet, spec: BookSpec) -> dict[str, Look]:
    ws, book, cols = sheet.ws, sheet.book, spec.columns
    ws.set_row(0, 30)
    for c, col in enumerate(cols):
        ws.set_column(c, c, col.width, None, {"hidden": True} if col.hidden else None)
        sheet.write(0, c, col.header, {"bold": True, "bg_color": _HEAD_FILL[col.role], "border": 1,
                                        "text_wrap": True, "align": "center", "valign": "vcenter", "font_size": 10})
    kinds = [_kind(col) for col in cols]
    looks = _indexed(sheet, {status: _look(book, _BASE, kinds, fill) for status, fill in _fills(spec).items()}, 1)
    last = max(spec.row_count, 1)
    ws.freeze_panes(1, 2)
    ws.autofilter(0, 0, last, len(cols) - 1)
    for c, col in enumerate(cols):
        if col.role != "clerk":
            continue
        if col.choices:
            ws.data_validation(1, c, MAX_ROW, c, {
                "validate": "list", "source": col.choices, "ignore_blank": True,
                "input_title": col.header[:32], "input_message": (col.note or "请从下拉列表中选择")[:255],
                "error_type": "warning", "error_title": "不在下拉选项中",
                "error_message": f"“{col.header}”建议从下拉列表中选择；如确需填写其他内容，系统会在「校验」表中提示核对。"[:255],
            })
        elif col.kind == "date":
            ws.data_validation(1, c, MAX_ROW, c, {
                "validate": "date", "criteria": "between", "minimum": date(2000, 1, 1), "maximum": date(2100, 12, 31),
                "ignore_blank": True, "input_title": col.header[:32], "input_message": "请填日期，例如 2026-11-03",
                "error_type": "warning", "error_title": "日期格式", "error_message": "请填写日期，例如 2026-11-03。",
            })
    legend = legend_text(spec.fills)
    status_col = next((c for c, col in enumerate(cols) if col.header == BY_KEY["deadline_status"].header), None)
    if legend and status_col is not None:
        # The colour legend where the colours are read: selecting a 期限状态 cell shows it.
        ws.data_validation(1, status_col, MAX_ROW, status_col, {
            "validate": "any", "input_title": "行底色图例", "input_message": legend[:255]})
    # 45 columns do not fit one sheet of paper at a readable size: the book prints a few pages wide
    # at about full size, 序号 and 信访件编号 repeated on each, across before down, so one
    # petition's columns are on consecutive pages. The 打印 sheet is the one-page-wide list.
    sheet.print_setup(paper=spec.paper, header_rows=(0, 0), fit_width=_pages_wide(cols, spec.paper),
                      repeat_cols=(0, 1), across=True, title=spec.title, footer_left=legend)
    return looks


def legend_text(fills: dict[str, str]) -> str:
    names = {"FFF2CC": "浅黄", "F8CBAD": "橙红", "E2EFDA": "浅绿", "D9D2E9": "浅紫"}
    parts = [f"{names.get(hexa, '#' + hexa)}底＝{label}" for label, hexa in legend_entries(fills) if hexa]
    return ("行底色：" + "，".join(parts) + "（期限状态列同时写明）") if parts else ""


def _pages_wide(cols: list[ColSpec], paper: str) -> int:
    # Excel column width w is about (7w + 5) px at 96 dpi; aim for at least 80 % of full size.
    width_mm = sum((7 * c.width + 5) * 25.4 / 96 for c in cols if not c.hidden)
    return max(1, math.ceil(width_mm * 0.8 / _PRINTABLE_MM.get(paper, 400.0)))


@dataclass
class _Printed:
    columns: list[int | None]  # 台账 column index of each printed column (None: not in this book)
    looks: dict[str, Look]


_PRINT_TOP = 2  # rows above the streamed rows on 打印: the legend, the header


def _write_print_head(sheet: Sheet, spec: BookSpec) -> _Printed:
    where = {col.header: c for c, col in enumerate(spec.columns)}
    keys = [k for k, _w in PRINT_COLUMNS]
    idx = [where.get(BY_KEY[k].header) for k in keys]
    ws = sheet.ws
    for c, (_k, w) in enumerate(PRINT_COLUMNS):
        ws.set_column(c, c, w)
    fills = _fills(spec)
    entries = legend_entries(spec.fills)
    if entries:  # in the wide 信访件编号 column and on: 序号 is too narrow for a label
        sheet.legend(0, 1, entries, title="行底色：")
    sheet.write(0, len(entries) + 2 if entries else 1, "本表是「台账」的打印版，每次同步时按「台账」重写；请在「台账」中填写",
                {"italic": True, "font_color": "#595959"})
    ws.set_row(1, 30)
    for c, k in enumerate(keys):
        sheet.write(1, c, BY_KEY[k].header, {**_PRINT_BASE, "bold": True, "bg_color": "#D9D9D9", "pattern": 1,
                                             "align": "center", "valign": "vcenter", "text_wrap": True})
    kinds = [_look_of(BY_KEY[k].kind, BY_KEY[k].personal) for k in keys]
    looks = _indexed(sheet, {s: _look(sheet.book, _PRINT_BASE, kinds, fill) for s, fill in fills.items()}, _PRINT_TOP)
    last = max(spec.row_count, 1) + _PRINT_TOP - 1
    ws.freeze_panes(_PRINT_TOP, 2)
    ws.autofilter(1, 0, last, len(keys) - 1)
    # The office's paper (A3 by default): the dozen columns print at full size on A3 landscape,
    # at about 90 % on A4.
    sheet.print_setup(paper=spec.paper, header_rows=(0, 1), fit_width=1, title=spec.title,
                      margins=(0.3, 0.3, 0.6, 0.6))
    return _Printed(idx, looks)


def _write_checks(sheet: Sheet, issues: list[Issue]) -> None:
    sheet.write(0, 0, "本表每次同步时自动重写，列出「台账」中无法识别或需要核对的填写。请在「台账」中改正并保存，下次同步后本表随之更新。",
                {"bold": True})
    heads = ["级别", "台账行号", "信访件编号", "列", "填写内容", "问题说明"]
    sheet.widths([10, 9, 17, 12, 30, 70])
    fix = {**BORDER, "valign": "top", "bg_color": "#F8CBAD", "pattern": 1}
    rows = [(it.level, it.row, it.ref, it.column, it.value, it.problem) for it in issues] or [("本次同步未发现问题。",)]
    sheet.table(1, heads, rows, styles=[{}, {"align": "center"}, {}, {}, {"text_wrap": True}, {"text_wrap": True}],
                row_fill=lambda _i, row: fix["bg_color"][1:] if row[0] == "需处理" else "")
    sheet.ws.freeze_panes(2, 0)
    sheet.print_setup(paper="A4", header_rows=(1, 1), fit_width=1)


_STATS_CHART_PX = 560


def _write_stats(book: Workbook, sheet: Sheet, spec: BookSpec) -> None:
    sheet.write(0, 0, spec.stats_caption, {"bold": True, "font_size": 14})
    entries = legend_entries(spec.fills)
    if entries:
        sheet.legend(1, 0, entries, title="台账行底色：")
    sheet.widths([18, 8])
    row, starts, tallest = 3, [], 3 * 20
    for b in spec.stats:
        starts.append(row)
        sheet.write(row, 0, b.title, {"bold": True})
        last = sheet.table(row + 1, [b.label, "件数"], b.rows, styles=[{}, {"num_format": "0"}], autofilter=False,
                           freeze=False)
        n = len(b.rows)
        if n:
            chart = book.chart({"type": b.chart})
            series: dict[str, Any] = {"name": b.title, "categories": [SHEET_STATS, row + 2, 0, row + 1 + n, 0],
                                      "values": [SHEET_STATS, row + 2, 1, row + 1 + n, 1],
                                      "data_labels": {"value": True}}
            if b.chart == "pie":
                series["data_labels"] = {"value": True, "category": True}
            chart.add_series(series)
            chart.set_title({"name": b.title})
            if b.chart != "pie":
                chart.set_legend({"none": True})
                # Counts: whole numbers on the value axis, never 0.5 steps.
                axis = {"min": 0, "num_format": "0", "major_gridlines": {"visible": True}}
                if max((v for _k, v in b.rows), default=0) <= 10:
                    axis["major_unit"] = 1
                (chart.set_x_axis if b.chart == "bar" else chart.set_y_axis)(axis)
                if b.chart == "bar":
                    chart.set_y_axis({"reverse": True})  # the largest on top, as in the table
            height = max(15, min(n, 30)) * 20 + 40
            chart.set_size({"width": _STATS_CHART_PX, "height": height})
            # Sized in pixels, not stretched over cells: LibreOffice draws columns wider than Excel.
            sheet.ws.insert_chart(row, 3, chart, {"object_position": 3})
            rows = max(n + 3, height // 20 + 2)
        else:
            rows = last + 3 - row
        tallest = max(tallest, rows * 20 + (60 if row == 3 else 0))
        row += rows
    # One breakdown a page, each table with its chart whole (a chart cut by a page break is
    # unreadable). Excel ignores manual breaks on a fit-to-page sheet, so the sheet is scaled
    # instead: to the landscape A4 width (1,046 px inside the margins; LibreOffice without Excel's
    # fonts draws the columns and the chart up to 1.4 times wider) and the tallest block's height.
    sheet.print_setup(paper="A4", fit_width=None, title=spec.title, margins=(0.4, 0.4, 0.5, 0.5))
    sheet.ws.set_h_pagebreaks(starts[1:])
    wide = sum(7 * w + 5 for w in (18, 8, 8.43)) + _STATS_CHART_PX
    sheet.ws.set_print_scale(max(10, min(100, int(100 * 1046 / (wide * 1.4)), int(100 * 698 / tallest))))


def _style_props(s: Style) -> dict[str, Any]:
    props: dict[str, Any] = {}
    if s.number_format and s.number_format != "General":
        props["num_format"] = s.number_format
    if s.bold:
        props["bold"] = True
    if s.italic:
        props["italic"] = True
    if s.color:
        props["font_color"] = "#" + s.color
    if s.fill:
        props["bg_color"] = "#" + s.fill
    if s.wrap:
        props["text_wrap"] = True
    return props


def _write_extra(sheet: Sheet, extra: ExtraSheet) -> None:
    ws = sheet.ws
    for c, w in extra.widths.items():
        # The file stores Excel's width with its ~0.71 padding; XlsxWriter adds that padding again.
        ws.set_column(c, c, max(w - 0.71, 0))
    for r, row in enumerate(extra.values):
        for c, v in enumerate(row):
            style = extra.styles.get((r, c))
            props = _style_props(style) if style is not None else {}
            formula = extra.formulas.get((r, c))
            if formula is not None:
                # The clerk's own formula on the clerk's own sheet (read as a formula from that
                # sheet): kept as one. Text from petitions never reaches this branch.
                cached = v if isinstance(v, (int, float, str)) and not isinstance(v, bool) else 0
                ws.write_formula(r, c, formula, sheet.book.format(props) if props else None, cached)
            else:
                sheet.write(r, c, v, props)
    # Registered after the cells: in constant-memory mode XlsxWriter then only records the range.
    # The first cell's own value and format are passed again so that re-writing it is harmless.
    for r1, c1, r2, c2 in extra.merged:
        if (r1, c1) != (r2, c2):
            first = extra.values[r1][c1] if r1 < len(extra.values) and c1 < len(extra.values[r1]) else ""
            style = extra.styles.get((r1, c1))
            if (r1, c1) in extra.formulas:
                first = ""
            elif isinstance(first, str):
                first = safe_text(first)[0]
            ws.merge_range(r1, c1, r2, c2, first, sheet.book.format(_style_props(style)) if style is not None else None)
    if extra.hidden:
        ws.hide()
