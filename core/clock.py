"""The two clocks (:class:`core.ports.Clock`). Every flow asks a Clock for "today"; tests and
``--as-of`` fix it."""

from __future__ import annotations

from datetime import date, datetime, time


class SystemClock:
    def now(self) -> datetime:
        return datetime.now()

    def today(self) -> date:
        return date.today()


class FixedClock:
    """A clock stopped at ``as_of`` (a date means that day at 09:00, inside office hours)."""

    def __init__(self, as_of: date | datetime):
        self._now = as_of if isinstance(as_of, datetime) else datetime.combine(as_of, time(9, 0))

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.date()

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self._now += timedelta(**delta)
