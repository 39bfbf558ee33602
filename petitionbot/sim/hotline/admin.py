"""The hotline simulator's admin API under /_admin/ (loopback only, ``X-Admin-Token``)::

    GET    /_admin/state              accepted/returned refs, counters, login attempts, statuses
    POST   /_admin/reset              {"dataset": {...}} optional: back to the initial state
    GET    /_admin/knobs              current knobs
    POST   /_admin/knobs              {"latency_ms": 30, "faults": [...], "page_size": 5, ...};
                                      also the settings idle_minutes, lockout_after
    POST   /_admin/expire_sessions    every session ends now
    POST   /_admin/orders             {"orders": [...]} (or one order object): add
    GET    /_admin/orders/<ref>       the stored order
    PATCH  /_admin/orders/<ref>       {"assigned_to": "CQ-JD", "due_at": ..., "status": ...}: change
    DELETE /_admin/orders/<ref>       撤单 (withdraw): the order is gone, 404 from then on
    POST   /_admin/schedule           {"counter": "list_page", "at": 3, "action": {"op": ...}}

``faults`` entries (``{"path": "/gdpt/gd/list", "ref": "...", "status": 500, "times": 1}``) are
the hotline's targeted knobs: a status once, n times or always (-1) on one page or one order's
page (``ref`` matches the ``gdbh`` query parameter, so a detail or one attachment).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote, unquote

from petitionbot.sim import admin as district_admin
from petitionbot.sim.admin import AdminError
from petitionbot.sim.admin_client import AdminClient
from petitionbot.sim.hotline.state import DEFAULT_KNOBS, HotlineState

SETTINGS = {"idle_minutes": float, "lockout_after": int}
FAULT_STATUSES = (404, 429, 500, 502, 503)
# Answered by the district simulator's admin handler: they touch only what both states share.
GENERIC_ROUTES = frozenset({"state", "reset", "expire_sessions", "schedule"})


def set_knobs(state: HotlineState, knobs: dict[str, Any]) -> dict[str, Any]:
    unknown = set(knobs) - set(DEFAULT_KNOBS) - set(SETTINGS)
    if unknown:
        raise AdminError(400, f"未知的参数：{', '.join(sorted(unknown))}")
    if "layout" in knobs and knobs["layout"] not in ("normal", "broken"):
        raise AdminError(400, "layout 只能是 normal 或 broken")
    if "down" in knobs and knobs["down"] not in ("", None, False, "503", "close"):
        raise AdminError(400, "down 只能是 ''、'503' 或 'close'")
    for f in knobs.get("faults") or []:
        if not isinstance(f, dict) or not str(f.get("path", "")).startswith("/") \
                or int(f.get("status", 500)) not in FAULT_STATUSES:
            raise AdminError(400, f"faults 条目需要以 / 开头的 path 和 {FAULT_STATUSES} 之一的 status：{f!r}")
    with state.lock:
        for key, value in knobs.items():
            if key in SETTINGS:
                setattr(state, key, SETTINGS[key](value))
            else:
                state.knobs[key] = (value or "") if key == "down" else value
        return dict(state.knobs)


def run_action(state: HotlineState, action: dict[str, Any]) -> Any:
    """A scheduled action: reassign, add (``orders``), knobs here; expire_sessions, withdraw
    and update as the district simulator runs them."""
    op = action.get("op")
    if op == "reassign":
        return state.update(str(action["ref"]), {"assigned_to": str(action.get("to", "CQ-JD"))})
    if op == "add":
        return state.add(list(action.get("orders") or []))
    if op == "knobs":
        return set_knobs(state, dict(action.get("knobs") or {}))
    return district_admin.run_action(state, action)


def handle(state: HotlineState, method: str, path: str, body: Any) -> tuple[int, Any]:
    parts = [unquote(p) for p in path.split("/")[2:]]  # after "/_admin/"
    head = parts[0] if parts else ""
    if head in GENERIC_ROUTES:
        return district_admin.handle(state, method, path, body)
    if head == "knobs":
        return 200, dict(state.knobs) if method == "GET" else set_knobs(state, body or {})
    if head == "orders":
        if len(parts) == 1 and method == "POST":
            items = body.get("orders", [body]) if isinstance(body, dict) else list(body or [])
            return 200, {"added": state.add(items)}
        if len(parts) == 2:
            ref = parts[1]
            if method == "GET":
                o = state.find(ref)
                return (200, o) if o is not None else (404, {"error": "没有这个工单"})
            if method == "PATCH":
                return (200, {"ok": True}) if state.update(ref, body or {}) else (404, {"error": "没有这个工单"})
            if method == "DELETE":
                return (200, {"ok": True}) if state.withdraw(ref) else (404, {"error": "没有这个工单"})
    raise AdminError(404, f"没有这个管理接口：{method} {path}")


class HotlineAdmin(AdminClient):
    """The district's admin client (transport, token, state, knobs, sessions, schedule) with the
    hotline's order routes. ``withdraw`` and ``reassign`` keep the names a shared robot contract
    suite can call on any site's simulator."""

    def add_orders(self, *orders: dict[str, Any]) -> int:
        return self.call("POST", "orders", {"orders": list(orders)})["added"]

    def order(self, ref: str) -> dict[str, Any]:
        return self.call("GET", f"orders/{quote(ref, safe='')}")

    def update_order(self, ref: str, **changes: Any) -> None:
        self.call("PATCH", f"orders/{quote(ref, safe='')}", changes)

    def reassign(self, ref: str, to: str = "CQ-JD") -> None:
        """改派: the order now belongs to another unit (403 for us from then on)."""
        self.update_order(ref, assigned_to=to)

    def withdraw(self, ref: str) -> None:
        self.call("DELETE", f"orders/{quote(ref, safe='')}")

    def fail(self, path: str, *, status: int = 500, times: int = 1, ref: str = "", retry_after: int = 1) -> None:
        """Add one targeted fault (``times`` -1 = always) to those already set."""
        current = list(self.knobs().get("faults") or [])
        current.append({"path": path, "status": status, "times": times, "ref": ref, "retry_after": retry_after})
        self.set_knobs(faults=current)
