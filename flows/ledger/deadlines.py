"""The deadline columns of the 台账, from the deadline engine's public API only.

The shell builds the engine (``build_engine(settings.deadlines)``) and today's date, and hands
``sync_ledger`` the callable made here; the ledger itself never computes a deadline. Everything
the book shows of a petition's deadlines is one :class:`DeadlineCells`, computed once per
petition per sync (the flow memoises it), after the clerks' edits of 受理日期 / 延期至 / 办结日期
have been saved, so that those edits move the dates and the status in the same run.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from core.model import Petition

ESTIMATED = "（估算）"  # shown after a date computed from a year with no published holiday table


class EstimatedDate(date):
    """A date the writer shows with the ``（估算）`` number format: still a real Excel date."""

    __slots__ = ()


@dataclass(frozen=True, slots=True)
class DeadlineCells:
    acceptance_due: date | None
    deadline: date | None  # the effective handling deadline (the acceptance one for rejected items)
    status: str  # on_track | due_soon | overdue | closed | closed_late
    status_label: str  # 正常 | 临期 | 超期 | 已办结 | 超期办结
    days_overdue: int
    notes: tuple[str, ...]  # short Chinese notes for 期限提示
    estimates: tuple[str, ...]  # the engine's full estimate warnings, for the run summary

    def cells(self) -> dict[str, Any]:
        return {
            "acceptance_due": self.acceptance_due if self.acceptance_due is not None else "",
            "deadline": self.deadline if self.deadline is not None else "",
            "deadline_status": self.status_label,
            "days_overdue": self.days_overdue or "",  # blank rather than a column of zeros
            "deadline_note": "；".join(self.notes),
        }


Deadlines = Callable[[Petition], DeadlineCells]

_YEAR = re.compile(r"(\d{4})年")


class LedgerDeadlines:
    """``petition -> DeadlineCells`` at ``today``, and the row fills: what ``sync_ledger(deadlines=...)`` takes.

    Built by the shell from an engine (``build_engine(app.settings.deadlines)``): the ledger uses
    only the deadlines package's public API (schedule, step_status, labels, fills, the estimate mark).
    """

    def __init__(self, engine: Any, today: date, *, letters: Callable[[Petition], list[str]] | None = None):
        """``letters`` (from the shell: ``flows.letters.ledger_notes``) adds the letters that cannot be
        issued yet ("不予受理告知书待补全：缺少……") to 期限提示, so the clerk sees what to fill."""
        self.letters = letters
        from flows.deadlines import STATUS_LABELS, status_fills, step_status
        from flows.deadlines.calendar import ESTIMATE_MARK

        self.engine, self.today = engine, today
        self.fills: dict[str, str] = status_fills()
        self._labels, self._status, self._mark = STATUS_LABELS, step_status, ESTIMATE_MARK

    def _short(self, warning: str) -> str:
        if self._mark in warning:
            m = _YEAR.match(warning)
            year = f"{m.group(1)}年" if m else ""
            return f"{year}节假日安排尚未公布，标“{ESTIMATED}”的日期按仅周末休息估算，可能不准"
        return warning

    def _shown(self, step: Any) -> date | None:
        if step is None:
            return None
        if any(self._mark in w for w in step.warnings):
            return EstimatedDate(step.due.year, step.due.month, step.due.day)
        return step.due

    def __call__(self, p: Petition) -> DeadlineCells:
        engine, today = self.engine, self.today
        schedule = engine.schedule(p)
        main = schedule.main
        acc = schedule.step("acceptance")
        s = self._status(main, today, engine)
        notes: list[str] = []
        if acc is not None and acc is not main:
            a = self._status(acc, today, engine)
            if a.status == "overdue":  # 期限状态 is the handling one; a late 受理告知 must show too
                notes.append(f"受理告知已超期 {a.days_overdue} 天")
        for w in schedule.warnings:
            n = self._short(w)
            if n not in notes:
                notes.append(n)
        if self.letters is not None:
            notes += self.letters(p)
        return DeadlineCells(self._shown(acc), self._shown(main), s.status, self._labels[s.status], s.days_overdue,
                             tuple(notes), tuple(w for w in schedule.warnings if self._mark in w))
