"""Everything the hotline simulator remembers: work orders, sessions, knobs, counters.

Like the district simulator's state (and reusing its generic pieces: the dataset's units and
users, how a stored value prints, scheduled admin actions), but for 工单: one lock, nothing
validated, so the robot and the flows meet whatever a real platform's database holds.
"""

from __future__ import annotations

import copy
import json
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from petitionbot.sim import dataset as ds
from petitionbot.sim.state import Schedule

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
class Session:
    token: str
    last_seen: float
    username: str = ""
    unit: str = ""


@dataclass
class HotlineState:
    initial: dict[str, Any]
    idle_minutes: float = 30
    lockout_after: int = 5  # wrong 口令 in a row before the 工号 is locked
    page_size: int = 10  # rows per list page until a knob changes it
    seed: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.initial = load(self.initial)
        self._base_settings = (self.idle_minutes, self.lockout_after)
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        with self.lock:
            if dataset is not None:
                self.initial = load(dataset)
            self.idle_minutes, self.lockout_after = self._base_settings
            self.data = copy.deepcopy(self.initial)
            self.orders: list[dict[str, Any]] = self.data["orders"]
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

    # -- sessions --------------------------------------------------------------------------
    def new_session(self) -> Session:
        with self.lock:
            s = Session(token=secrets.token_hex(16), last_seen=time.monotonic())
            self.sessions[s.token] = s
            return s

    def session(self, token: str | None) -> Session | None:
        """The live session for a cookie value, touching it; None when unknown or idle too long."""
        if not token:
            return None
        with self.lock:
            s = self.sessions.get(token)
            if s is None:
                return None
            now = time.monotonic()
            if now - s.last_seen > self.idle_minutes * 60:
                del self.sessions[token]
                return None
            s.last_seen = now
            return s

    def expire_sessions(self) -> int:
        with self.lock:
            n = len(self.sessions)
            self.sessions.clear()
            return n

    def password_of(self, username: str) -> str | None:
        user = self.users.get(username)
        return user[0] if user else None

    def locked(self, username: str) -> bool:
        with self.lock:
            return self.failed_in_a_row[username] >= self.lockout_after

    def authenticate(self, username: str, ok: bool) -> Session | None:
        """Record one attempt (``ok``: the 口令 matched); a fresh session when it counts."""
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
    def find(self, ref: str) -> dict[str, Any] | None:
        with self.lock:
            return next((o for o in self.orders if ds.text(o.get("ref")) == ref), None)

    def query(self, unit: str, tab: str, *, page: int, size: int) -> tuple[int, list[dict[str, Any]]]:
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

    def add(self, orders: list[dict[str, Any]]) -> int:
        with self.lock:
            fresh = [copy.deepcopy(o) for o in orders if isinstance(o, dict)]
            self.orders.extend(fresh)
            return len(fresh)

    def update(self, ref: str, changes: dict[str, Any]) -> bool:
        with self.lock:
            o = self.find(ref)
            if o is None:
                return False
            o.update(copy.deepcopy(changes))
            return True

    def withdraw(self, ref: str) -> bool:
        """撤单: the platform takes the order back; it is gone (404) from then on."""
        with self.lock:
            o = self.find(ref)
            if o is None:
                return False
            self.orders.remove(o)
            return True

    # -- counters and schedules ------------------------------------------------------------
    def count(self, name: str) -> list[dict[str, Any]]:
        """Bump a counter; return the scheduled actions now due (the caller runs them)."""
        with self.lock:
            self.counters[name] += 1
            due = [s for s in self.schedules if s.counter == name and s.at == self.counters[name]]
            for s in due:
                self.schedules.remove(s)
            return [s.action for s in due]

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
