"""The dates a letter states, from the deadline engine, and what is worth telling the clerk.

A letter states the legal date of the configured rules (the engine's computed date), not the
upstream's 限办日期 as such: a notice must never promise a petitioner a reply later than the law
allows. Where the upstream date is earlier it is the one a unit must meet, so the letter uses it.
A recorded extension (延期至) replaces the handling date. Every difference is explained in the
run report, and so is a deadline that has already passed on the letter's own date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from core.model import Petition
from flows.deadlines.engine import _d as as_date  # the engine's own reading of a clerk's date

from .context import zh_date


@dataclass(frozen=True)
class LetterDates:
    acceptance_due: date | None = None
    acceptance_done: bool = False
    handling_due: date | None = None
    handling_done: bool = False
    extension_limit: date | None = None  # the latest date an extension may reach under the rules
    notes: tuple[str, ...] = field(default=())  # differences from the upstream date, explained

    def passed(self, today: date) -> dict[str, date]:
        """Open steps whose date lies before ``today``: {"受理期限": d, "办结期限": d}."""
        out = {}
        if self.acceptance_due and not self.acceptance_done and self.acceptance_due < today:
            out["受理期限"] = self.acceptance_due
        if self.handling_due and not self.handling_done and self.handling_due < today:
            out["办结期限"] = self.handling_due
        return out


def letter_dates(p: Petition, engine: Any) -> LetterDates:
    """``engine`` is a flows.deadlines Engine (built from the office's [deadlines] settings)."""
    schedule = engine.schedule(p)
    acc, handling = schedule.step("acceptance"), schedule.step("handling")
    notes: list[str] = []
    due = None
    if handling is not None:
        legal = handling.count.due

        def rule() -> str:  # only when there is a difference to explain (most petitions have none)
            return f"按{schedule.profile.label}计算的法定期限{zh_date(legal)}（{handling.rule.describe()}）"

        ext_rule = schedule.profile.steps.get("extension")
        limit = engine.count(ext_rule, legal).due if ext_rule else None
        extension = as_date((p.clerk or {}).get("extension_until"))
        if extension:
            due = extension  # what the office approved; the limit is checked before issuing
        elif p.due_on and p.due_on < legal:
            due = p.due_on
            notes.append(f"上游限办日期{zh_date(p.due_on)}早于{rule()}，文书按上游日期")
        else:
            due = legal
            if p.due_on and p.due_on > legal:
                notes.append(f"上游限办日期{zh_date(p.due_on)}晚于{rule()}，文书按法定期限")
    else:
        limit = None
    return LetterDates(acceptance_due=acc.count.due if acc else None, acceptance_done=bool(acc and acc.done),
                       handling_due=due, handling_done=bool(handling and handling.done), extension_limit=limit,
                       notes=tuple(notes))

