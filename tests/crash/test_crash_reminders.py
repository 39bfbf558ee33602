"""SIGKILL inside reminder sending, then run again, against a real SMTP server on
loopback (aiosmtpd) that counts what it received by Message-ID.

What is promised (docs/guarantees-crash.md): no reminder is lost; none is sent twice, except the
one message in flight when the process died between the server's "250 OK" and the outbox
marking it sent. That one is sent again with the same Message-ID (at-least-once), which the
test checks is the only repeat."""

from __future__ import annotations

import threading
from collections import Counter
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller

from core.ports import Message
from flows.reminders.channels.email import EmailChannel
from tests.crash.conftest import Office, petition
from tests.reminders.servers import free_port

UNITS = ("永福村", "南湖社区", "凤凰山社区", "城建办", "综治办")


class Counting:
    def __init__(self) -> None:
        self.ids: list[str] = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
        msg = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.ids.append(str(msg["Message-ID"]))
        return "250 OK"


@pytest.fixture
def smtp():
    handler = Counting()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    handler.port = port
    yield handler
    controller.stop()


def _office(tmp_path, port: int) -> Office:
    units = "".join(f'[reminders.units."{u}"]\nemail = ["u{i}@example.gov.cn"]\n' for i, u in enumerate(UNITS))
    return Office(tmp_path, f"""
[reminders]
overdue_list = true
supervisors = [{{ name = "张主任", email = "boss@example.gov.cn" }}]
[reminders.smtp]
host = "127.0.0.1"
port = {port}
security = "none"
username = ""
sender = "xfb@example.gov.cn"
timeout_seconds = 10
{units}""")


def _prepare(office: Office) -> None:
    # Accepted mid-October: due (30 days) in mid-November, so overdue on 2026-11-27; two per unit.
    office.insert(*(petition(n, unit=UNITS[n % len(UNITS)], accepted=f"2026-10-{10 + n:02d}") for n in range(10)))


def _outbox(office: Office) -> list[tuple[str, str]]:
    return office.query("SELECT key, status FROM outbox ORDER BY id")


def _message_id(key: str) -> str:
    channel = EmailChannel(host="x", port=25, sender="xfb@example.gov.cn")
    return str(channel.build(Message("email", ["a@b.c"], "s", "b", key=key))["Message-ID"])


@pytest.mark.parametrize("point", ["reminders.after_enqueue=1", "reminders.before_send=1",
                                   "reminders.before_send=4", "reminders.after_send=1", "reminders.after_send=3"])
def test_sigkill_in_reminder_sending_then_rerun(tmp_path, smtp, point):
    reference = _office(tmp_path / "reference", smtp.port)  # the same office, never killed
    _prepare(reference)
    reference.ok("reminders", "--now")
    composed = [key for key, _s in _outbox(reference)]
    assert len(composed) >= len(UNITS) + 1  # a digest per unit (some also supervision) and the overdue list
    smtp.ids.clear()

    office = _office(tmp_path / "office", smtp.port)
    _prepare(office)
    office.killed("reminders", "--now", failpoint=point)
    before = Counter(smtp.ids)
    office.ok("reminders", "--now")
    office.ok("reminders", "--now")  # and again: nothing more goes out
    rows = _outbox(office)
    assert sorted(key for key, _s in rows) == sorted(composed)  # composed once each, as without the crash
    assert {status for _k, status in rows} == {"sent"}
    expected = {_message_id(key) for key, _s in rows}
    got = Counter(smtp.ids)
    assert set(got) == expected  # none lost, each outbox message is the one Message-ID
    repeats = {mid: n for mid, n in got.items() if n > 1}
    if point.startswith("reminders.after_send"):
        # The message in flight at the kill: delivered before the crash, sent again after it.
        assert len(repeats) == 1 and set(repeats.values()) == {2}
        assert next(iter(repeats)) in before
    else:
        assert repeats == {}
