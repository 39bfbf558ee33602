"""What the operations pages (超期清单与催办, 分析, 体检) read from the flows, in one place beside
``actions``: the same functions the reminders run, the monthly report and ``petitionbot doctor``
use, so a page shows what the file, the report and the command show.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from core.model import Petition
from flows.store import console_ops

# -- 超期清单 --------------------------------------------------------------------------------------


@dataclass
class OverdueRow:
    """One row of the supervisors' overdue list, with the columns of 超期信访事项清单.xlsx."""

    no: int
    unit: str
    ref: str
    title: str
    petitioner: str
    steps: list[str]
    earliest: date
    days_overdue: int
    level: str
    level_label: str
    warnings: str


@dataclass
class OverdueList:
    day: date
    rows: list[OverdueRow]
    by_unit: list[tuple[str, int, int, int]]  # unit, petitions, of them 督办, longest delay
    due_soon: int
    files: list[Path] = field(default_factory=list)  # the latest generated list's .xlsx/.docx/.pdf


def overdue_list(app: Any, day: date) -> OverdueList:
    """Today's list exactly as the reminders run builds it: the same items, one row per petition."""
    from flows.reminders.items import collect, petitions_by_unit

    engine = _engine(app)
    items = collect(app.store.petitions(), engine, day, app.settings.reminders.ladder)
    overdue = [i for i in items if i.status == "overdue"]
    groups = petitions_by_unit(overdue)
    rows: list[OverdueRow] = []
    summary = []
    for unit, unit_rows in groups.items():
        for r in unit_rows:
            rows.append(OverdueRow(
                no=len(rows) + 1, unit=unit, ref=r.ref, title=r.title, petitioner=r.petitioner,
                steps=[f"{i.step_label} {i.due.isoformat()} 超期{i.days_overdue}天" for i in r.overdue],
                earliest=r.overdue[0].due, days_overdue=r.days_overdue, level=r.level, level_label=r.level_label,
                warnings="；".join(r.warnings)))
        summary.append((unit, len(unit_rows), sum(r.level == "supervision" for r in unit_rows),
                        max(r.days_overdue for r in unit_rows)))
    due_soon = len({i.ref for i in items if i.status == "due_soon"} - {i.ref for i in overdue})
    return OverdueList(day, rows, summary, due_soon, latest_overdue_files(app))


def latest_overdue_files(app: Any) -> list[Path]:
    """The files of the newest 超期清单 a reminders run wrote (still on disk)."""
    for run in app.store.runs(limit=50):
        if run["flow"] != "reminders":
            continue
        outputs = (run.get("summary") or {}).get("outputs") or []
        files = [Path(p) for p in outputs if Path(p).name.startswith("超期信访事项清单") and Path(p).is_file()]
        if files:
            return files
    return []


def _engine(app: Any) -> Any:
    from petitionbot.console import actions

    return actions.deadline_engine(app)


def outbox(app: Any) -> list[dict[str, Any]]:
    rows = console_ops.outbox_rows(app.store)
    stuck_after = app.settings.reminders.stuck_after
    for r in rows:
        if r["status"] == "sent":
            r["state"], r["state_zh"] = "sent", "已发送"
        elif r["attempts"]:
            r["state"] = "failed"
            r["state_zh"] = "多次失败（滞留）" if r["attempts"] >= stuck_after else f"发送失败 {r['attempts']} 次，待重试"
        else:
            r["state"], r["state_zh"] = "queued", "待发送"
    return rows


def retry_message(app: Any, message_id: int, now: Any) -> bool:
    return console_ops.retry_now(app.store, message_id, now)


# -- 分析 ---------------------------------------------------------------------------------------

@dataclass
class AnalysisView:
    suspected: list[dict[str, Any]]
    confident: list[dict[str, Any]]  # the newest 重件 no clerk has answered, for a glance at the two texts
    supervise: list[dict[str, Any]]
    suggestions: list[dict[str, Any]]
    alerts: list[dict[str, Any]]
    trends: Any  # flows.analysis.trends.Trends for the month
    month: str
    reports: list[Path]


