"""The numbers behind the monthly report, through the one workbook writer (``flows.workbook``).

说明 first (what is counted, by which date, over which days; the 五色图 legend), then one sheet per
table: counts as numbers, changes and shares as numbers with a percent format, a bordered table
with filter and a header repeated on every printed page; native Excel charts beside the tables
they plot (integer axes for counts).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from flows.analysis.report_model import Chart, Report, Table, tint
from flows.workbook import Workbook, publish, row_height, temp_for, text_lines

FORMATS: dict[str, dict[str, Any]] = {
    "text": {"text_wrap": True},
    "int": {"num_format": "0", "align": "center"},
    "change": {"num_format": "+0%;-0%;0%", "align": "center"},
    "share": {"num_format": "0%", "align": "center"},
    "mean": {"num_format": "0.0", "align": "center"},
}
WIDTH = {"text": 16, "int": 10, "change": 9, "share": 9, "mean": 10}


def _sheet_name(heading: str, used: set[str]) -> str:
    name = re.sub(r"[\[\]:*?/\\]", "", heading)[:28] or "表"
    while name in used:
        name += "_"
    used.add(name)
    return name


def write(path: Path, report: Report) -> Path:
    tmp = temp_for(path)
    book = Workbook(tmp, title=report.title, author=report.office, created=report.created)
    used = {"说明"}
    about = book.sheet("说明")
    about.widths((12, 80))
    about.write(0, 0, report.title, {"bold": True, "font_size": 16})
    about.write(1, 0, f"{report.office}　{report.generated_on}")
    r = 3
    for heading, lines in report.sections[:1]:
        about.write(r - 1, 0, heading, {"bold": True})
        for line in lines:
            about.write(r, 1, line, {"text_wrap": True, "valign": "top"})
            about.ws.set_row(r, row_height(text_lines(line, 80, 11), 11))  # no reader fits wrapped rows itself
            r += 1
    if report.legend:
        r += 1
        about.write(r, 0, "五色图等级", {"bold": True})
        for label, fill in report.legend:
            r += 1
            about.write(r, 0, label, {"bg_color": "#" + fill, "pattern": 1, "font_color": "#FFFFFF", "bold": True,
                                      "align": "center", "border": 1})
    about.print_setup(paper="A4")

    charts = {c.table: c for c in report.charts}
    for t in report.tables:
        sheet = _table_sheet(book, t, _sheet_name(t.heading, used))
        last = 2 + max(len(t.rows), 1) - 1
        if t.note:
            sheet.write(last + 1, 0, t.note, {"italic": True, "font_color": "#595959"})
            last += 1
        bottom, right = last, len(t.header) - 1
        if t.heading in charts:
            bottom, right = _chart(book, sheet, 2, last + 2, charts[t.heading], t)
            # A chart must not break across pages: the table and its chart on one page.
            sheet.ws.fit_to_pages(1, 1)
        # Printed: the table, then its chart below it.
        sheet.ws.print_area(0, 0, bottom, max(right, len(t.header) - 1))
    book.close()
    return publish(tmp, path)


def _table_sheet(book: Workbook, t: Table, name: str) -> Any:
    sheet = book.sheet(name)
    widths = [max(WIDTH[k], min(len(h) * 2 + 2, 18)) for h, k in zip(t.header, t.kinds, strict=True)]
    if t.kinds and t.kinds[-1] == "text" and len(t.header) > 2:
        widths[-1] = 60 if t.heading == "群体预警" else 12
    sheet.widths(widths)
    sheet.write(0, 0, t.heading, {"bold": True, "font_size": 12})
    fills = t.fills or []
    sheet.table(1, t.header, t.rows or [["本月无。"]], styles=[FORMATS[k] for k in t.kinds],
                row_fill=lambda i, _row: tint(fills[i]) if i < len(fills) and fills[i] else "")
    if fills:  # the grade itself in its full colour, as on the 五色图
        for i, row in enumerate(t.rows):
            if fills[i]:
                sheet.write(2 + i, len(t.header) - 1, row[-1], {"border": 1, "border_color": "#808080", "bold": True,
                                                                 "bg_color": "#" + fills[i], "pattern": 1,
                                                                 "font_color": "#FFFFFF", "align": "center"})
    sheet.print_setup(paper="A4", header_rows=(1, 1), title=t.heading)
    sheet.ws.set_row(0, 20)
    return sheet


def _chart(book: Workbook, sheet: Any, first: int, at_row: int, chart: Chart, t: Table) -> tuple[int, int]:
    """The native chart below its table; returns the last row and column it covers."""
    name = sheet.ws.get_name()
    last = first + max(chart.rows, 1) - 1
    c = book.chart({"type": chart.kind})
    series: dict[str, Any] = {
        "name": chart.heading, "categories": [name, first, chart.category_col, last, chart.category_col],
        "values": [name, first, chart.value_col, last, chart.value_col], "data_labels": {"value": True},
    }
    if chart.colours:
        series["points"] = [{"fill": {"color": "#" + col}} for col in chart.colours]
    else:
        series["fill" if chart.kind != "line" else "line"] = {"color": "#3B6EA5" if chart.kind != "line" else "#B03A2E"}
    if chart.kind == "line":
        series["marker"] = {"type": "circle"}
    c.add_series(series)
    c.set_title({"name": chart.heading})
    c.set_legend({"none": True})
    values = [row[chart.value_col] or 0 for row in t.rows[: chart.rows]]
    axis: dict[str, Any] = {"name": chart.value_title, "min": 0, "major_gridlines": {"visible": True}}
    if chart.percent:
        axis["num_format"] = "0%"
    else:
        # Counts are whole numbers: an integer step, never 0.5.
        top = max(values, default=0)
        axis["num_format"] = "0"
        axis["major_unit"] = max(1, -(-top // 8))
    (c.set_x_axis if chart.kind == "bar" else c.set_y_axis)(axis)
    if chart.kind == "bar":
        c.set_y_axis({"reverse": True})  # the largest first, as in the table
    height = max(300, min(chart.rows, 30) * 28 + 90) if chart.kind == "bar" else 320
    width = 640
    c.set_size({"width": width, "height": height})
    sheet.ws.insert_chart(at_row, 0, c, {"object_position": 3})  # pixels, not cells: the same size everywhere
    # Rows are 20 px in Excel and about 17 in LibreOffice: count the smaller, so it prints whole in both.
    return at_row + height // 17 + 1, sheet.last_column_under(width)
