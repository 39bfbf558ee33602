"""今日: what came in since last night, what is due and overdue by unit, alerts, the flows' last runs."""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from core.model import FLOW_ZH, RUN_STATUS_ZH
from petitionbot.console import actions, index
from petitionbot.console.views import run_reason, shown_title
from petitionbot.console.web import VIEW, NavItem, console_of, guard, page

_NEXT_RUNS_TTL = 60.0  # seconds: the schedule's next fire times change at most once a minute
_next_cache: dict[str, Any] = {"at": 0.0, "minute": "", "rows": []}
_next_lock = threading.Lock()


@guard(VIEW)
def today(request: Request) -> Response:
    console = console_of(request)
    app = console.app
    engine = actions.deadline_engine(app)
    index.refresh(console.cstore, app.settings.deadlines, engine=engine)
    now = console.clock.now()
    day = now.date()
    since = index.new_since(now, console.settings.new_since_hour)
    board = console.cstore.dashboard(today=day.isoformat(),
                                     due_soon_until=index.due_soon_until(engine, day).isoformat(),
                                     since=since.isoformat(timespec="seconds"))
    user = request.state.user
    for row in board["new"]:
        row["title"] = shown_title(row["title"], user)
    runs = []
    for r in console.cstore.last_runs():
        runs.append({"flow": r["flow"], "flow_zh": FLOW_ZH.get(r["flow"], r["flow"]), "status": r["status"],
                     "status_zh": RUN_STATUS_ZH.get(r["status"], r["status"]), "ok": r["status"] == "ok",
                     "started": _when(r["started"]), "reason": run_reason(r)})
    totals = {"overdue": sum(int(u["overdue"] or 0) for u in board["by_unit"]),
              "due_soon": sum(int(u["due_soon"] or 0) for u in board["by_unit"])}
    return page(request, "today.html", title="今日", board=board, runs=runs, totals=totals,
                next_runs=_next_runs(app, now), since=since, day=day)


def _when(iso: str | None) -> str:
    try:
        t = datetime.fromisoformat(iso or "")
    except ValueError:
        return iso or ""
    return f"{t.month}月{t.day}日 {t:%H:%M}"


def _next_runs(app: Any, now: datetime) -> list[dict[str, Any]]:
    minute = now.strftime("%Y-%m-%d %H:%M")
    with _next_lock:
        if _next_cache["minute"] == minute and time.monotonic() - _next_cache["at"] < _NEXT_RUNS_TTL:
            return _next_cache["rows"]
        rows = []
        for spec, times in actions.next_scheduled(app, now, count=1):
            rows.append({"id": spec.id, "title": spec.name or spec.id, "enabled": spec.enabled,
                         "when": _when(times[0].isoformat()) if times else "",
                         "flows": "、".join(FLOW_ZH.get(f, f) for f in (spec.flows or [spec.flow]))})
        _next_cache.update(at=time.monotonic(), minute=minute, rows=rows)
        return rows


ROUTES = [Route("/", today)]
NAV = [NavItem("今日", "/", VIEW, order=10)]
