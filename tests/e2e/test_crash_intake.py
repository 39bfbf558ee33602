"""SIGKILL in the middle of an intake (deterministic fail points), then run again:
every petition is stored exactly once."""

from __future__ import annotations

import os
import signal
import subprocess
import sys

import pytest

from flows.store import open_store
from tests.e2e.conftest import dataset, petition

N = 12


@pytest.mark.parametrize("point", ["intake.before_store=4", "intake.after_store=7"])
def test_sigkill_mid_intake_then_rerun_stores_each_petition_once(make_env, point):
    app, sim = make_env(dataset(*(petition(f"YH2026{n:06d}") for n in range(N))), concurrency=2)
    cfg = str(app.settings.source)
    env = {**os.environ, "PETITIONBOT_FAILPOINTS": point}
    cmd = [sys.executable, "-m", "petitionbot", "run", "intake", "--config", cfg]
    killed = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert killed.returncode == -signal.SIGKILL, killed.stderr[-2000:]
    db = app.settings.database_url.removeprefix("sqlite:///")
    store = open_store(db)
    stored_after_kill = store.refs()
    assert 0 < len(stored_after_kill) < N
    env.pop("PETITIONBOT_FAILPOINTS")
    killed_run = sim.admin.state()["counters"]
    done = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr[-2000:]
    assert store.refs() == {f"YH2026{n:06d}" for n in range(N)}
    for ref in store.refs():
        assert [h["field"] for h in store.history(ref)].count("created") == 1
        att = store.get(ref).attachments[0]
        assert (app.workdir / att.path).read_text(encoding="utf-8") == "照片说明"
    assert list((app.workdir / "attachments").rglob(".*.part")) == []
    # The rerun fetched exactly what the killed run had not stored (counted by the simulator);
    # a third run fetches nothing.
    counters = sim.admin.state()["counters"]
    assert counters["detail"] - killed_run["detail"] == N - len(stored_after_kill)
    again = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr[-2000:]
    after = sim.admin.state()["counters"]
    assert (after["detail"], after["download"]) == (counters["detail"], counters["download"])
    store.close()
