"""openpyxl adapter: the numbers behind the monthly report, one sheet per table."""

from __future__ import annotations

import re
from pathlib import Path

from flows.analysis.report_model import Report


def _safe(value):
    # A text cell starting with = + - @ would be a formula in Excel: petition text is untrusted.
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def write(path: Path, report: Report) -> Path:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used: set[str] = set()
    for heading, header, rows in report.tables:
        name = re.sub(r"[\[\]:*?/\\]", "", heading)[:28] or "表"
        while name in used:
            name += "_"
        used.add(name)
        ws = wb.create_sheet(name)
        ws.append(list(header))
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in rows:
            ws.append([_safe(v) for v in row])
        for col in ws.columns:
            ws.column_dimensions[col[0].column_letter].width = 16
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.stem + ".tmp.xlsx")
    wb.save(str(tmp))
    tmp.replace(path)
    return path
