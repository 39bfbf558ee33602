"""The supervisors' overdue list as .xlsx (openpyxl lives only here in reminders)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side

from flows.deadlines.engine import zh_date
from flows.deadlines.status import status_fills
from flows.reminders.items import Item
from flows.reminders.outbox import Queued

HEAD = ("序号", "责任单位", "信访件编号", "事项", "信访人", "环节", "期限", "超期天数", "督办级别", "提示")
WIDTHS = (6, 16, 16, 40, 18, 10, 16, 10, 10, 40)
THIN = Side(style="thin", color="999999")
BOX = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


def write(path: Path, *, groups: dict[str, list[Item]], stuck: list[Queued], office: str, day: date) -> Path:
    wb = Workbook()
    ws = wb.active
    ws.title = "超期清单"
    total = sum(len(v) for v in groups.values())
    ws.append([f"{office} 超期信访事项清单（截至{zh_date(day)}，共 {total} 件）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(HEAD))
    ws["A1"].font = Font(name="黑体", size=14, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center")
    ws.append(HEAD)
    for cell in ws[2]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="D9D9D9")
        cell.border = BOX
    red = PatternFill("solid", fgColor=status_fills()["overdue"])
    n = 0
    for unit, items in groups.items():
        for item in items:
            n += 1
            ws.append([n, unit, item.ref, item.title, item.petitioner, item.step_label, item.due.isoformat(),
                       item.days_overdue, item.level_label, "；".join(item.warnings)])
            for cell in ws[ws.max_row]:
                cell.border = BOX
                cell.alignment = Alignment(vertical="top", wrap_text=True)
            ws.cell(ws.max_row, 8).fill = red
        ws.append(["", f"{unit} 小计", f"{len(items)} 件"])
        for cell in ws[ws.max_row]:
            cell.font = Font(bold=True)
    ws.append(["", "合计", f"{total} 件"])
    for cell in ws[ws.max_row]:
        cell.font = Font(bold=True)
    for i, width in enumerate(WIDTHS, 1):
        ws.column_dimensions[chr(64 + i)].width = width
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4

    st = wb.create_sheet("滞留消息")
    st.append(("序号", "渠道", "责任单位", "主题", "失败次数", "最后错误", "生成时间"))
    for cell in st[1]:
        cell.font = Font(bold=True)
    for i, q in enumerate(stuck, 1):
        st.append((i, q.message.channel, q.unit, q.message.subject, q.attempts, q.last_error or "", q.created_at))
    for col, width in zip("ABCDEFG", (6, 10, 16, 40, 10, 50, 20), strict=True):
        st.column_dimensions[col].width = width
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path
