"""The working-day calendar: published tables, the office's overrides, and a loud estimate.

Sources, strongest first:
1. the office's override file (``templates/calendar/overrides.toml``): single dates, or a whole
   newly announced year marked ``published = true``;
2. ``chinese_calendar`` (exact State Council tables, 2004 through its last published year);
3. for any other year: weekends only. That is an *estimate* (it misses holidays and make-up
   working days), so every date computed from it carries a warning.

``chinese_calendar`` is touched only here. Answers are cached per day: the bench computes
100,000 deadlines and asks about the same few hundred days over and over.
"""

from __future__ import annotations

import tomllib
from datetime import date, timedelta
from pathlib import Path

import chinese_calendar

from core.errors import ConfigError

ONE_DAY = timedelta(days=1)


ESTIMATE_MARK = "节假日安排尚无公布的数据"  # how reminders and the ledger recognise the estimate warning


def estimate_warning(year: int) -> str:
    return (f"{year}年{ESTIMATE_MARK}，按“仅周末休息”估算，期限可能不准；"
            f"国务院公布后请录入 templates/calendar/overrides.toml")


class WorkCalendar:
    """Answers "is this a working day?" and remembers which years were only estimated."""

    def __init__(self, *, holidays: set[date] | None = None, workdays: set[date] | None = None,
                 published_years: set[int] | None = None):
        self._holidays = set(holidays or ())
        self._workdays = set(workdays or ())
        self._published = set(published_years or ())
        self._cache: dict[date, bool] = {}
        self._year_known: dict[int, bool] = {}

    @classmethod
    def from_file(cls, path: str | Path | None) -> WorkCalendar:
        """Load an override file; a missing file means no overrides."""
        if path is None or not Path(path).exists():
            return cls()
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"节假日覆盖表 {path} 格式错误：{exc}") from exc
        holidays: set[date] = set()
        workdays: set[date] = set()
        published: set[int] = set()
        for key, table in data.items():
            try:
                year = int(key)
                if table.get("published"):
                    published.add(year)
                for text in table.get("holidays", []):
                    holidays.add(_day(text, year))
                for text in table.get("workdays", []):
                    workdays.add(_day(text, year))
            except (ValueError, TypeError, AttributeError) as exc:
                raise ConfigError(f"节假日覆盖表 {path} 中 [{key}] 有误：{exc}",
                                  hint="年份作表名，日期写成 \"2027-01-01\"") from exc
        both = holidays & workdays
        if both:
            raise ConfigError(f"节假日覆盖表 {path} 中这些日期既是放假又是上班：{sorted(d.isoformat() for d in both)}")
        return cls(holidays=holidays, workdays=workdays, published_years=published)

    def is_known_year(self, year: int) -> bool:
        """True when the year's holidays are published (library table or override file)."""
        known = self._year_known.get(year)
        if known is None:
            known = year in self._published or _library_has(year)
            self._year_known[year] = known
        return known

    def is_workday(self, day: date) -> bool:
        hit = self._cache.get(day)
        if hit is not None:
            return hit
        if day in self._workdays:
            answer = True
        elif day in self._holidays:
            answer = False
        elif day.year in self._published or not _library_has(day.year):
            answer = day.weekday() < 5
        else:
            answer = chinese_calendar.is_workday(day)
        self._cache[day] = answer
        return answer

    def next_workday(self, day: date) -> date:
        """``day`` itself when it is a working day, else the first working day after it."""
        while not self.is_workday(day):
            day += ONE_DAY
        return day

    def add_workdays(self, start: date, n: int) -> tuple[date, list[date]]:
        """The n-th working day after ``start`` (start itself not counted), and the rest days skipped."""
        day, left, skipped = start, n, []
        while left > 0:
            day += ONE_DAY
            if self.is_workday(day):
                left -= 1
            else:
                skipped.append(day)
        return day, skipped

    def workdays_between(self, after: date, until: date) -> int:
        """Working days in (after, until]; 0 when until <= after."""
        count, day = 0, after
        while day < until:
            day += ONE_DAY
            count += self.is_workday(day)
        return count

    def estimated_years(self, first: date, last: date) -> list[int]:
        return [y for y in range(first.year, last.year + 1) if not self.is_known_year(y)]


_LIBRARY_YEARS: dict[int, bool] = {}


def _library_has(year: int) -> bool:
    known = _LIBRARY_YEARS.get(year)
    if known is None:
        try:
            chinese_calendar.is_workday(date(year, 6, 1))
            known = True
        except NotImplementedError:
            known = False
        _LIBRARY_YEARS[year] = known
    return known


def _day(text: object, year: int) -> date:
    day = text if isinstance(text, date) else date.fromisoformat(str(text))
    if day.year != year:
        raise ValueError(f"{day} 不属于 {year} 年")
    return day
