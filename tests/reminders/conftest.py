from __future__ import annotations

import pytest

from tests.reminders.servers import HttpReceiver, SmtpServer, make_cert


@pytest.fixture(scope="session")
def cert(tmp_path_factory):
    return make_cert(tmp_path_factory.mktemp("tls"))


@pytest.fixture(scope="session")
def _smtp_session(cert):
    server = SmtpServer(*cert)
    yield server
    server.stop()


@pytest.fixture
def smtp(_smtp_session):
    """A real STARTTLS + login SMTP server on loopback, emptied for each test."""
    _smtp_session.catcher.messages.clear()
    _smtp_session.catcher.fail = False
    return _smtp_session


@pytest.fixture(scope="session")
def _http_session():
    receiver = HttpReceiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def http(_http_session):
    _http_session.received.clear()
    _http_session.rejected.clear()
    _http_session.fail = False
    return _http_session


# -- the flow's world: a store, units, channels pointed at the loopback servers ------------------
from datetime import date, datetime  # noqa: E402

from core.clock import FixedClock  # noqa: E402
from flows.deadlines import build_engine  # noqa: E402
from flows.letters import supervision_drafter  # noqa: E402
from flows.letters.settings import LetterSetup, LettersSettings  # noqa: E402
from flows.reminders.channels.dingtalk import DingTalkChannel  # noqa: E402
from flows.reminders.channels.email import EmailChannel  # noqa: E402
from flows.reminders.channels.wecom import WeComChannel  # noqa: E402
from flows.reminders.flow import run_reminders  # noqa: E402
from flows.reminders.settings import Contact, ReminderSettings, UnitRecipients  # noqa: E402
from flows.runs import Run  # noqa: E402
from flows.store.sqlite import SqliteStore  # noqa: E402
from tests.factories import make_petition, make_petitioner  # noqa: E402
from tests.reminders.servers import DING_SECRET, FIXED_MS, PASSWORD, USER  # noqa: E402


def petition(ref: str, unit: str, accepted: str, **kw):
    received = date.fromisoformat(accepted).replace(day=1)
    return make_petition(ref, responsible_unit=unit, received_on=received, assigned_on=received,
                         clerk={"accepted_on": accepted, "decision": "受理"}, **kw)


class World:
    """Friday 2026-11-27 09:00. 永福村: one 10 days late, one 检举控告 due Monday; 南湖社区: one
    2 days late; 无名科室 has no recipients configured."""

    def __init__(self, tmp_path, smtp, http, cert):
        self.tmp = tmp_path
        self.smtp, self.http = smtp, http
        self.store = SqliteStore(tmp_path / "db.sqlite")
        self.clock = FixedClock(datetime(2026, 11, 27, 9, 0))
        self.engine = build_engine()
        self.drafts: list[tuple[str, list]] = []
        self.letters = LetterSetup(LettersSettings(), office="余杭街道信访办", workdir=(tmp_path / "work").resolve())
        for p in (
            petition("YH-A1", "永福村", "2026-10-18", title="王建国反映道路破损问题"),  # due 11-17: 10 days late
            petition("YH-A2", "永福村", "2026-10-31", purpose="检举控告", title="李秘密检举村干部",
                     petitioners=[make_petitioner(name="李秘密", id_number="330110198001010026",
                                                  phone="13812345678")]),  # due 11-30: due soon
            petition("YH-B1", "南湖社区", "2026-10-26", title="反映噪声扰民"),  # due 11-25: 2 days late
            petition("YH-C1", "无名科室", "2026-10-20"),
            petition("YH-D1", "永福村", "2026-11-20"),  # on track: never reminded
        ):
            self.store.insert(p, run_id=None, source="upstream")
        self.settings = ReminderSettings(
            units={
                "永福村": UnitRecipients(email=["yongfu@example.gov.cn"], dingtalk_webhook=http.dingtalk_url(),
                                        dingtalk_secret_env="DING_SECRET", mobiles=["13900000001"],
                                        leader=Contact(name="李副主任", email="leader@example.gov.cn",
                                                       mobile="13900000009")),
                "南湖社区": UnitRecipients(email=["nanhu@example.gov.cn"], wecom_webhook=http.wecom_url()),
            },
            supervisors=[Contact(name="张主任", email="boss@example.gov.cn")],
        )
        self.channels = {
            "email": EmailChannel(host="127.0.0.1", port=smtp.port, security="starttls", username=USER,
                                  password=lambda: PASSWORD, sender=USER, sender_name="信访办", cafile=str(cert[0])),
            "dingtalk": DingTalkChannel(secrets={"DING_SECRET": DING_SECRET}.get, now_ms=lambda: FIXED_MS),
            "wecom": WeComChannel(),
        }

    def run(self, **kw):
        run = Run.start("reminders", self.tmp / "runs", self.clock)
        # The real 督办单 drafter of the letters, as the shell wires it (petitionbot/commands/reminders.py).
        letter = supervision_drafter(self.store, self.letters, self.clock, run, self.engine)

        def draft(unit, items):
            self.drafts.append((unit, items))
            return letter(unit, items)

        result = run_reminders(self.store.petitions(include_withdrawn=False), store=self.store, engine=self.engine,
                               settings=self.settings, clock=self.clock, channels=self.channels,
                               out_dir=self.tmp / "out", office="余杭街道信访办", run=run,
                               draft_supervision=draft, **kw)
        return result, run

    def emails(self):
        return [m["msg"] for m in self.smtp.catcher.messages]

    def emails_to(self, addr):
        return [m["msg"] for m in self.smtp.catcher.messages if addr in m["rcpt"]]


@pytest.fixture
def world(tmp_path, smtp, http, cert):
    w = World(tmp_path, smtp, http, cert)
    yield w
    w.store.close()
