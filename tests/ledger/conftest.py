"""Fixtures for the ledger tests: a real SQLite store, a fixed clock, a real Run folder."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from core.clock import FixedClock
from flows.deadlines import default_engine
from flows.ledger import LedgerDeadlines, LedgerSettings, sync_ledger
from flows.ledger.flow import LedgerResult
from flows.runs import Run
from flows.store.sqlite import SqliteStore
from tests.factories import make_petition, make_petitioner


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(date(2026, 11, 20))


@pytest.fixture
def store(tmp_path: Path):
    s = SqliteStore(tmp_path / "petitionbot.db")
    yield s
    s.close()


@pytest.fixture
def settings() -> LedgerSettings:
    return LedgerSettings.model_validate({
        "backups": 3,
        "routing": {"by_locality": {"永福村": "永福村村委会"}, "by_category": {"环境保护": "城管环保办"},
                    "by_ref": {"YH2026110003": "综治办"}},
    })


@pytest.fixture
def seeded(store):
    """Three upstream petitions, one with formula-looking text and one with control characters."""
    store.insert(make_petition("YH2026110001"), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110002", locality="凤凰山社区", category="环境保护/噪声",
                               title="=HYPERLINK(\"http://x\",\"点我\")", demand="+86 反映噪音",
                               petitioners=[make_petitioner(name="李四", phone="13800000002")],
                               assigned_on=date(2026, 11, 4)), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110003", content="内容\x01含控制字符\x0b", assigned_on=date(2026, 11, 5),
                               purpose="检举控告"), run_id=None, source="upstream")
    return store


class Syncer:
    def __init__(self, store, settings, clock, workdir: Path):
        self.store, self.settings, self.clock, self.workdir = store, settings, clock, workdir
        self.runs: list[Run] = []
        self.with_deadlines = True  # as the shell does; False: the ledger alone, deadline columns empty

    def __call__(self) -> LedgerResult:
        run = Run.start("ledger", self.workdir / "runs", self.clock)
        self.runs.append(run)
        # Built per call, like the shell builds it per run: today follows the (fixed) clock.
        deadlines = LedgerDeadlines(default_engine(), self.clock.today()) if self.with_deadlines else None
        return sync_ledger(self.store, self.settings, self.clock, run, workdir=self.workdir, office="余杭街道信访办",
                           deadlines=deadlines)

    @property
    def run(self) -> Run:
        return self.runs[-1]

    @property
    def book(self) -> Path:
        return self.workdir / "ledger" / "信访台账2026.xlsx"


@pytest.fixture
def sync(store, settings, clock, tmp_path) -> Syncer:
    return Syncer(store, settings, clock, tmp_path)
