"""A trigger wrapper that fires only on Chinese working days.

Wraps any APScheduler 3 trigger (usually a daily cron): each fire time the inner trigger
proposes is kept when the day is a working day by the office's calendar (State Council tables,
the office's override file, make-up Saturdays included) and skipped otherwise. The calendar is
``flows.deadlines.WorkCalendar``, the same one the deadlines use, so the reminders and the
deadlines can never disagree about what a working day is. Only the override file's path is
pickled into the job store; the calendar is rebuilt after a restart.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from apscheduler.triggers.base import BaseTrigger
from loguru import logger

# A year has at most ~120 rest days; a longer run of skips means a broken calendar.
MAX_SKIPS = 400


class WorkdayTrigger(BaseTrigger):
    def __init__(self, inner: BaseTrigger, overrides: str | None = None, calendar: Any = None):
        self.inner = inner
        self.overrides = overrides
        self._calendar = calendar
        self._warned: set[int] = set()

    @property
    def calendar(self) -> Any:
        if self._calendar is None:
            from flows.deadlines import WorkCalendar

            self._calendar = WorkCalendar.from_file(self.overrides)
        return self._calendar

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        fire = self.inner.get_next_fire_time(previous_fire_time, now)
        for _ in range(MAX_SKIPS):
            if fire is None or self._is_workday(fire):
                return fire
            # Ask the inner trigger for its next time strictly after the skipped one.
            fire = self.inner.get_next_fire_time(fire, fire + timedelta(microseconds=1))
        logger.error("工作日日历异常：连续 {} 次遇到休息日，计划任务停止排期", MAX_SKIPS)
        return None

    def _is_workday(self, fire: datetime) -> bool:
        day = fire.date()
        if not self.calendar.is_known_year(day.year) and day.year not in self._warned:
            self._warned.add(day.year)
            logger.warning("{}年节假日安排尚未录入，工作日计划任务暂按周一至周五运行；"
                           "国务院公布后请录入 templates/calendar/overrides.toml", day.year)
        return self.calendar.is_workday(day)

    def __getstate__(self) -> dict[str, Any]:
        return {"version": 1, "inner": self.inner, "overrides": self.overrides}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.inner, self.overrides = state["inner"], state["overrides"]
        self._calendar, self._warned = None, set()

    def __str__(self) -> str:
        return f"workdays[{self.inner}]"

    def __repr__(self) -> str:
        return f"<WorkdayTrigger inner={self.inner!r} overrides={self.overrides!r}>"
