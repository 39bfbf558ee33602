"""The one .xlsx writer: every workbook the bot writes (ledger, overdue list, report) goes through here.

XlsxWriter lives only in this module. A cell's storage follows the Python type of its value,
never its text: ``str`` is always a string cell (never a formula, a number or a link, whatever it
starts with); ``int``/``float`` are numbers, ``date``/``datetime`` real dates with a number format,
``bool`` a boolean. Text that Excel would evaluate if a clerk re-entered the cell (``=``, ``+``,
``-``, ``@``, also behind tabs, line breaks or spaces, and their full-width forms) additionally gets
the cell style's *quote prefix* (``quotePrefix="1"``, Excel's own marker for "typed with an
apostrophe"): the apostrophe is a style, never a character of the text, so the text reads and
exports exactly as the petitioner wrote it.

Two ways in, one rule:

* :class:`Sheet.write` for cells written through XlsxWriter (headers, small tables, charts' data);
* :class:`RowStreamer` for bulk rows (the ledger's 100,000) written as ``<sheetData>`` XML and
  spliced into XlsxWriter's package by :func:`splice`.

Also here, because every workbook needs them: page set-up for printing (:meth:`Sheet.print_setup`),
a bordered table with autofilter and repeated header (:meth:`Sheet.table`), a colour legend
(:meth:`Sheet.legend`), and real document properties (author = the office, created = the injected
clock, never the library's defaults).
"""

from __future__ import annotations

import math
import re
import zipfile
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any

from flows import diskio

EXCEL_CELL_LIMIT = 32_767
CUT_MARKER = "……【超出 Excel 单元格上限，已截断，全文见系统】"
# XML 1.0 cannot carry these; Excel refuses a file that has them (a "repair" prompt).
ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
# What Excel (and LibreOffice) evaluate when a cell is typed or re-entered: the four signs, also
# after leading blanks or control whitespace (the CSV-injection tricks "\t=..." and "\r=..."), and
# the full-width forms an East Asian Excel accepts as the same signs.
_FORMULA_LEAD = re.compile(r"^[\s\u3000]*[=+\-@\uff1d\uff0b\uff0d\uff20]")
_FIRST = frozenset("=+-@\uff1d\uff0b\uff0d\uff20\t\r\n \u3000")
_EPOCH = date(1899, 12, 30)
DATE_FORMAT = "yyyy-mm-dd"
DATETIME_FORMAT = "yyyy-mm-dd hh:mm"
TIME_FORMAT = "hh:mm:ss"
PAPER = {"A3": 8, "A4": 9}
BORDER = {"border": 1, "border_color": "#808080"}
HEAD = {"bold": True, "bg_color": "#D9D9D9", "align": "center", "valign": "vcenter", "text_wrap": True, **BORDER}


def safe_text(text: str) -> tuple[str, list[str]]:
    """Text that Excel can store: illegal characters removed, long text cut. Returns notes."""
    notes = []
    cleaned, n = ILLEGAL.subn("", text)
    if n:
        notes.append(f"删除了 {n} 个 Excel 无法保存的控制字符")
    if len(cleaned) > EXCEL_CELL_LIMIT:
        cleaned = cleaned[: EXCEL_CELL_LIMIT - len(CUT_MARKER)] + CUT_MARKER
        notes.append(f"内容超过 {EXCEL_CELL_LIMIT} 字，表中已截断，全文保存在系统中")
    return cleaned, notes


def looks_like_formula(text: str) -> bool:
    """True when Excel would turn this text into a formula if a person re-entered the cell."""
    return bool(text) and text[0] in _FIRST and _FORMULA_LEAD.match(text) is not None


def xml_text(v: str) -> str:
    if "&" in v:
        v = v.replace("&", "&amp;")
    if "<" in v:
        v = v.replace("<", "&lt;")
    if ">" in v:
        v = v.replace(">", "&gt;")
    return v


