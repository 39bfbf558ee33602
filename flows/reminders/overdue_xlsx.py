"""The supervisors' overdue list as .xlsx: one row per petition, through the one workbook writer.

超期清单: a legend, then one bordered, filterable table (header repeated on every printed page,
landscape, one page wide): each petition once, its late steps (环节) with their dates inside the
row, and the earliest due date and the longest delay as a real date and a real number, so the list
sorts and filters. Totals are on 按单位汇总 as numbers (no subtotal rows inside the table, which
would break sorting and filtering). 滞留消息 lists messages the outbox could not deliver.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from core.ports import Queued
from flows.deadlines.engine import zh_date
from flows.reminders.items import LEVEL_LABELS, PetitionRow
from flows.workbook import Workbook, publish, row_height, temp_for, text_lines

HEAD = ("序号", "责任单位", "信访件编号", "事项", "信访人", "超期环节及期限", "最早期限", "最长超期天数", "督办级别", "提示")
WIDTHS = (5, 14, 16, 30, 11, 30, 11, 8, 8, 30)
_WRAP = {"text_wrap": True}
STYLES = ({"align": "center"}, _WRAP, {}, _WRAP, _WRAP, _WRAP, {"align": "center"},
          {"num_format": '0"天"', "align": "center"}, {"align": "center"}, _WRAP)
PT = 10
# Row colour by what the ladder has done: 督办 (the supervisors are on it) stands out most.
FILLS = {"supervision": "F8CBAD", "leader": "FCE4D6", "unit": ""}
TOP = 2  # title, legend


def _steps(row: PetitionRow) -> str:
    return "\n".join(f"{i.step_label} {i.due.isoformat()} 超期{i.days_overdue}天" for i in row.overdue)


def write(path: Path, *, groups: dict[str, list[PetitionRow]], stuck: list[Queued], office: str, day: date,
          created: datetime) -> Path:
    total = sum(len(rows) for rows in groups.values())
    title = f"{office}超期信访事项清单（截至{zh_date(day)}，共 {total} 件）"
    tmp = temp_for(path)
    book = Workbook(tmp, title=title, author=office, created=created)
    base = {"font_size": PT}

    ws = book.sheet("超期清单")
    ws.widths(WIDTHS)
    ws.write(0, 0, title, {"bold": True, "font_size": 14})
    levels = [lv for lv in ("supervision", "leader", "unit") if any(r.level == lv for rs in groups.values() for r in rs)]
    ws.legend(1, 1, [(f"已{LEVEL_LABELS[lv]}" if lv != "unit" else "已提醒", FILLS[lv]) for lv in levels],
              title="行底色：")
    rows, fills, heights = [], [], []
    for unit, unit_rows in groups.items():
        for row in unit_rows:
            steps = _steps(row)
            rows.append([len(rows) + 1, unit, row.ref, row.title, row.petitioner, steps, row.overdue[0].due,
                         row.days_overdue, row.level_label, "；".join(row.warnings)])
            fills.append(FILLS[row.level])
            lines = max(text_lines(steps, WIDTHS[5], PT), text_lines(row.title, WIDTHS[3], PT),
                        text_lines(rows[-1][9], WIDTHS[9], PT), text_lines(unit, WIDTHS[1], PT))
            heights.append(row_height(lines, PT) if lines > 1 else None)
    ws.table(TOP, HEAD, rows, styles=[{**base, **s} for s in STYLES], row_fill=lambda i, _r: fills[i],
             header_height=30)
    for i, h in enumerate(heights):
        if h:
            ws.ws.set_row(TOP + 1 + i, h)
    ws.ws.freeze_panes(TOP + 1, 3)
    # On paper the title is the page header (every page); the sheet's own title row is for the screen.
    ws.ws.print_area(1, 0, TOP + max(len(rows), 1), len(HEAD) - 1)
    ws.print_setup(paper="A4", header_rows=(TOP, TOP), title=title)

    units = book.sheet("按单位汇总")
    units.widths((5, 20, 10, 10, 12))
    units.write(0, 0, f"按责任单位汇总（截至{zh_date(day)}）", {"bold": True, "font_size": 14})
    count = {"num_format": '0"件"', "align": "center"}
    summary = [[n, unit, len(rs), sum(r.level == "supervision" for r in rs), max(r.days_overdue for r in rs)]
               for n, (unit, rs) in enumerate(groups.items(), 1)]
    last = units.table(1, ("序号", "责任单位", "超期件数", "其中督办", "最长超期天数"), summary,
                       styles=[{"align": "center"}, {}, count, count, {"num_format": '0"天"', "align": "center"}])
    bold = {"bold": True, "border": 1, "border_color": "#808080", "bg_color": "#D9D9D9", "pattern": 1}
    for c, v in enumerate(["", "合计", total, sum(r[3] for r in summary), ""]):
        units.write(last + 1, c, v, {**bold, **count} if c in (2, 3) else bold)
    units.print_setup(paper="A4", header_rows=(1, 1))

    st = book.sheet("滞留消息")
    st.widths((6, 10, 16, 40, 10, 50, 20))
    st.table(0, ("序号", "渠道", "责任单位", "主题", "失败次数", "最后错误", "生成时间"),
             [(i, q.message.channel, q.unit, q.message.subject, q.attempts, q.last_error or "", _when(q.created_at))
              for i, q in enumerate(stuck, 1)],
             styles=[{"align": "center"}, {}, {}, _WRAP, {"align": "center"}, _WRAP, {}])
    st.print_setup(paper="A4", header_rows=(0, 0))
    book.close()
    return publish(tmp, path)


def _when(stamp: str) -> datetime | str:
    try:
        return datetime.fromisoformat(stamp)
    except (TypeError, ValueError):
        return stamp or ""