def analysis_view(app: Any, today: date, *, suggestions_limit: int = 30, confident_limit: int = 30) -> AnalysisView:
    from flows.analysis import repeats, trends
    from flows.analysis.taxonomy import load as load_taxonomy

    settings = app.settings.analysis
    base = app.settings.source.parent if app.settings.source else None
    tax = load_taxonomy(settings.taxonomy_path(base))
    petitions = {p.ref: p for p in app.store.petitions() if p.upstream_state != "withdrawn"}
    found = app.store.analysis_rows()
    decided = app.store.repeat_decisions()
    answers = app.store.alert_answers()

    def answered(p: Petition) -> str:
        return str(p.clerk.get("repeat_confirmed") or "")

    def pair_of(p: Petition, row: dict[str, Any]) -> list[Petition]:  # whose people the reasons name
        return [p, *([q] if (q := petitions.get(row["repeat_matched"])) else [])]

    suspected, confident, supervise, suggestions = [], [], [], []
    for ref, row in sorted(found.items(), key=lambda kv: kv[0], reverse=True):
        p = petitions.get(ref)
        if p is None:
            continue
        pair = frozenset((ref, row["repeat_matched"]))
        if row["repeat_tier"] == repeats.SUSPECTED:
            suspected.append({"ref": ref, "title": p.title, "matched": row["repeat_matched"], "why": row["repeat_why"],
                              "answer": answered(p) or {"confirm": "是重件", "reject": "不是重件"}.get(decided.get(pair, ""), ""),
                              "petitions": pair_of(p, row)})
        elif (row["repeat_tier"] == repeats.CONFIDENT and not answered(p) and pair not in decided
              and len(confident) < confident_limit):
            confident.append({"ref": ref, "title": p.title, "matched": row["repeat_matched"], "why": row["repeat_why"],
                              "petitions": pair_of(p, row)})
        if row["supervise"]:
            supervise.append({"ref": ref, "title": p.title, "repeat_of": row["repeat_of"], "why": row["supervise_why"],
                              "unit": p.responsible_unit or "待分派"})
        confirmed = str(p.clerk.get("category_confirmed") or "")
        if (row["category_suggested"] and not confirmed and not tax.canonical(p.category)
                and len(suggestions) < suggestions_limit):
            suggestions.append({"ref": ref, "title": p.title, "category": row["category_suggested"],
                                "confidence": row["category_confidence"], "why": row["category_why"]})
    alerts = []
    for a in app.store.analysis_alerts():
        alerts.append({**a, "answer": answers.get(a["id"])})

    def category_of(p: Petition) -> str:
        known = tax.canonical(str(p.clerk.get("category_confirmed") or "")) or tax.canonical(p.category)
        return known or found.get(p.ref, {}).get("category_suggested", "") or "未分类"

    month = f"{today:%Y-%m}"
    basis = app.settings.ledger.year_by  # counted by the same date as the ledger and the monthly report
    t = trends.compute(list(petitions.values()), month, settings, category_of,
                       date_of=lambda p: getattr(p, basis), through_day=today.day)
    return AnalysisView(suspected, confident, supervise, suggestions, alerts, t, month, latest_reports(app))


def latest_reports(app: Any) -> list[Path]:
    for run in app.store.runs(limit=100):
        if run["flow"] not in ("report", "analysis-report"):
            continue
        outputs = (run.get("summary") or {}).get("outputs") or []
        files = [Path(p) for p in outputs if Path(p).suffix in (".docx", ".xlsx", ".pdf") and Path(p).is_file()]
        if files:
            return files
    return []


def answer_alert(app: Any, alert_id: str, answer: str, *, reason: str, username: str, at: Any) -> None:
    app.store.answer_alert(alert_id, answer, reason=reason, username=username, at=at)


# -- 体检 ---------------------------------------------------------------------------------------

def doctor_checks(app: Any, today: date) -> list[Any]:
    """``petitionbot doctor``'s checks on the console's own config (the browser is launched too)."""
    from petitionbot import doctor

    source = str(app.settings.source) if app.settings.source else None
    return doctor.run_checks(source, today=today, launch_browser=True)
