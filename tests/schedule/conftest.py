"""Fixtures for the unattended service: settings with a [service] section, an injected clock
that APScheduler itself reads, and a scheduler we step by hand instead of sleeping."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import apscheduler.executors.base
import apscheduler.schedulers.base
import pytest
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler

from core.clock import FixedClock
from petitionbot import wiring
from petitionbot.app import App
from petitionbot.config import Settings
from petitionbot.scheduler import service as service_mod
from petitionbot.scheduler.settings import ServiceSettings

TZ = ZoneInfo("Asia/Shanghai")


class ServiceConfig(Settings):
    """Settings as they look once ``[service]`` is composed into petitionbot/config.py."""

    service: ServiceSettings = ServiceSettings()


def make_settings(tmp: Path, schedule: str, **service) -> ServiceConfig:
    (tmp / "schedule.toml").write_text(schedule, encoding="utf-8")
    settings = ServiceConfig.model_validate({
        "upstream": {"url": "http://127.0.0.1:8765/", "username": "yhjd01"},
        "storage": {"workdir": str(tmp / "work")},
        "service": {"schedule_file": str(tmp / "schedule.toml"), "lock_stale_seconds": 60, **service},
    })
    settings.source = tmp / "petitionbot.toml"
    return settings


class SimClock:
    """The one time source for APScheduler, the flows and retention in a simulated run."""

    def __init__(self, start: datetime):
        self.t = start.replace(tzinfo=TZ) if start.tzinfo is None else start

    def naive(self) -> datetime:
        return self.t.astimezone(TZ).replace(tzinfo=None)


@pytest.fixture
def sim_clock(monkeypatch):
    clock = SimClock(datetime(2026, 1, 1))

    class FakeDatetime(datetime):
        @classmethod
        def now(cls, tz=None):
            return clock.t.astimezone(tz) if tz else clock.naive()

    # APScheduler asks datetime.now() in the scheduler loop and in the misfire check.
    monkeypatch.setattr(apscheduler.schedulers.base, "datetime", FakeDatetime)
    monkeypatch.setattr(apscheduler.executors.base, "datetime", FakeDatetime)
    return clock


class SteppedScheduler(BaseScheduler):
    """A real APScheduler whose loop we turn by hand: ``step()`` is one wake-up."""

    def wakeup(self):
        pass

    def shutdown(self, wait=True):
        super().shutdown(wait)

    def step(self):
        return self._process_jobs()


def run_until(scheduler: SteppedScheduler, clock: SimClock, end: datetime) -> None:
    end = end.replace(tzinfo=TZ)
    while True:
        wait = scheduler.step()
        if wait is None or clock.t + timedelta(seconds=wait) > end:
            clock.t = end
            return
        clock.t += timedelta(seconds=max(wait, 0.000001))


@pytest.fixture
def fired(monkeypatch):
    """Fake flows (name -> callable(app) -> Run) that record (flow, when) and run inside a real Run."""
    calls: list[tuple[str, datetime]] = []
    behaviour: dict[str, object] = {}

    def make(name):
        def flow(app, **args):
            with app.run(name) as run:
                calls.append((name, app.clock.now()))
                action = behaviour.get(name)
                if callable(action):
                    action(app, run, args)
            return wiring.RunResult(run)
        return flow

    for name in ("intake", "ledger", "letters", "reminders"):
        monkeypatch.setitem(wiring.FLOWS, name, make(name))
    yield calls, behaviour


@pytest.fixture
def stepped(sim_clock, tmp_path):
    """Build (service, scheduler) on the persistent SQLite job store in the workdir."""
    made, stores = [], []

    def build(settings, notify="off"):
        """notify: "off" (default), None for the real operator notifier, or a callable."""
        from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore

        def new_app():
            app = App(settings, clock=FixedClock(sim_clock.naive()), trigger="schedule")
            if stores:
                app.__dict__["store"] = stores[0]  # one connection for the whole simulated fortnight
            else:
                stores.append(app.store)
            return app

        svc = service_mod.Service(
            settings, app_factory=new_app,
            notify=(lambda title, result: None) if notify == "off" else notify, now=sim_clock.naive)
        sched = service_mod.build_scheduler(settings, scheduler_cls=SteppedScheduler, executor=DebugExecutor(),
                                            jobstore=SQLAlchemyJobStore(url=service_mod.jobstore_url(settings)))
        service_mod.start(svc, scheduler=sched)
        made.append(sched)
        return svc, sched

    yield build
    for sched in made:
        if sched.running:
            sched.shutdown(wait=False)
    for store in stores:
        store.close()
    service_mod.install(None)


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    """A real SMTP server on loopback (aiosmtpd) collecting what it receives."""
    from aiosmtpd.controller import Controller

    received: list[tuple[list[str], str]] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd API
            received.append((list(envelope.rcpt_tos), envelope.content.decode("utf-8", "replace")))
            return "250 OK"

    port = free_port()
    controller = Controller(Handler(), hostname="127.0.0.1", port=port)
    controller.start()
    yield port, received
    controller.stop()
