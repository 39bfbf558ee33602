"""Counts for the 统计 sheet, from the petitions of one book (pure)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from core.model import FORMS, PURPOSES, Petition


@dataclass
class Breakdown:
    title: str  # also the table heading on the sheet
    label: str  # first column header
    rows: list[tuple[str, int]]
    chart: str  # "bar" | "column" | "pie" | "line"


BASIS_LABELS = {"assigned_on": "交办日期", "received_on": "登记日期"}


def breakdowns(petitions: Iterable[Petition], year: int, *, top: int = 30, basis: str = "assigned_on") -> list[Breakdown]:
    """``basis``: the date months are counted by, the book's own ``year_by`` (the monthly report
    counts by the same one, so the two agree)."""
    by = {k: Counter() for k in ("category", "locality", "form", "purpose", "month", "status")}
    for p in petitions:
        when = getattr(p, basis)
        by["category"][_first_level(p.clerk.get("category_confirmed") or p.category) or "（未分类）"] += 1
        by["locality"][p.locality or "（未填）"] += 1
        by["form"][p.form or "（未填）"] += 1
        by["purpose"][p.purpose or "（未填）"] += 1
        by["month"][when.month if when.year == year else 0] += 1
        by["status"][p.clerk.get("handling_status") or "（未填）"] += 1
    # From the first month with data to the last: no row of zeros before the book's data begins.
    seen = [m for m in by["month"] if m]
    months = [(f"{m}月", by["month"].get(m, 0)) for m in range(min(seen, default=1), max(seen, default=0) + 1)]
    if by["month"].get(0):
        months.append(("其他年份", by["month"][0]))
    return [
        Breakdown("按内容分类", "内容分类", _top(by["category"], top), "bar"),
        Breakdown("按问题属地", "问题属地", _top(by["locality"], top), "bar"),
        Breakdown("按信访形式", "信访形式", _ordered(by["form"], FORMS), "pie"),
        Breakdown("按信访目的", "信访目的", _ordered(by["purpose"], PURPOSES), "pie"),
        Breakdown(f"按月份（{BASIS_LABELS.get(basis, basis)}）", "月份", months, "column"),
        Breakdown("按办理状态", "办理状态", _top(by["status"], top), "bar"),
    ]


def _first_level(category: str) -> str:
    for sep in ("/", "-", "－", ">", "＞"):
        if sep in category:
            return category.split(sep, 1)[0].strip()
    return category.strip()


def _top(c: Counter, n: int) -> list[tuple[str, int]]:
    rows = sorted(c.items(), key=lambda kv: (-kv[1], str(kv[0])))
    if len(rows) > n:
        rest = sum(v for _, v in rows[n - 1:])
        rows = [*rows[: n - 1], ("其他", rest)]
    return [(str(k), v) for k, v in rows]


def _ordered(c: Counter, order: tuple[str, ...]) -> list[tuple[str, int]]:
    rows = [(k, c.get(k, 0)) for k in order]
    rows += [(str(k), v) for k, v in sorted(c.items(), key=lambda kv: str(kv[0])) if k not in order]
    return rows
