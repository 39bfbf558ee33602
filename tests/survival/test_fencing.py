"""Fencing: a run frozen for longer than ``lock_stale_seconds`` whose lock another run took over
does nothing more when it wakes up: no send, no write, no upstream action.

The freeze is a controlled pause (no sleeping): run A's injected clock stops it between two sends
once the real SMTP server on loopback has received 7 of the 31 reminders; its run-lock clock
stands still, as a frozen process's heartbeat does. Run B, whose lock clock is an hour later,
takes the lock over and sends what is due. Then A is resumed. Before fencing, A went on sending:
24 of 31 reminders reached the units twice.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections import Counter
from contextlib import closing
from datetime import date, datetime

import pytest

from core.clock import FixedClock
from core.errors import LockLost
from petitionbot import config, wiring
from petitionbot.app import App
from petitionbot.lock import RunLock
from tests.crash import test_crash_reminders
from tests.crash.conftest import Office, petition
from tests.crash.test_crash_reminders import Counting

smtp = test_crash_reminders.smtp  # fixture: an SMTP server on loopback counting Message-IDs
UNITS = [f"第{n:02d}网格" for n in range(1, 32)]  # 31 units, one overdue item each: 31 reminders
T0 = 1_800_000_000.0
NOW = datetime(2026, 11, 27, 9, 30)  # a Friday, office hours


def _count(handler: Counting) -> int:
    with handler.lock:
        return len(handler.ids)


class FrozenAfter(FixedClock):
    """Run A's clock: the first time it is read once ``frozen()`` holds, it stops the run there
    until the test resumes it (a process stopped between two steps, for as long as we like)."""

    def __init__(self, at: datetime, frozen):
        super().__init__(at)
        self._frozen = frozen
        self.paused = threading.Event()
        self.resume = threading.Event()

    def now(self) -> datetime:
        if not self.paused.is_set() and self._frozen():
            self.paused.set()
            assert self.resume.wait(60), "the test never resumed the frozen run"
        return super().now()


def _start_frozen_run(app: App) -> tuple[threading.Thread, dict[str, object]]:
    """Run A: the reminders flow in its own thread (named so the test's pauses know it)."""
    outcome: dict[str, object] = {}

    def run() -> None:
        try:
            outcome["result"] = wiring.run_reminders(app, now=True)
        except BaseException as exc:  # noqa: BLE001 - handed to the test thread
            outcome["error"] = exc

    thread = threading.Thread(target=run, name="frozen-run")
    thread.start()
    return thread, outcome


def _office(tmp_path, port: int) -> Office:
    units = "".join(f'[reminders.units."{u}"]\nemail = ["unit{i:02d}@example.gov.cn"]\n' for i, u in enumerate(UNITS))
    office = Office(tmp_path, f"""
[upstream]
url = "http://127.0.0.1:8765/"
username = "yhjd01"
[service]
lock_stale_seconds = 60
[reminders]
overdue_list = false
[reminders.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
username = ""
sender = "xfb@example.gov.cn"
timeout_seconds = 10
{units}""")
    # Accepted in early October: due (30 days) in early November, overdue on 2026-11-27.
    office.insert(*(petition(n, unit=u, accepted=f"2026-10-{1 + n % 9:02d}") for n, u in enumerate(UNITS)))
    return office


def _outbox(office: Office) -> list[tuple[str, str, int | None]]:
    with closing(sqlite3.connect(office.workdir / "petitionbot.db")) as con:
        return con.execute("SELECT key, status, generation FROM outbox ORDER BY id").fetchall()


def _runs(office: Office) -> dict[str, tuple[str, dict]]:
    with closing(sqlite3.connect(office.workdir / "petitionbot.db")) as con:
        rows = con.execute("SELECT id, status, summary FROM runs").fetchall()
    return {r[0]: (r[1], json.loads(r[2]) if r[2] else {}) for r in rows}


def test_a_frozen_run_whose_lock_was_taken_over_sends_nothing_more(tmp_path, smtp):
    handler, port = smtp, smtp.port
    office = _office(tmp_path, port)
    settings = config.load(office.cfg)

    clock_a = FrozenAfter(NOW, frozen=lambda: _count(handler) >= 7)
    app_a = App(settings, clock=clock_a, lock_clock=lambda: T0)  # its heartbeat stands still
    thread, outcome = _start_frozen_run(app_a)
    try:
        assert clock_a.paused.wait(60), "run A never reached its 8th send"
        assert _count(handler) == 7

        # Run B, an hour later by the lock's clock: A's heartbeat is stale, its lock is taken over.
        app_b = App(settings, clock=FixedClock(NOW), lock_clock=lambda: T0 + 3600)
        run_b, result_b = wiring.run_reminders(app_b, now=True)
        assert run_b.status == "ok" and result_b.sent == 24 and result_b.queued == []
        assert _count(handler) == 31
    finally:
        clock_a.resume.set()
        thread.join(60)

    # A woke up, found its lock taken over and stopped before its next send.
    assert isinstance(outcome.get("error"), LockLost), outcome
    assert _count(handler) == 31
    assert sorted(Counter(handler.ids).values()) == [1] * 31  # every unit got its reminder exactly once

    runs = _runs(office)
    run_a_row = runs[app_a.last_run.id]
    assert run_a_row[0] == "failed"
    assert "运行锁已被另一次运行接管" in run_a_row[1]["message"] and "已立即停止" in run_a_row[1]["message"]
    summary = json.loads((app_a.last_run.folder / "summary.json").read_text(encoding="utf-8"))
    assert summary["status"] == "failed" and "运行锁已被另一次运行接管" in summary["message"]

    rows = _outbox(office)
    assert {status for _k, status, _g in rows} == {"sent"} and len(rows) == 31
    assert Counter(g for _k, _s, g in rows) == {app_a.last_run.generation: 7, run_b.generation: 24}
    assert run_b.generation > app_a.last_run.generation


def test_frozen_in_the_middle_of_a_send_only_that_one_message_goes_twice(tmp_path, smtp, monkeypatch):
    """Frozen after the server took message 7 but before the outbox marked it: B sends it again
    (the one message in flight, as after a crash: same Message-ID), and A, resumed, is refused
    its mark by the store and sends nothing more."""
    from flows.reminders.channels.email import EmailChannel

    handler, port = smtp, smtp.port
    office = _office(tmp_path, port)
    settings = config.load(office.cfg)
    paused, resume = threading.Event(), threading.Event()
    real_send = EmailChannel.send

    def send(self, message):
        real_send(self, message)
        if threading.current_thread().name == "frozen-run" and _count(handler) == 7 and not paused.is_set():
            paused.set()
            assert resume.wait(60)

    monkeypatch.setattr(EmailChannel, "send", send)
    app_a = App(settings, clock=FixedClock(NOW), lock_clock=lambda: T0)
    thread, outcome = _start_frozen_run(app_a)
    try:
        assert paused.wait(60)
        run_b, result_b = wiring.run_reminders(App(settings, clock=FixedClock(NOW), lock_clock=lambda: T0 + 3600), now=True)
        assert result_b.sent == 25  # 7 (in flight, not marked) to 31
        sent_before_resume = _count(handler)
    finally:
        resume.set()
        thread.join(60)
    assert isinstance(outcome.get("error"), LockLost), outcome
    assert _count(handler) == sent_before_resume == 32
    assert sorted(Counter(handler.ids).values()) == [1] * 30 + [2]


def test_the_store_refuses_every_write_of_an_overtaken_generation(tmp_path):
    office = Office(tmp_path)
    first, second = office.store(), office.store()
    try:
        old = first.begin_generation("a")
        new = second.begin_generation("b")
        assert new == old + 1
        with pytest.raises(LockLost):
            first.next_local_ref(2026)
        with pytest.raises(LockLost):
            first.check_generation()
        # The holder of the newest generation writes as usual, and the refused write left nothing.
        assert second.next_local_ref(2026) == "BD202600001"
        first.record_run("r-old", flow="intake", trigger="clerk", started="2026-11-27T09:00:00",
                         status="failed")  # a stopped run may still record why it stopped
        assert [r["status"] for r in second.runs() if r["id"] == "r-old"] == ["failed"]
    finally:
        first.close()
        second.close()


def test_the_heartbeat_notices_a_takeover_and_every_later_check_refuses(tmp_path):
    lock_path = tmp_path / "petitionbot.lock"
    t = [T0]
    frozen = RunLock(lock_path, stale_seconds=60, heartbeat_seconds=3600, now=lambda: T0)
    frozen.acquire(flow="reminders")
    frozen.stamp(1)
    frozen.check()  # still ours
    other = RunLock(lock_path, stale_seconds=60, now=lambda: t[0] + 61)
    other.acquire(flow="reminders", wait_seconds=0)
    try:
        assert json.loads(lock_path.read_text())["flow"] == "reminders"
        with pytest.raises(LockLost, match="运行锁已被另一次运行接管"):
            frozen.check()
        assert frozen.lost
        with pytest.raises(LockLost):
            frozen.stamp(2)
    finally:
        frozen.release()
        other.release()


def test_a_run_that_lost_its_lock_writes_no_file(tmp_path):
    from flows import diskio

    calls = []

    def lost() -> None:
        calls.append(1)
        raise LockLost("运行锁已被另一次运行接管")

    target = tmp_path / "信访台账2026.xlsx"
    target.write_bytes(b"clerk's book")
    with diskio.fenced(lost), pytest.raises(LockLost):
        diskio.write_atomic(target, b"stale run's book")
    assert target.read_bytes() == b"clerk's book" and calls == [1]
    assert [p.name for p in tmp_path.iterdir()] == ["信访台账2026.xlsx"]  # no temp file left behind
    diskio.write_atomic(target, b"outside a run")  # no fence installed: writes as usual
    assert target.read_bytes() == b"outside a run"


def test_a_run_inside_the_app_is_fenced_and_marks_sends_with_its_generation(tmp_path, smtp):
    office = _office(tmp_path, smtp.port)
    app = App(config.load(office.cfg), as_of=date(2026, 11, 27))
    run, result = wiring.run_reminders(app, now=True)
    assert run.generation == 1 and result.sent == 31
    assert {g for _k, _s, g in _outbox(office)} == {1}
    run2, _ = wiring.run_reminders(App(config.load(office.cfg), as_of=date(2026, 11, 27)), now=True)
    assert run2.generation == 2  # every holding of the lock gets a newer number
