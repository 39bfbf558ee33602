"""Reminder benchmarks: deadline statuses for 100,000 open petitions (target <= 2 s) and
reminder digests for 200 units (target <= 5 s). Prints figures and the ratio to the target.

    .venv/bin/python bench/reminders.py
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from core.clock import FixedClock  # noqa: E402
from core.model import Petition, Petitioner  # noqa: E402
from flows.deadlines import build_engine, step_status  # noqa: E402
from flows.reminders.flow import run_reminders  # noqa: E402
from flows.reminders.settings import Contact, ReminderSettings, UnitRecipients  # noqa: E402
from flows.store.sqlite import SqliteStore  # noqa: E402

TODAY = date(2026, 11, 27)


def petitions(n: int, units: int, seed: int = 5) -> list[Petition]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        received = TODAY - timedelta(days=rnd.randint(0, 120))
        clerk = {"accepted_on": (received + timedelta(days=rnd.randint(0, 6))).isoformat()} if rnd.random() < 0.7 else {}
        out.append(Petition(ref=f"YH{i:08d}", title=f"反映第{i}号问题", form="来信", received_on=received,
                            assigned_on=received, responsible_unit=f"单位{i % units:03d}", clerk=clerk,
                            petitioners=[Petitioner(name="王建国")],
                            due_on=received + timedelta(days=35) if rnd.random() < 0.2 else None))
    return out


def bench_statuses(n: int = 100_000) -> float:
    items = petitions(n, 200)
    engine = build_engine()
    t = time.perf_counter()
    counts: dict[str, int] = {}
    for p in items:
        s = engine.schedule(p)
        st = step_status(s.main, TODAY, engine).status
        counts[st] = counts.get(st, 0) + 1
    elapsed = time.perf_counter() - t
    print(f"statuses: {n:,} open petitions in {elapsed:.2f} s (target 2 s, {elapsed / 2:.0%} of budget) {counts}")
    return elapsed


class NullChannel:
    name = "null"

    def send(self, message) -> None:
        pass


def bench_digests(units: int = 200, per_unit: int = 25) -> float:
    items = petitions(units * per_unit, units)
    engine = build_engine()
    cfg = ReminderSettings(units={f"单位{i:03d}": UnitRecipients(email=[f"u{i}@example.gov.cn"],
                                                                 wecom_webhook="http://127.0.0.1:9/x",
                                                                 leader=Contact(email=f"l{i}@example.gov.cn"))
                                  for i in range(units)}, supervisors=[Contact(email="boss@example.gov.cn")])
    with tempfile.TemporaryDirectory() as tmp:
        store = SqliteStore(Path(tmp) / "b.db")
        channels = {"email": NullChannel(), "wecom": NullChannel(), "dingtalk": NullChannel()}
        t = time.perf_counter()
        result = run_reminders(items, store=store, engine=engine, settings=cfg,
                               clock=FixedClock(datetime(2026, 11, 27, 9, 0)), channels=channels,
                               out_dir=Path(tmp) / "out", office="余杭街道信访办")
        elapsed = time.perf_counter() - t
        store.close()
    print(f"digests: {units} units, {len(items):,} petitions, {len(result.items):,} reminder items -> "
          f"{len(result.queued)} messages composed, stored and sent (null channel) incl. overdue list "
          f".xlsx/.docx in {elapsed:.2f} s (target 5 s, {elapsed / 5:.0%} of budget)")
    return elapsed


if __name__ == "__main__":
    statuses, digests = bench_statuses(), bench_digests()
    ok = statuses <= 2 and digests <= 5
    sys.exit(0 if ok else 1)
