"""The admin API under /_admin/: how tests and the demo steer the simulator.

Loopback only and behind the ``X-Admin-Token`` header. Routes::

    GET    /_admin/state                 signed refs, counters, login attempts, captcha answer...
    POST   /_admin/reset                 {"dataset": {...}} optional: back to the initial state
    GET    /_admin/knobs                 current fault knobs
    POST   /_admin/knobs                 {"latency_ms": 30, "layout": "v2", ...}; also captcha, idle_minutes
    POST   /_admin/expire_sessions       every session ends now
    POST   /_admin/petitions             {"petitions": [...]} (or one petition object): add
    GET    /_admin/petitions/<ref>       the stored record
    PATCH  /_admin/petitions/<ref>       {"due_on": ..., "status": ..., "assigned_to": ...}: change
    DELETE /_admin/petitions/<ref>       withdraw
    POST   /_admin/schedule              {"counter": "list_api", "at": 3, "action": {"op": ...}}
"""

from __future__ import annotations

from typing import Any
from urllib.parse import unquote

from petitionbot.sim.state import DEFAULT_KNOBS, Schedule, SimState

SETTINGS = {"captcha": bool, "idle_minutes": float}


class AdminError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def set_knobs(state: SimState, knobs: dict[str, Any]) -> dict[str, Any]:
    unknown = set(knobs) - set(DEFAULT_KNOBS) - set(SETTINGS)
    if unknown:
        raise AdminError(400, f"未知的参数：{', '.join(sorted(unknown))}")
    if "layout" in knobs and knobs["layout"] not in ("v1", "v2", "broken"):
        raise AdminError(400, "layout 只能是 v1、v2 或 broken")
    if "down" in knobs and knobs["down"] not in ("", None, False, "503", "close"):
        raise AdminError(400, "down 只能是 ''、'503' 或 'close'")
    with state.lock:
        for key, value in knobs.items():
            if key in SETTINGS:
                setattr(state, key, SETTINGS[key](value))
            else:
                state.knobs[key] = (value or "") if key == "down" else value
        return dict(state.knobs)


def run_action(state: SimState, action: dict[str, Any]) -> Any:
    op = action.get("op")
    if op == "expire_sessions":
        return state.expire_sessions()
    if op == "withdraw":
        return state.withdraw(str(action["ref"]))
    if op == "update":
        return state.update(str(action["ref"]), dict(action.get("changes") or {}))
    if op == "add":
        return state.add(list(action.get("petitions") or []))
    if op == "knobs":
        return set_knobs(state, dict(action.get("knobs") or {}))
    raise AdminError(400, f"未知的操作：{op}")


def handle(state: SimState, method: str, path: str, body: Any) -> tuple[int, Any]:
    parts = [unquote(p) for p in path.split("/")[2:]]  # after "/_admin/"
    head = parts[0] if parts else ""
    if (method, head) == ("GET", "state"):
        return 200, state.snapshot()
    if (method, head) == ("POST", "reset"):
        state.reset((body or {}).get("dataset"))
        return 200, {"ok": True}
    if head == "knobs":
        if method == "GET":
            return 200, dict(state.knobs)
        return 200, set_knobs(state, body or {})
    if (method, head) == ("POST", "expire_sessions"):
        return 200, {"expired": state.expire_sessions()}
    if (method, head) == ("POST", "schedule"):
        sched = Schedule(counter=str(body["counter"]), at=int(body["at"]), action=dict(body["action"]))
        with state.lock:
            state.schedules.append(sched)
        return 200, {"ok": True}
    if head == "petitions":
        if len(parts) == 1 and method == "POST":
            items = body.get("petitions", [body]) if isinstance(body, dict) else list(body or [])
            return 200, {"added": state.add(items)}
        if len(parts) == 2:
            ref = parts[1]
            if method == "GET":
                p = state.find(ref)
                return (200, p) if p is not None else (404, {"error": "没有这个信访件"})
            if method == "PATCH":
                return (200, {"ok": True}) if state.update(ref, body or {}) else (404, {"error": "没有这个信访件"})
            if method == "DELETE":
                return (200, {"ok": True}) if state.withdraw(ref) else (404, {"error": "没有这个信访件"})
    raise AdminError(404, f"没有这个管理接口：{method} {path}")
