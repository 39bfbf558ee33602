"""Clerk-style edits and read-back of a real book with openpyxl (an independent reader)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import openpyxl


def open_book(path: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(path)


def header(ws) -> dict[str, int]:
    return {c.value: c.column for c in ws[1] if c.value}


def rows_by_ref(path: Path) -> dict[str, dict[str, Any]]:
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    h = header(ws)
    out = {}
    for r in range(2, ws.max_row + 1):
        row = {name: ws.cell(r, col).value for name, col in h.items()}
        row["_row"] = r
        out[row.get("信访件编号") or f"#{r}"] = row
    return out


def set_cell(ws, ref: str, column: str, value: Any) -> None:
    h = header(ws)
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, h["信访件编号"]).value == ref:
            ws.cell(r, h[column]).value = value
            return
    raise KeyError(ref)


def append_row(ws, values: dict[str, Any]) -> int:
    h = header(ws)
    r = ws.max_row + 1
    for name, v in values.items():
        ws.cell(r, h[name]).value = v
    return r


def checks(path: Path) -> list[tuple]:
    ws = openpyxl.load_workbook(path)["校验"]
    return [row for row in ws.iter_rows(min_row=3, values_only=True) if row[0] != "本次同步未发现问题。"]
