"""The supervisors' overdue list as .docx in GB/T 9704 style (layout: ``flows.wordfile``).

Title 2号 方正小标宋简体 centred, body 3号 仿宋_GB2312, headings "一、" in 黑体, page numbers
"— 1 —". One table per responsible unit, one row per petition: its late steps (环节), their due
dates and days late one per line inside the row, so the counts in the text are petitions. Tables
are 10 pt: the body's 3号 would not fit seven columns in the 156 mm text block.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from core.ports import Queued
from flows.deadlines.engine import zh_date
from flows.reminders.items import PetitionRow
from flows.wordfile import HEADING_FONT, TEXT_WIDTH, TITLE_FONT, TITLE_PT, Col, new_document, paragraph, save, table

NUMERALS = "一二三四五六七八九十"
TABLE_PT = 10
# twips, summing to the 156 mm text block. At 10 pt "XF2026092000055" and "2026年10月18日" each fit
# one line, with the space Word and LibreOffice put between digits and CJK (the date cells are also
# no-wrap); "受理告知" fits 环节; 事项 takes the rest.
COLUMNS = (Col("序号", 580, nowrap=True, align="center"), Col("信访件编号", 1800, nowrap=True),
           Col("事项", TEXT_WIDTH - 7270), Col("信访人", 1350), Col("环节", 1000, nowrap=True),
           Col("期限", 1820, nowrap=True), Col("超期", 720, nowrap=True, align="center"))
COL_WIDTHS = tuple(c.width for c in COLUMNS)


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


def _row(n: int, row: PetitionRow) -> list:
    late = row.overdue
    return [str(n), row.ref, row.title, row.petitioner, [i.step_label for i in late], [zh_date(i.due) for i in late],
            [f"{i.days_overdue}天" for i in late]]


def write(path: Path, *, groups: dict[str, list[PetitionRow]], stuck: list[Queued], office: str, day: date,
          due_soon: int, created: datetime) -> Path:
    total = sum(len(rows) for rows in groups.values())
    doc = new_document(title=f"超期信访事项清单（截至{zh_date(day)}）", author=office, created=created,
                       subject="超期信访事项清单")
    paragraph(doc, "超期信访事项清单", font_name=TITLE_FONT, size=TITLE_PT, indent=False, align="center")
    paragraph(doc, "")
    several = sum(len(r.overdue) > 1 for rows in groups.values() for r in rows)
    extra = f"（其中{several}件有两个以上环节超期，各环节在同一行内列出）" if several else ""
    paragraph(doc, f"截至{zh_date(day)}，超期信访事项共{total}件{extra}，涉及{len(groups)}个责任单位；"
                   f"另有临期事项{due_soon}件。按责任单位分列如下（同一单位内按超期天数由多到少排列）。")
    for n, (unit, rows) in enumerate(groups.items(), 1):
        paragraph(doc, f"{_numeral(n)}、{unit}（{len(rows)}件）", font_name=HEADING_FONT, keep_next=True)
        table(doc, COLUMNS, [_row(i, r) for i, r in enumerate(rows, 1)], size=TABLE_PT)
    paragraph(doc, f"合计：超期{total}件。", bold=True)
    if stuck:
        paragraph(doc, f"{_numeral(len(groups) + 1)}、发送失败、滞留在发件箱的提醒（{len(stuck)}条）",
                  font_name=HEADING_FONT, keep_next=True)
        for i, q in enumerate(stuck, 1):
            paragraph(doc, f"{i}. {q.message.subject}（{q.message.channel}，失败{q.attempts}次：{q.last_error or ''}）")
    paragraph(doc, "")
    paragraph(doc, office, indent=False, align="right")
    paragraph(doc, zh_date(day), indent=False, align="right")
    return save(doc, path)