def _utc(moment: datetime) -> datetime:
    # The clock gives the office's local time; the package stores UTC ("...Z").
    if moment.tzinfo is None:
        moment = moment.astimezone()
    return moment.astimezone(UTC).replace(tzinfo=None)


class Workbook:
    """An XlsxWriter workbook that cannot store text as a formula, with the office's properties."""

    def __init__(self, path: Path, *, title: str, author: str, created: datetime, constant_memory: bool = False,
                 tmpdir: Path | None = None, comments: str = ""):
        import xlsxwriter

        options: dict[str, Any] = {
            # Belt and braces: ``Sheet.write`` only ever calls write_string for text, but a stray
            # ``worksheet.write`` must not turn text into a formula, a link or a number either.
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,
            "default_date_format": DATE_FORMAT, "constant_memory": constant_memory,
        }
        if tmpdir is not None:
            options["tmpdir"] = str(tmpdir)
        self.wb = xlsxwriter.Workbook(str(path), options)
        self.wb.set_properties({
            "title": title, "author": author or "petitionbot", "manager": author, "company": author,
            "created": _utc(created), "comments": comments or "由 petitionbot 自动生成",
        })
        self.wb.set_custom_property("生成时间", created.strftime("%Y-%m-%d %H:%M"))
        self._formats: dict[tuple, Any] = {}

    def sheet(self, name: str) -> Sheet:
        return Sheet(self, self.wb.add_worksheet(name))

    def format(self, props: Mapping[str, Any] | None = None, **more: Any) -> Any:
        """One XlsxWriter Format per distinct set of properties (formats are workbook-wide)."""
        merged = {**(props or {}), **more}
        key = tuple(sorted(merged.items()))
        f = self._formats.get(key)
        if f is None:
            f = self._formats[key] = self.wb.add_format(merged)
        return f

    def chart(self, options: dict[str, Any]) -> Any:
        return self.wb.add_chart(options)

    def close(self) -> None:
        self.wb.close()


