"""Several upstreams, a console's progress and stop button: through ``petitionbot.wiring`` against
real simulators and real Chromium."""

from __future__ import annotations

import json
import threading

import pytest

from core.errors import LoginFailed
from petitionbot import cli, wiring
from petitionbot.sim import start_simulator
from tests.e2e.conftest import PASSWORD, dataset, petition

CONFIG = """[[upstream]]
url = "{a}"
username = "yhjd01"
retries = 0

[[upstream]]
name = "branch"
url = "{b}"
username = "yhjd01"
retries = 0

[storage]
workdir = "work"
"""


@pytest.fixture
def two(tmp_path, monkeypatch):
    """Two district simulators, configured as two upstream entries ("district" and "branch")."""
    for key in ("PETITIONBOT_UPSTREAM_PASSWORD", "PETITIONBOT_AS_OF"):
        monkeypatch.delenv(key, raising=False)
    a = start_simulator(dataset(petition("YH2026000001"), petition("YH2026000002")), port=0)
    b = start_simulator(dataset(petition("YH2026000101")), port=0)
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text(CONFIG.format(a=a.url, b=b.url), encoding="utf-8")
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_DISTRICT_PASSWORD", PASSWORD)
    yield cfg, monkeypatch
    a.stop()
    b.stop()


def test_one_failing_upstream_does_not_stop_the_others(two, capsys):
    cfg, monkeypatch = two
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_BRANCH_PASSWORD", "not-the-password")
    assert cli.main(["run", "intake", "--config", str(cfg)]) == 3  # finished, with a failure
    out = capsys.readouterr().out
    assert "取件完成但有个别失败" in out and "新件 2" in out
    assert "上游 branch：本次未能取件：登录上级系统失败" in out

    app = wiring.build_app(cfg)
    assert app.store.refs() == {"YH2026000001", "YH2026000002"}
    [row] = app.store.runs(limit=5)
    summary = row["summary"]
    assert row["status"] == "partial" and summary["counts"]["new"] == 2 and summary["counts"]["failed"] == 1
    assert [f["upstream"] for f in summary["failures"]] == ["branch"]
    assert set(summary["robots"]) == {"district", "branch"}  # each upstream its own robot
    run_folder = app.workdir / "runs" / row["id"]
    assert [p.name for p in (run_folder / "evidence").iterdir()] == ["branch"]  # each its own evidence
    assert any("login-failed" in p.name for p in (run_folder / "evidence" / "branch").iterdir())
    assert (app.workdir / "secrets" / "district-yhjd01.state.json").is_file()  # each its own session
    assert not (app.workdir / "secrets" / "branch-yhjd01.state.json").exists()
    assert PASSWORD not in json.dumps(summary) and "not-the-password" not in json.dumps(summary)

    # When every upstream fails, the run has failed: nothing was taken in.
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_DISTRICT_PASSWORD", "also-wrong")
    (app.workdir / "secrets" / "district-yhjd01.state.json").unlink()  # no saved session to fall back on
    with pytest.raises(LoginFailed):
        wiring.run_intake(app)
    assert app.last_run.status == "failed" and app.last_run.counts.failed == 2


class Recording:
    """A console's progress bar: what the flow reports, and a stop button pressed after one item."""

    def __init__(self, stop: threading.Event):
        self.stop, self.calls = stop, []

    def start(self, total: int, label: str) -> None:
        self.calls.append(("start", total, label))

    def advance(self, n: int = 1) -> None:
        self.calls.append(("advance", n))
        self.stop.set()

    def close(self) -> None:
        self.calls.append(("close",))


def test_a_run_reports_progress_and_stops_gracefully_when_asked(make_env):
    app, _sim = make_env(dataset(*(petition(f"YH2026{n:06d}") for n in range(1, 7))), concurrency=1,
                         details_per_page=1)
    stop = threading.Event()
    progress = Recording(stop)
    done = wiring.run_intake(app, progress=progress, stop=stop)
    assert done.status == "stopped" and not done.partial
    assert progress.calls[0] == ("start", 6, "取件") and progress.calls[-1] == ("close",)
    stored = len(app.store.refs())
    assert 1 <= stored < 6 and done.run.counts.new == stored  # the item in hand was finished, no more
    again = wiring.run_intake(app)  # the next run takes the rest
    assert again.status == "ok" and len(app.store.refs()) == 6
