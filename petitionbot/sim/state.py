"""Everything the simulator remembers: petitions, sessions, knobs, counters.

One lock guards it all; the server is threaded and requests are small, so contention is
not a concern at the scale of tests and benchmarks.
"""

from __future__ import annotations

import copy
import random
import secrets
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from petitionbot.sim import dataset as ds

DEFAULT_KNOBS: dict[str, Any] = {
    "latency_ms": 0,  # added to every non-admin request
    "error_rate": 0.0,  # share of requests answered 500, drawn from the seeded RNG
    "error_every": 0,  # every Nth request answered 500 (deterministic, 0 = off)
    "rate_limit_every": 0,  # every Nth request answered 429
    "rate_limit_share": 0.0,  # share of requests answered 429
    "retry_after": 1,  # seconds, sent with 429
    "stall_seconds": 0.0,  # a stalled request hangs this long before answering
    "stall_count": 0,  # how many of the next requests stall (-1 = all)
    "layout": "v1",  # v1 | v2 | broken (detail labels renamed: the robot must stop)
    "down": "",  # "" | "503" | "close" (connection closed without an answer)
    "fault_paths": [],  # path prefixes the faults apply to; empty = every page
    "error_count": 0,  # how many of the next requests answer 500 (-1 = all), e.g. the menu page once
    "broken_attachments": [],  # refs whose attachment downloads always answer 500 (one bad file)
}


@dataclass
class Session:
    token: str
    csrf: str
    last_seen: float
    username: str = ""
    unit: str = ""
    captcha: str = ""

    @property
    def authenticated(self) -> bool:
        return bool(self.username)


@dataclass
class Schedule:
    """An admin action fired when a request counter reaches ``at`` (e.g. mid-paging)."""

    counter: str
    at: int
    action: dict[str, Any]


@dataclass
class SimState:
    initial: dict[str, Any]
    idle_minutes: float = 30
    captcha: bool = False
    seed: int = 0
    lock: threading.RLock = field(default_factory=threading.RLock)

    def __post_init__(self) -> None:
        self.initial = ds.load(self.initial)
        self._base_settings = (self.idle_minutes, self.captcha)
        self.reset()

    # -- lifecycle -------------------------------------------------------------------------
    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        with self.lock:
            if dataset is not None:
                self.initial = ds.load(dataset)
            self.idle_minutes, self.captcha = self._base_settings
            self.data = copy.deepcopy(self.initial)
            self.petitions: list[dict[str, Any]] = self.data["petitions"]
            self.users = ds.users_of(self.data)
            self.units = ds.unit_names(self.data)
            self.sessions: dict[str, Session] = {}
            self.knobs: dict[str, Any] = copy.deepcopy(DEFAULT_KNOBS)
            self.counters: Counter[str] = Counter()
            self.login_attempts: Counter[str] = Counter()
            self.signed: list[str] = []
            self.schedules: list[Schedule] = []
            self.rng = random.Random(self.seed)
            self.last_captcha = ""

    # -- sessions --------------------------------------------------------------------------
    def new_session(self) -> Session:
        with self.lock:
            s = Session(token=secrets.token_hex(16), csrf=secrets.token_hex(12), last_seen=time.monotonic())
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

    def new_captcha(self, s: Session) -> str:
        with self.lock:
            s.captcha = "".join(self.rng.choice("23456789") for _ in range(4))
            self.last_captcha = s.captcha
            return s.captcha

    def authenticate(self, s: Session, username: str, password: str) -> Session | None:
        """A fresh authenticated session (the old one is dropped: no session fixation)."""
        with self.lock:
            self.login_attempts[username] += 1
            user = self.users.get(username)
            if user is None or user[0] != password:
                return None
            self.sessions.pop(s.token, None)
            fresh = self.new_session()
            fresh.username, fresh.unit = username, user[1]
            return fresh

    # -- petitions -------------------------------------------------------------------------
    def find(self, ref: str) -> dict[str, Any] | None:
        with self.lock:
            for p in self.petitions:
                if ds.text(p.get("ref")) == ref:
                    return p
            return None

    def index_of(self, ref: str) -> int:
        with self.lock:
            for i, p in enumerate(self.petitions):
                if ds.text(p.get("ref")) == ref:
                    return i
            return -1

    def query(self, unit: str, which: str, *, page: int, size: int, sort: str, order: str) -> tuple[int, list[dict]]:
        with self.lock:
            rows = [p for p in self.petitions if ds.text(p.get("assigned_to")) == unit and ds.list_of(p) == which]
            if sort in ("assigned_on", "due_on", "received_on"):
                # Missing or unparseable dates sort last, as the string compare puts "" first otherwise.
                present = [p for p in rows if ds.text(p.get(sort))]
                absent = [p for p in rows if not ds.text(p.get(sort))]
                present.sort(key=lambda p: ds.text(p.get(sort)), reverse=(order == "desc"))
                rows = present + absent
            total = len(rows)
            start = (max(page, 1) - 1) * size
            return total, [copy.deepcopy(p) for p in rows[start : start + size]]

    def sign(self, ref: str) -> bool:
        """True if signed now, False if it was not waiting for 签收."""
        with self.lock:
            p = self.find(ref)
            if p is None or ds.text(p.get("status")) != ds.SIGN_STATUS:
                return False
            p["status"] = ds.SIGNED_STATUS
            self.signed.append(ref)
            return True

    def add(self, petitions: list[dict[str, Any]]) -> int:
        with self.lock:
            self.petitions.extend(copy.deepcopy(p) for p in petitions if isinstance(p, dict))
            return len(petitions)

    def update(self, ref: str, changes: dict[str, Any]) -> bool:
        with self.lock:
            p = self.find(ref)
            if p is None:
                return False
            p.update(copy.deepcopy(changes))
            return True

    def withdraw(self, ref: str) -> bool:
        with self.lock:
            i = self.index_of(ref)
            if i < 0:
                return False
            del self.petitions[i]
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

    def snapshot(self) -> dict[str, Any]:
        with self.lock:
            return {
                "layout": self.knobs["layout"],
                "knobs": copy.deepcopy(self.knobs),
                "counters": dict(self.counters),
                "login_attempts": dict(self.login_attempts),
                "signed": list(self.signed),
                "captcha": self.captcha,
                "captcha_answer": self.last_captcha,
                "sessions": sum(1 for s in self.sessions.values() if s.authenticated),
                "petitions": len(self.petitions),
                "statuses": {ds.text(p.get("ref")): ds.text(p.get("status")) for p in self.petitions},
            }