def temp_for(path: Path) -> Path:
    """Where a workbook for ``path`` is written first (same folder: the replace is one rename)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    return path.with_name(f".{path.stem}.tmp{path.suffix}")


def publish(tmp: Path, path: Path) -> Path:
    """Put a finished file in place at once: a reader never sees half a workbook, and the
    replaced file keeps its owner and mode."""
    diskio.replace(tmp, path)
    return path


@dataclass
class Sheet:
    book: Workbook
    ws: Any  # the XlsxWriter worksheet, for layout calls (column widths, validations, charts)
    col_widths: dict[int, float] = field(default_factory=dict)

    # -- cells ---------------------------------------------------------------------------------
    def write(self, r: int, c: int, value: Any, style: Mapping[str, Any] | None = None) -> None:
        """The one cell writer: storage by the value's type, formula-looking text guarded."""
        style = style or {}
        t = type(value)
        if value is None or (t is str and not value):
            if style:
                self.ws.write_blank(r, c, None, self.book.format(style))
            return
        if isinstance(value, str):
            text = safe_text(value)[0]
            if looks_like_formula(text):
                style = {**style, "quote_prefix": True}
            if text.startswith("<r>") and text.endswith("</r>"):
                # XlsxWriter copies a string shaped like its rich-text XML into the package
                # unescaped (shared strings and constant-memory inline strings alike): a petition
                # could splice an <f> element into the sheet. Give it the escaped run it expects.
                text = f'<r><t xml:space="preserve">{xml_text(text)}</t></r>'
            self.ws.write_string(r, c, text, self.book.format(style) if style else None)
        elif isinstance(value, bool):
            self.ws.write_boolean(r, c, value, self.book.format(style) if style else None)
        elif isinstance(value, (int, float)):
            if isinstance(value, float) and not math.isfinite(value):
                self.ws.write_string(r, c, str(value), self.book.format(style) if style else None)
            else:
                self.ws.write_number(r, c, value, self.book.format(style) if style else None)
        elif isinstance(value, datetime):
            fmt = DATE_FORMAT if value.time() == time(0) else DATETIME_FORMAT
            self.ws.write_datetime(r, c, value, self.book.format({"num_format": fmt, **style}))
        elif isinstance(value, date):
            self.ws.write_datetime(r, c, value, self.book.format({"num_format": DATE_FORMAT, **style}))
        elif isinstance(value, (time, timedelta)):
            self.ws.write_datetime(r, c, value, self.book.format({"num_format": TIME_FORMAT, **style}))
        else:
            self.write(r, c, str(value), style)

    def row(self, r: int, values: Sequence[Any], style: Mapping[str, Any] | None = None, first_col: int = 0) -> None:
        for c, v in enumerate(values, first_col):
            self.write(r, c, v, style)

    # -- layout --------------------------------------------------------------------------------
    def widths(self, widths: Sequence[float], first_col: int = 0) -> None:
        for c, w in enumerate(widths, first_col):
            self.ws.set_column(c, c, w)
            self.col_widths[c] = w

    def last_column_under(self, px: int) -> int:
        """The last column an object ``px`` pixels wide placed in column A covers (to print it whole)."""
        c, seen = 0, 0
        while True:
            seen += 7 * self.col_widths.get(c, 8.43) + 5  # Excel: width w is about 7w + 5 pixels
            if seen >= px:
                return c
            c += 1

    def table(self, top: int, header: Sequence[str], rows: Iterable[Sequence[Any]], *,
              styles: Sequence[Mapping[str, Any]] | None = None,
              row_fill: Callable[[int, Sequence[Any]], str] | None = None, head: Mapping[str, Any] = HEAD,
              autofilter: bool = True, freeze: bool = True, header_height: float | None = None) -> int:
        """A bordered table: header at row ``top``, then ``rows``; returns the last row written.

        ``styles`` gives each column's cell style (number formats, wrap, alignment); ``row_fill``
        (index, row) -> RRGGBB colours a whole row ("" for none). The header repeats on every
        printed page when ``print_setup(header_rows=...)`` names it."""
        cols = len(header)
        base = [{**BORDER, "valign": "top", **(styles[c] if styles else {})} for c in range(cols)]
        for c, h in enumerate(header):
            self.write(top, c, h, head)
        if header_height:
            self.ws.set_row(top, header_height)
        r = top
        for i, values in enumerate(rows):
            r += 1
            fill = row_fill(i, values) if row_fill else ""
            for c in range(cols):
                v = values[c] if c < len(values) else None
                s = {**base[c], "bg_color": "#" + fill, "pattern": 1} if fill else base[c]
                self.write(r, c, v, s)
        if autofilter:
            self.ws.autofilter(top, 0, max(r, top + 1), cols - 1)
        if freeze:
            self.ws.freeze_panes(top + 1, 0)
        return r

    def legend(self, r: int, c: int, entries: Sequence[tuple[str, str]], *, title: str = "图例：") -> None:
        """``entries``: (label, RRGGBB fill; "" for no fill) written as coloured cells in one row."""
        self.write(r, c, title, {"bold": True})
        for i, (label, fill) in enumerate(entries, c + 1):
            style: dict[str, Any] = {**BORDER, "align": "center", "valign": "vcenter"}
            if fill:
                style |= {"bg_color": "#" + fill, "pattern": 1}
            self.write(r, i, label, style)

    def print_setup(self, *, paper: str = "A4", landscape: bool = True, header_rows: tuple[int, int] | None = None,
                    fit_width: int | None = 1, repeat_cols: tuple[int, int] | None = None, title: str = "",
                    margins: tuple[float, float, float, float] = (0.4, 0.4, 0.6, 0.6), across: bool = False,
                    footer: str = "第 &P 页，共 &N 页", footer_left: str = "") -> None:
        """Printing as a person expects it: landscape, as many pages wide as asked (then as long as
        needed), header rows on every page, grid printed, page numbers in the footer."""
        ws = self.ws
        if landscape:
            ws.set_landscape()
        else:
            ws.set_portrait()
        ws.set_paper(PAPER.get(paper, 9))
        if fit_width is not None:  # None: the caller scales (manual page breaks need that)
            ws.fit_to_pages(fit_width, 0)
        if header_rows is not None:
            ws.repeat_rows(*header_rows)
        if repeat_cols is not None:
            ws.repeat_columns(*repeat_cols)
        if across:
            ws.print_across()
        ws.hide_gridlines(0)  # printed grid: a printed list is read as a table
        left, right, top, bottom = margins
        ws.set_margins(left=left, right=right, top=top, bottom=bottom)
        if title:
            ws.set_header("&C&12" + title.replace("&", "&&"))
        if footer or footer_left:
            left = "&L&8" + footer_left.replace("&", "&&") if footer_left else ""
            ws.set_footer(left + ("&C" + footer if footer else ""))


