"""Deadlines of one petition: each step's start, rule, days skipped and due date.

Rules applied (all documented in docs/deadlines.md):
- counting starts the day after the trigger (收件/受理/申请 day not counted);
- a working-day period ends on its n-th working day; a calendar period that ends on a rest day
  ends on the next working day when the rule's ``roll`` is on;
- handling starts from ``clerk["accepted_on"]``; until a clerk records it, from ``received_on``
  (setting ``handling_start_fallback``): never later than the real acceptance date, so an
  unrecorded acceptance can only make the reminder early, never late;
- the handling due date is the upstream 限办日期 when there is one (a disagreement with the
  computed date is a warning); a recorded extension (``clerk["extension_until"]``) moves it;
- rejected items (不予受理/不再受理) have no handling step;
- review / re-review apply when the clerk records ``review_requested_on`` / ``re_review_requested_on``;
- "closed upstream" is what the source site says (``Petition.closed``, decided at intake from the
  site's vocabulary), never a comparison with one site's words;
- a work order (``Petition.statutory`` False, e.g. from the 12345 hotline) has no statutory step:
  its one step is the platform's own 办理时限 (``due_on``, ``due_time``), moved only by a recorded
  extension; the petition statutes' acceptance, handling and review periods do not apply.

Step arithmetic is memoised per (rule, start): 100,000 petitions share a few hundred start days.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from core.model import Petition
from flows.deadlines.calendar import WorkCalendar, estimate_warning
from flows.deadlines.profiles import Profile, StepRule

REJECTED = frozenset({"不予受理", "不再受理"})


def zh_date(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "（未知）"


@dataclass(frozen=True, slots=True)
class Count:
    """The arithmetic of one rule from one start day."""

    due: date
    skipped: tuple[date, ...]  # rest days passed over (working-day count) or rolled over
    rolled_from: date | None  # the calendar end day that fell on a rest day
    estimated: tuple[int, ...]  # years in the period with no published holiday table


@dataclass(slots=True)
class StepDeadline:
    step: str  # acceptance | handling | review | re_review
    rule: StepRule
    start: date
    start_kind: str  # received | accepted | review | re_review | fallback_received | fallback_acceptance_due
    count: Count
    due: date  # effective due date (upstream / extension applied)
    due_note: str = ""  # why due differs from count.due
    done_on: date | None = None
    done: bool = False
    warnings: list[str] = field(default_factory=list)


START_NOTES = {
    "received": "收件日期 {d}",
    "accepted": "受理日期 {d}",
    "review": "复查申请日期 {d}",
    "re_review": "复核申请日期 {d}",
    "fallback_received": "尚未登记受理日期，按收件日期 {d} 起算（偏早的估计）",
    "fallback_acceptance_due": "尚未登记受理日期，按受理期限 {d} 起算（估计）",
    "dispatched": "派单日期 {d}",
}
WORK_ORDER_RULE = StepRule("handling", "办理时限", 0, "calendar", False, "工单上的办理时限（热线平台设定）")


def start_note(step: StepDeadline) -> str:
    """What the start day is, in Chinese (built only when explaining: 100,000 schedules a run)."""
    return START_NOTES[step.start_kind].format(d=zh_date(step.start))


@dataclass(slots=True)
class Schedule:
    ref: str
    profile: Profile
    steps: list[StepDeadline]
    warnings: list[str]
    statutory: bool = True  # False: a work order's own 办理时限, no statute applied
    due_time: str = ""  # the 办理时限's time of day, when the platform gives one

    def step(self, key: str) -> StepDeadline | None:
        for s in self.steps:
            if s.step == key:
                return s
        return None

    @property
    def main(self) -> StepDeadline:
        """The step ``deadline_status`` reports: handling, else acceptance (rejected items)."""
        return self.step("handling") or self.steps[0]


def _d(value: Any) -> date | None:
    if value in (None, ""):
        return None
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError:
        return None


class Engine:
    def __init__(self, profile: Profile, calendar: WorkCalendar, *, due_soon_days: int = 3,
                 handling_start_fallback: str = "received"):
        self.profile = profile
        self.calendar = calendar
        self.due_soon_days = due_soon_days
        self.handling_start_fallback = handling_start_fallback
        self._memo: dict[tuple[StepRule, date], Count] = {}

    # -- arithmetic ------------------------------------------------------------------------
    def count(self, rule: StepRule, start: date) -> Count:
        key = (rule, start)
        hit = self._memo.get(key)
        if hit is not None:
            return hit
        cal = self.calendar
        rolled_from = None
        if rule.working:
            due, skipped = cal.add_workdays(start, rule.days)
            skipped_t = tuple(skipped)
        else:
            end = start + timedelta(days=rule.days)
            due = cal.next_workday(end) if rule.roll else end
            rolled_from = end if due != end else None
            skipped_t = tuple(end + timedelta(days=i) for i in range((due - end).days))
        result = Count(due, skipped_t, rolled_from, tuple(cal.estimated_years(start, due)))
        self._memo[key] = result
        return result

    # -- one petition ----------------------------------------------------------------------
    def schedule(self, p: Petition) -> Schedule:
        clerk = p.clerk or {}
        rules = self.profile.steps
        warnings: list[str] = []
        steps: list[StepDeadline] = []
        decision = str(clerk.get("decision") or "")
        accepted_on = _d(clerk.get("accepted_on"))
        closed_on = _d(clerk.get("closed_on"))
        closed_upstream = p.closed
        if not p.statutory:
            return self._work_order(p, clerk, closed_on)

        acc_rule = rules["acceptance"]
        c = self.count(acc_rule, p.received_on)
        acc = StepDeadline("acceptance", acc_rule, p.received_on, "received", c, c.due)
        acc.done_on = accepted_on
        acc.done = bool(accepted_on or decision or closed_on or closed_upstream)
        steps.append(acc)

        if decision not in REJECTED:
            steps.append(self._handling(p, clerk, acc, accepted_on, closed_on, closed_upstream, warnings))

        for key, start_key, end_key in (("review", "review_requested_on", "review_closed_on"),
                                        ("re_review", "re_review_requested_on", "re_review_closed_on")):
            start, rule = _d(clerk.get(start_key)), rules.get(key)
            if start and rule:
                c = self.count(rule, start)
                st = StepDeadline(key, rule, start, key, c, c.due)
                st.done_on = _d(clerk.get(end_key))
                st.done = st.done_on is not None
                steps.append(st)

        for st in steps:
            for year in st.count.estimated:
                st.warnings.append(estimate_warning(year))
            if not st.count.estimated and st.due != st.count.due:
                for year in self.calendar.estimated_years(st.due, st.due):
                    st.warnings.append(estimate_warning(year))
            for w in st.warnings:
                if w not in warnings:
                    warnings.append(w)
        return Schedule(p.ref, self.profile, steps, warnings)

    def _handling(self, p: Petition, clerk: dict[str, Any], acc: StepDeadline, accepted_on: date | None,
                  closed_on: date | None, closed_upstream: bool, warnings: list[str]) -> StepDeadline:
        rule = self.profile.steps["handling"]
        if accepted_on:
            start, note = accepted_on, "accepted"
        elif self.handling_start_fallback == "acceptance_due":
            start, note = acc.due, "fallback_acceptance_due"
        else:
            start, note = p.received_on, "fallback_received"
        c = self.count(rule, start)
        st = StepDeadline("handling", rule, start, note, c, c.due)
        if p.due_on:
            if p.due_on != st.due:
                st.warnings.append(f"上游限办日期 {zh_date(p.due_on)} 与按规则计算的 {zh_date(st.due)} 不一致，以上游为准")
            st.due, st.due_note = p.due_on, f"上游限办日期 {zh_date(p.due_on)} 优先于计算结果"
        extension = _d(clerk.get("extension_until"))
        if extension:
            if p.due_on and p.due_on > extension:
                st.warnings.append(f"上游限办日期 {zh_date(p.due_on)} 晚于登记的延期日期 {zh_date(extension)}，以较晚的上游日期为准")
            else:
                ext_rule = self.profile.steps.get("extension")
                if ext_rule:
                    limit = self.count(ext_rule, st.due).due
                    if extension > limit:
                        st.warnings.append(f"延期至 {zh_date(extension)} 超过延期上限（{ext_rule.describe()}，"
                                           f"最迟 {zh_date(limit)}），请核对")
                st.due, st.due_note = extension, f"已延期至 {zh_date(extension)}"
        st.done_on = closed_on
        st.done = bool(closed_on or closed_upstream)
        return st

    def _work_order(self, p: Petition, clerk: dict[str, Any], closed_on: date | None) -> Schedule:
        """One step: the platform's 办理时限, from the 派单 day; a recorded extension moves it."""
        warnings: list[str] = []
        due = p.due_on
        if due is None:
            due = p.assigned_on
            warnings.append("工单没有办理时限，暂按派单日期计，请向热线平台核实")
        rule = WORK_ORDER_RULE
        count = Count(due, (), None, ())
        st = StepDeadline("handling", rule, p.assigned_on, "dispatched", count, due)
        extension = _d(clerk.get("extension_until"))
        if extension and extension != due:
            st.due, st.due_note = extension, f"已延期至 {zh_date(extension)}"
        st.done_on = closed_on
        st.done = bool(closed_on or p.closed)
        st.warnings.extend(warnings)
        for year in self.calendar.estimated_years(st.due, st.due):
            st.warnings.append(estimate_warning(year))
        return Schedule(p.ref, self.profile, [st], list(st.warnings), statutory=False, due_time=p.due_time)
