"""The supervisors' overdue list as .xlsx (openpyxl lives only here in reminders)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from flows.deadlines.engine import zh_date
from flows.deadlines.status import status_fills
from flows.reminders.items import Item
from flows.reminders.outbox import Queued

HEAD = ("序号", "责任单位", "信访件编号", "事项", "信访人", "环节", "期限", "超期天数", "督办级别", "提示")
WIDTHS = (6, 16, 16, 40, 18, 10, 16, 10, 10, 40)
BOLD = Font(bold=True)
GREY = PatternFill("solid", fgColor="D9D9D9")
RED = PatternFill("solid", fgColor=status_fills()["overdue"])


def _styled(ws, values, *, font: Font | None = None, fill: PatternFill | None = None) -> list:
    cells = []
    for v in values:
        c = WriteOnlyCell(ws, value=v)
        if font is not None:
            c.font = font
        if fill is not None:
            c.fill = fill
        cells.append(c)
    return cells


def write(path: Path, *, groups: dict[str, list[Item]], stuck: list[Queued], office: str, day: date) -> Path:
    # Write-only mode streams rows: an office with 200 units and thousands of late items still
    # gets its list in well under a second (styling every cell made it quadratic).
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("超期清单")
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.freeze_panes = "A3"
    total = sum(len(v) for v in groups.values())
    ws.append(_styled(ws, [f"{office} 超期信访事项清单（截至{zh_date(day)}，共 {total} 件）"],
                      font=Font(name="黑体", size=14, bold=True)))
    ws.append(_styled(ws, HEAD, font=BOLD, fill=GREY))
    n = 0
    for unit, items in groups.items():
        for item in items:
            n += 1
            ws.append([n, unit, item.ref, item.title, item.petitioner, item.step_label, item.due.isoformat(),
                       item.days_overdue, item.level_label, "；".join(item.warnings)])
        ws.append(_styled(ws, ["", f"{unit} 小计", f"{len(items)} 件"], font=BOLD))
    ws.append(_styled(ws, ["", "合计", f"{total} 件"], font=BOLD, fill=RED))

    st = wb.create_sheet("滞留消息")
    for col, width in zip("ABCDEFG", (6, 10, 16, 40, 10, 50, 20), strict=True):
        st.column_dimensions[col].width = width
    st.append(_styled(st, ("序号", "渠道", "责任单位", "主题", "失败次数", "最后错误", "生成时间"), font=BOLD, fill=GREY))
    for i, q in enumerate(stuck, 1):
        st.append((i, q.message.channel, q.unit, q.message.subject, q.attempts, q.last_error or "", q.created_at))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