def text_lines(text: str, width: float, font_size: float = 10) -> int:
    """About how many lines ``text`` takes in a wrapped cell ``width`` characters wide.

    Neither Excel nor LibreOffice fits a row's height to wrapped text when it opens a file, so a
    writer that wraps must set the height itself: a CJK character is about two width units at
    11 pt, a Latin one about one, scaled by the font size. A tenth of each line is left as slack: a
    renderer does not start a line with 、，） nor break "0571-****7741", so its lines hold fewer
    characters than the width (the ledger rendered by LibreOffice lost the last line of full cells)."""
    if not text:
        return 1
    room = max(width - 1.0, 1.0) * 11 / font_size * 0.9
    lines = 0
    for para in text.split("\n"):
        # Wide characters counted in C: a CJK character is 3 bytes of UTF-8 (an emoji 4), ASCII 1.
        n = len(para)
        units = n + (len(para.encode("utf-8", "surrogatepass")) - n) / 2
        lines += max(1, math.ceil(units / room))
    return lines


def row_height(lines: int, font_size: float = 10) -> float:
    """Points for ``lines`` lines (about 1.3 em a line with CJK fonts), within Excel's 409 pt."""
    return min(409.0, round(lines * font_size * 1.3 + 3, 1))


# -- bulk rows as XML (the ledger's 100,000 rows) --------------------------------------------------
def col_letter(c: int) -> str:
    s = ""
    c += 1
    while c:
        c, rem = divmod(c - 1, 26)
        s = chr(65 + rem) + s
    return s


@dataclass
class Look:
    """XF indices for one kind of row: per column for text and numbers, per column for text that
    looks like a formula (the quote-prefixed twin), and one each for dates, datetimes, times; the
    row's own style (None: none). ``dates`` maps a ``date`` subclass to its own XF (an estimate)."""

    cells: list[int]
    quoted: list[int]
    date: int
    datetime: int
    time: int
    row: int | None = None
    dates: dict[type, int] = field(default_factory=dict)


