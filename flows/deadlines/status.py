"""Status of each step at "today", the Chinese explanation, and the export fields."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from core.model import Petition
from flows.deadlines.engine import Engine, Schedule, StepDeadline, start_note, zh_date

STATUS_LABELS = {
    "on_track": "正常",
    "due_soon": "临期",
    "overdue": "超期",
    "closed": "已办结",
    "closed_late": "超期办结",
}
STEP_LABELS = {"acceptance": "受理告知", "handling": "办理答复", "review": "复查意见", "re_review": "复核意见"}

# Light fills a printed ledger can still be read through (ARGB-free hex, openpyxl accepts "RRGGBB").
_FILLS = {
    "on_track": "FFFFFF",
    "due_soon": "FFF2CC",  # amber
    "overdue": "F8CBAD",  # red
    "closed": "E2EFDA",  # green
    "closed_late": "D9D2E9",  # violet: done, but a mark against the office
}


def status_fills() -> dict[str, str]:
    """deadline_status -> fill colour (hex RRGGBB) for colouring ledger rows."""
    return dict(_FILLS)


@dataclass(frozen=True, slots=True)
class StepStatus:
    status: str
    days_overdue: int  # calendar days late (0 unless overdue / closed_late)
    workdays_left: int | None  # for open steps not yet due


def step_status(step: StepDeadline, today: date, engine: Engine) -> StepStatus:
    if step.done:
        late = (step.done_on - step.due).days if step.done_on else 0
        return StepStatus("closed_late", late, None) if late > 0 else StepStatus("closed", 0, None)
    if today > step.due:
        return StepStatus("overdue", (today - step.due).days, None)
    left = engine.calendar.workdays_between(today, step.due)
    return StepStatus("due_soon" if left <= engine.due_soon_days else "on_track", 0, left)


def explain(schedule: Schedule, today: date, engine: Engine) -> str:
    """Every date, in Chinese: start, rule, days skipped, result, status."""
    if schedule.statutory:
        head = f"信访件 {schedule.ref}：期限规则“{schedule.profile.label}”，计算日 {zh_date(today)}"
    else:
        head = (f"工单 {schedule.ref}：工单按热线平台设定的办理时限办理，不适用信访条例规定的受理、办理和复查期限；"
                f"计算日 {zh_date(today)}")
    lines = [head]
    for st in schedule.steps:
        s = step_status(st, today, engine)
        parts = _rule_parts(st) if schedule.statutory else [
            f"【办理时限】{start_note(st)}，平台设定的办理时限 {zh_date(st.count.due)}{schedule.due_time}"]
        if st.due_note:
            parts.append(f"{st.due_note}，实际期限 {zh_date(st.due)}")
        parts.append(f"状态：{_status_text(s, st)}")
        lines.append("；".join(parts) + "。")
        lines.extend(f"  ⚠ {w}" for w in st.warnings)
    return "\n".join(lines)


def _rule_parts(st: StepDeadline) -> list[str]:
    """How a statutory step's date was counted: start, rule, rest days skipped or rolled over."""
    c = st.count
    parts = [f"【{STEP_LABELS.get(st.step, st.rule.label)}】{start_note(st)}，次日起算 {st.rule.describe()}"]
    if st.rule.working and c.skipped:
        parts.append(f"跳过休息日 {_ranges(c.skipped)}")
    if c.rolled_from:
        parts.append(f"期满日 {zh_date(c.rolled_from)} 是休息日，顺延至 {zh_date(c.due)}")
    parts.append(f"计算期限 {zh_date(c.due)}")
    return parts


def _status_text(s: StepStatus, st: StepDeadline) -> str:
    label = STATUS_LABELS[s.status]
    if s.status == "overdue":
        return f"{label} {s.days_overdue} 天"
    if s.status == "closed_late":
        return f"{label}（{zh_date(st.done_on)}，晚 {s.days_overdue} 天）"
    if s.status == "closed":
        return f"{label}（{zh_date(st.done_on)}）" if st.done_on else label
    return f"{label}（剩 {s.workdays_left} 个工作日）"


def _ranges(days: tuple[date, ...]) -> str:
    """Consecutive rest days as ranges: 10月1日至10月8日、10月11日."""
    out: list[str] = []
    i = 0
    while i < len(days):
        j = i
        while j + 1 < len(days) and (days[j + 1] - days[j]).days == 1:
            j += 1
        first, last = days[i], days[j]
        out.append(f"{first.month}月{first.day}日" + (f"至{last.month}月{last.day}日" if j > i else ""))
        i = j + 1
    return "、".join(out)


def export_fields(petition: Petition, *, today: date, engine: Engine | None = None,
                  explanation: bool = True) -> dict[str, Any]:
    """The deadline columns of ``petitionbot export`` and the ledger (see module docstring of engine)."""
    if engine is None:
        from flows.deadlines import default_engine

        engine = default_engine()
    schedule = engine.schedule(petition)
    main = schedule.main
    main_status = step_status(main, today, engine)
    steps = []
    for st in schedule.steps:
        s = step_status(st, today, engine)
        label = STEP_LABELS.get(st.step, st.rule.label) if schedule.statutory else st.rule.label
        steps.append({"step": st.step, "label": label, "due_on": st.due.isoformat(),
                      "status": s.status, "status_label": STATUS_LABELS[s.status], "days_overdue": s.days_overdue,
                      "done_on": st.done_on.isoformat() if st.done_on else None})
    return {
        "due_on": main.due.isoformat(),
        "deadline_status": main_status.status,
        "deadline_status_label": STATUS_LABELS[main_status.status],
        "days_overdue": main_status.days_overdue,
        "steps": steps,
        "deadline_explanation": explain(schedule, today, engine) if explanation else "",
        "deadline_warnings": list(schedule.warnings),
    }
