"""Cell values in: what a clerk typed, parsed when unambiguous (text safety: ``flows.workbook``).

Pure functions over plain Python values (what the .xlsx reader gives: str, float, date,
datetime, bool, ...), so every rule is testable without a file.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

# Text safety is the workbook writer's, for every workbook; the sync counts its notes for 校验.
from flows.workbook import CUT_MARKER, EXCEL_CELL_LIMIT, ILLEGAL, safe_text  # noqa: F401 - re-exported

_EXCEL_EPOCH = date(1899, 12, 30)


@dataclass(frozen=True)
class Parsed:
    value: Any  # the clean value ("" for empty); ISO string for dates
    problem: str = ""  # non-empty: cannot be used, keep what the clerk typed and flag it
    note: str = ""  # used, but tell the clerk how it was read


def canonical(value: Any) -> str:
    """One string form for comparing a cell with the store and with what was last written."""
    if type(value) is str:  # the common case first: this runs millions of times on a big book
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    return str(value).strip()


def _clean(s: str, *, keep_spaces: bool = False) -> str:
    # NFKC folds full-width digits and punctuation (２０２６．１１．３) that Chinese IMEs produce.
    s = unicodedata.normalize("NFKC", s).strip()
    return s if keep_spaces else s.replace(" ", "")


_YMD = re.compile(r"^(\d{2}|\d{4})[-./年](\d{1,2})[-./月](\d{1,2})[日号]?$")
_YMD8 = re.compile(r"^(\d{4})(\d{2})(\d{2})$")
_MD = re.compile(r"^(\d{1,2})[月/.-](\d{1,2})[日号]?$")
_YMD_HMS = re.compile(r"^(\d{4}-\d{1,2}-\d{1,2})[T ]\d{1,2}:\d{2}(:\d{2})?$")


def _make(y: int, m: int, d: int) -> tuple[date | None, str]:
    if y < 100:
        y += 2000
    if not 2000 <= y <= 2100:
        return None, f"年份 {y} 不合理"
    try:
        return date(y, m, d), ""
    except ValueError:
        return None, f"日期不存在（{y}年{m}月{d}日）"


def _nearest_year(m: int, d: int, today: date) -> tuple[date | None, str]:
    # "11月3日" has no year: take the reading nearest to today (this year, last or next).
    best = None
    for y in (today.year - 1, today.year, today.year + 1):
        try:
            cand = date(y, m, d)
        except ValueError:
            continue
        if best is None or abs((cand - today).days) < abs((best - today).days):
            best = cand
    if best is None:
        return None, f"日期不存在（{m}月{d}日）"
    return best, ""


def parse_date(raw: Any, today: date) -> Parsed:
    if raw is None or raw == "":
        return Parsed("")
    if isinstance(raw, bool):
        return Parsed(None, "应填日期，不是是/否")
    if isinstance(raw, datetime):
        return Parsed(raw.date().isoformat())
    if isinstance(raw, date):
        return Parsed(raw.isoformat())
    if isinstance(raw, (time, timedelta)):
        return Parsed(None, "填的是时间，不是日期")
    if isinstance(raw, (int, float)):
        if float(raw).is_integer() and 36_526 <= raw <= 73_050:  # an Excel serial for 2000..2099
            return Parsed((_EXCEL_EPOCH + timedelta(days=int(raw))).isoformat(), note="按 Excel 日期序号识别")
        if float(raw).is_integer() and 20_000_101 <= raw <= 21_001_231:
            raw = str(int(raw))
        else:
            return Parsed(None, "无法识别的日期")
    s = _clean(str(raw), keep_spaces=True)
    if not s:
        return Parsed("")
    if m := _YMD_HMS.match(s):
        s = m.group(1)
    s = s.replace(" ", "")
    for pattern in (_YMD, _YMD8):
        if m := pattern.match(s):
            d, problem = _make(int(m.group(1)), int(m.group(2)), int(m.group(3)))
            if problem:
                return Parsed(None, problem)
            note = "" if re.fullmatch(r"\d{4}-\d{2}-\d{2}", s) else f"已按 {d.isoformat()} 识别"
            return Parsed(d.isoformat(), note=note)
    if m := _MD.match(s):
        d, problem = _nearest_year(int(m.group(1)), int(m.group(2)), today)
        if problem:
            return Parsed(None, problem)
        return Parsed(d.isoformat(), note=f"未写年份，已按 {d.isoformat()} 识别，请核对")
    return Parsed(None, "无法识别的日期，请写成 2026-11-03 这样的格式")


def parse_choice(raw: Any, options: list[str], aliases: dict[str, str] | None = None) -> Parsed:
    if raw is None or raw == "":
        return Parsed("")
    s = _clean(canonical(raw))
    if not s:
        return Parsed("")
    if s in options:
        return Parsed(s)
    if aliases and s in aliases:
        return Parsed(aliases[s], note=f"“{s}”已按“{aliases[s]}”记录")
    return Parsed(None, f"不在下拉选项中（可选：{'、'.join(options)}）")


def parse_text(raw: Any) -> Parsed:
    return Parsed(canonical(raw))


def parse_int(raw: Any) -> Parsed:
    s = _clean(canonical(raw)).removesuffix("人")
    if not s:
        return Parsed("")
    if s.isdigit():
        return Parsed(int(s))
    return Parsed(None, "应填整数")


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())