class RowStreamer:
    """Writes rows as ``<row>`` XML with the same storage rules as :meth:`Sheet.write`."""

    def __init__(self, out: IO[str], columns: int, *, notes: Callable[[int, int, list[str]], None] | None = None,
                 blanks: bool = False):
        self.out, self.letters, self.notes = out, [col_letter(c) for c in range(columns)], notes
        # blanks: an empty value is still a cell with its style, so a printed table keeps the lines
        # of its empty cells in every reader, also in those that ignore the row's own style
        self.blanks = blanks
        self.buf: list[str] = []

    def row(self, r: int, values: Sequence[Any], look: Look, height: float | None = None) -> None:
        letters, sx = self.letters, look.cells
        ht = f' ht="{height:g}" customHeight="1"' if height else ""
        parts = [f'<row r="{r}"{ht} s="{look.row}" customFormat="1">' if look.row is not None else f'<row r="{r}"{ht}>']
        for c, v in enumerate(values):
            t = type(v)
            if t is str:
                if v:
                    style = look.quoted[c] if v[0] in _FIRST and _FORMULA_LEAD.match(v) else sx[c]
                    if "&" in v or "<" in v or ">" in v:  # rare: skip the call (this loop runs millions of times)
                        v = xml_text(v)
                    parts.append(f'<c r="{letters[c]}{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                                 f'{v}</t></is></c>')
                elif self.blanks:
                    parts.append(f'<c r="{letters[c]}{r}" s="{sx[c]}"/>')
            elif v is None:
                if self.blanks:
                    parts.append(f'<c r="{letters[c]}{r}" s="{sx[c]}"/>')
                continue
            elif t is date:
                parts.append(f'<c r="{letters[c]}{r}" s="{look.date}"><v>{(v - _EPOCH).days}</v></c>')
            elif t is int or (t is float and math.isfinite(v)):
                parts.append(f'<c r="{letters[c]}{r}" s="{sx[c]}"><v>{v!r}</v></c>')
            elif t in look.dates:
                parts.append(f'<c r="{letters[c]}{r}" s="{look.dates[t]}"><v>{(v - _EPOCH).days}</v></c>')
            elif t is bool:
                parts.append(f'<c r="{letters[c]}{r}" s="{sx[c]}" t="b"><v>{int(v)}</v></c>')
            elif t is datetime:
                serial = (v - datetime(1899, 12, 30)).total_seconds() / 86400
                style = look.date if v.time() == time(0) else look.datetime
                parts.append(f'<c r="{letters[c]}{r}" s="{style}"><v>{serial!r}</v></c>')
            elif t is time:
                serial = (v.hour * 3600 + v.minute * 60 + v.second) / 86400
                parts.append(f'<c r="{letters[c]}{r}" s="{look.time}"><v>{serial!r}</v></c>')
            elif t is timedelta:
                parts.append(f'<c r="{letters[c]}{r}" s="{look.time}"><v>{v.total_seconds() / 86400!r}</v></c>')
            else:  # anything else (a Decimal, a subclass, a non-finite float) is shown as its text
                text, found = safe_text(str(v))
                if found and self.notes is not None:
                    self.notes(r, c, found)
                style = look.quoted[c] if looks_like_formula(text) else sx[c]
                parts.append(f'<c r="{letters[c]}{r}" s="{style}" t="inlineStr"><is><t xml:space="preserve">'
                             f'{xml_text(text)}</t></is></c>')
        parts.append("</row>")
        self.buf.append("".join(parts))
        if len(self.buf) >= 2000:
            self.flush()

    def flush(self) -> None:
        self.out.write("".join(self.buf))
        self.buf.clear()


def splice(src: Path, dst: Path, parts: Mapping[str, tuple[Path, str]], *, keep_rows: Mapping[str, int]) -> None:
    """Copy XlsxWriter's package ``src`` to ``dst``, putting each streamed rows file after the
    first ``keep_rows[member]`` rows XlsxWriter wrote in that sheet (later placeholder rows are
    dropped) and setting the sheet's dimension. ``parts``: member -> (rows file, dimension)."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            info = zipfile.ZipInfo(item.filename, date_time=item.date_time)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = item.external_attr
            if item.filename not in parts:
                zout.writestr(info, data)
                continue
            rows_xml, dimension = parts[item.filename]
            text = data.decode("utf-8")
            head, rest = text.split("<sheetData>", 1)
            body, tail = rest.split("</sheetData>", 1)
            end = 0
            for _ in range(keep_rows[item.filename]):
                end = body.index("</row>", end) + len("</row>")
            head = re.sub(r'<dimension ref="[^"]*"/>', f'<dimension ref="{dimension}"/>', head, count=1)
            with zout.open(info, "w", force_zip64=True) as out, open(rows_xml, "rb") as rows:
                out.write((head + "<sheetData>" + body[:end]).encode("utf-8"))
                while chunk := rows.read(1 << 20):
                    out.write(chunk)
                out.write(("</sheetData>" + tail).encode("utf-8"))
