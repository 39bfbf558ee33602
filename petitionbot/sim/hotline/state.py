"""Everything the hotline simulator remembers: work orders, sessions, knobs, counters.

The district simulator's state, inherited for what is generic (sessions, idle expiry,
records, counters, scheduled actions, one lock), with the hotline's tabs, 接单/退单, login
lockout and targeted faults. Nothing is validated, so the robot and the flows meet whatever
a real platform's database holds.
"""

from __future__ import annotations

import copy
import json
import random
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petitionbot.sim import dataset as ds
from petitionbot.sim.state import Schedule, Session, SimState

ACCEPT_FROM = "待接单"
ACCEPTED = "处理中"  # what 接单 sets
RETURNED = "退单"  # what 退单 sets: the order goes back to the platform, in no tab of ours
CLOSED = frozenset({"已办结待回访", "已回访"})
TABS = ("djd", "clz", "ybj")  # 待接单, 处理中, 已办结
TAB_TITLES = {"djd": "待接单", "clz": "处理中", "ybj": "已办结"}

DEFAULT_KNOBS: dict[str, Any] = {
    # The district simulator's generic knobs, decided by its faults.decide (same meaning):
    "latency_ms": 0,
    "error_rate": 0.0,
    "error_every": 0,
    "error_count": 0,  # the next n requests answer 500 (-1 = all)
    "rate_limit_every": 0,
    "rate_limit_share": 0.0,
    "retry_after": 1,
    "stall_seconds": 0.0,
    "stall_count": 0,
    "down": "",
    "fault_paths": [],
    # The hotline's own:
    "page_size": 10,  # rows per list page (the platform offers no page-size control)
    # Targeted faults: [{"path": prefix, "ref": optional 工单编号, "status": 500 | 429 | 503 | 404,
    #                    "times": n (-1 = always), "retry_after": s}]
    "faults": [],
    "layout": "normal",  # normal | broken (detail labels renamed: the robot must stop)
}


@dataclass
class HotlineState(SimState):
    """The district simulator's state (sessions, records, counters, schedules) holding work
    orders: its record methods (find, add, update, withdraw) work on ``petitions``, which
    here is the same list as ``orders``."""

    lockout_after: int = 5  # wrong 口令 in a row before the 工号 is locked
    page_size: int = 10  # rows per list page until a knob changes it

    def __post_init__(self) -> None:
        self.initial = load(self.initial)
        self._base_settings = (self.idle_minutes, self.lockout_after)
        self.reset()

    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        with self.lock:
            if dataset is not None:
                self.initial = load(dataset)
            self.idle_minutes, self.lockout_after = self._base_settings
            self.data = copy.deepcopy(self.initial)
            self.orders: list[dict[str, Any]] = self.data["orders"]
            self.petitions = self.orders
            self.users = ds.users_of(self.data)
            self.units = ds.unit_names(self.data)
            self.sessions: dict[str, Session] = {}
            self.knobs: dict[str, Any] = {**copy.deepcopy(DEFAULT_KNOBS), "page_size": self.page_size}
            self.counters: Counter[str] = Counter()
            self.login_attempts: Counter[str] = Counter()
            self.failed_in_a_row: Counter[str] = Counter()
            self.accepted: list[str] = []
            self.returned: list[str] = []
            self.schedules: list[Schedule] = []
            self.rng = random.Random(self.seed)

    # -- login -----------------------------------------------------------------------------
    def password_of(self, username: str) -> str | None:
        user = self.users.get(username)
        return user[0] if user else None

    def locked(self, username: str) -> bool:
        with self.lock:
            return self.failed_in_a_row[username] >= self.lockout_after

    def attempt(self, username: str, ok: bool) -> Session | None:
        """Record one login attempt (``ok``: the 口令 matched); a fresh session when it counts."""
        with self.lock:
            self.login_attempts[username] += 1
            if not ok or username not in self.users or self.locked(username):
                self.failed_in_a_row[username] += 1
                return None
            self.failed_in_a_row[username] = 0
            s = self.new_session()
            s.username, s.unit = username, self.users[username][1]
            return s

    # -- orders ----------------------------------------------------------------------------
    def tab_rows(self, unit: str, tab: str, *, page: int, size: int) -> tuple[int, list[dict[str, Any]]]:
        """(total, the page's rows) of one tab, newest dispatch first, as the platform sorts."""
        with self.lock:
            rows = [o for o in self.orders if ds.text(o.get("assigned_to")) == unit and tab_of(o) == tab]
            rows.sort(key=lambda o: ds.text(o.get("dispatched_at")), reverse=True)
            start = (max(page, 1) - 1) * size
            return len(rows), [copy.deepcopy(o) for o in rows[start : start + size]]

    def accept(self, ref: str) -> bool:
        """True if accepted now, False if the order was not waiting for 接单."""
        with self.lock:
            o = self.find(ref)
            if o is None or ds.text(o.get("status")) != ACCEPT_FROM:
                return False
            o["status"] = ACCEPTED
            self.accepted.append(ref)
            return True

    def send_back(self, ref: str, reason: str) -> bool:
        with self.lock:
            o = self.find(ref)
            if o is None or ds.text(o.get("status")) != ACCEPT_FROM:
                return False
            o["status"], o["return_reason"] = RETURNED, reason
            self.returned.append(ref)
            return True

    def targeted_fault(self, path: str, ref: str) -> dict[str, Any] | None:
        """The first ``faults`` entry matching this request, used up once when it is counted."""
        with self.lock:
            for f in self.knobs.get("faults") or []:
                if not path.startswith(str(f.get("path", ""))) or (f.get("ref") and f["ref"] != ref):
                    continue
                times = int(f.get("times", 1))
                if times == 0:
                    continue
                if times > 0:
                    f["times"] = times - 1
                self.counters[f"http_{int(f.get('status', 500))}"] += 1
                return dict(f)
            return None

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "knobs": copy.deepcopy(self.knobs),
                "counters": dict(self.counters),
                "login_attempts": dict(self.login_attempts),
                "accepted": list(self.accepted),
                "returned": list(self.returned),
                "sessions": sum(1 for s in self.sessions.values() if s.username),
                "orders": len(self.orders),
                "statuses": {ds.text(o.get("ref")): ds.text(o.get("status")) for o in self.orders},
            }


def load(dataset: dict[str, Any] | str | Path) -> dict[str, Any]:
    """The dataset as given (only its top-level shape is checked, as in the district simulator)."""
    if isinstance(dataset, (str, Path)):
        dataset = json.loads(Path(dataset).read_text(encoding="utf-8"))
    if not isinstance(dataset, dict):
        raise ValueError("数据集必须是 JSON 对象")
    data = copy.deepcopy(dataset)
    if not isinstance(data.get("units"), list) or not isinstance(data.get("orders"), list):
        raise ValueError("工单数据集需要 units 和 orders 两个列表")
    data["orders"] = [o for o in data["orders"] if isinstance(o, dict)]
    return data


def tab_of(order: dict[str, Any]) -> str | None:
    """Which tab shows an order: 待接单 (djd), 处理中 (clz, also any unknown status), 已办结
    (ybj), or none for a 退单 order (it is the platform's again)."""
    status = ds.text(order.get("status"))
    if status == ACCEPT_FROM:
        return "djd"
    if status in CLOSED:
        return "ybj"
    if status == RETURNED:
        return None
    return "clz"
