"""The monthly analysis report as a Word document (layout: ``flows.wordfile``, GB/T 9704).

Body 3号 仿宋_GB2312 with the 22-lines-a-page pitch, headings 黑体, page numbers "— 1 —", the
office's document properties; tables with a repeating header row and rows that never split.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flows.analysis.report_model import Kind, Report, Table, tint
from flows.wordfile import (
    HEADING_FONT,
    TEXT_WIDTH,
    TITLE_FONT,
    TITLE_PT,
    Col,
    new_document,
    paragraph,
    save,
    table,
)

TABLE_PT = 10.5
NUMERIC = {"int", "change", "share", "mean"}


def cell_text(kind: Kind, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if kind == "change":
        return f"{value:+.0%}" if round(value, 2) else "0%"
    if kind == "share":
        return f"{value:.0%}"
    if kind == "mean":
        return f"{value:.1f}"
    return str(value)


def _columns(t: Table) -> list[Col]:
    # Numbers get a fixed narrow column (no wrap); text columns share the rest of the 156 mm in
    # proportion to their longest value (a short name column, a long explanation column).
    fixed = {i: 1000 for i, k in enumerate(t.kinds) if k in NUMERIC}
    text = [i for i in range(len(t.kinds)) if i not in fixed]
    weight = {i: min(max([len(t.header[i])] + [len(str(r[i] or "")) for r in t.rows]), 40) for i in text}
    room = TEXT_WIDTH - sum(fixed.values())
    widths = {**fixed, **{i: room * weight[i] // max(sum(weight.values()), 1) for i in text}}
    widths[text[-1] if text else len(t.kinds) - 1] += TEXT_WIDTH - sum(widths.values())
    return [Col(h, widths[i], nowrap=t.kinds[i] in NUMERIC, align="center" if t.kinds[i] in NUMERIC else "left")
            for i, h in enumerate(t.header)]


def write(path: Path, report: Report) -> Path:
    from docx.shared import Mm

    doc = new_document(title=report.title, author=report.office, created=report.created, subject="信访形势分析")
    paragraph(doc, report.title, font_name=TITLE_FONT, size=TITLE_PT, indent=False, align="center")
    paragraph(doc, f"{report.office}　{report.generated_on}", indent=False, align="center")
    paragraph(doc, "")
    for heading, body in report.sections:
        paragraph(doc, heading, font_name=HEADING_FONT, keep_next=True)
        for line in body:
            paragraph(doc, line)
    n = len(report.sections)
    paragraph(doc, f"{_numeral(n + 1)}、图表", font_name=HEADING_FONT, keep_next=True)
    for i, chart in enumerate(report.charts, 1):
        paragraph(doc, f"（{_numeral(i)}）{chart.heading}", font_name="楷体_GB2312", keep_next=True)
        pic = doc.add_paragraph()
        pic.paragraph_format.keep_with_next = False
        pic.add_run().add_picture(str(chart.png), width=Mm(150))
    paragraph(doc, f"{_numeral(n + 2)}、数据表", font_name=HEADING_FONT, keep_next=True)
    for i, t in enumerate(report.tables, 1):
        paragraph(doc, f"（{_numeral(i)}）{t.heading}", font_name="楷体_GB2312", keep_next=True)
        if not t.rows:
            paragraph(doc, "本月无。")
            continue
        shade = t.fills
        table(doc, _columns(t), [[cell_text(k, v) for k, v in zip(t.kinds, row, strict=True)] for row in t.rows],
              size=TABLE_PT, shade=[tint(f) if f else "" for f in shade] if shade else None)
        if t.note:
            paragraph(doc, t.note, size=TABLE_PT, indent=False, pitch=False)
    return save(doc, path)


def _numeral(n: int) -> str:
    return "一二三四五六七八九十"[n - 1] if 1 <= n <= 10 else str(n)
