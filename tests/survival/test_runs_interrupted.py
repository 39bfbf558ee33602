"""Run states a person can trust: a run killed mid-way is shown as 中断 (not "运行中" forever) and
is recorded so by the next run; a run that is really running is shown as running; two
``petitionbot serve`` on one workdir: the second refuses to start."""

from __future__ import annotations

import json
import os
import signal
import socket
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

from petitionbot import config
from petitionbot.app import App
from petitionbot.commands.serve import list_runs, show_run
from tests.crash.conftest import Office, petition

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = '[upstream]\nurl = "http://127.0.0.1:8765/"\nusername = "yhjd01"\n'


def _rows(office: Office) -> dict[str, tuple[str, dict]]:
    with closing(sqlite3.connect(office.workdir / "petitionbot.db")) as con:
        rows = con.execute("SELECT id, status, summary FROM runs ORDER BY started, id").fetchall()
    return {r[0]: (r[1], json.loads(r[2]) if r[2] else {}) for r in rows}


def _runs_cli(office: Office, *args: str) -> str:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PETITIONBOT_")} | {"PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "petitionbot", "runs", *args, "--config", str(office.cfg)],
                       cwd=office.root, env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    return r.stdout


def test_a_killed_run_is_shown_interrupted_and_the_next_run_records_it(tmp_path):
    office = Office(tmp_path, UPSTREAM)
    office.insert(*(petition(n) for n in range(6)))
    office.killed("ledger", failpoint="ledger.before_replace=1")  # SIGKILL in the middle of the sync
    [killed] = _rows(office)
    assert _rows(office)[killed][0] == "running"  # the row it left behind

    listing = _runs_cli(office)
    line = next(x for x in listing.splitlines() if x.startswith(killed))
    assert "中断" in line and "运行中" not in line  # the process is gone and holds no lock

    office.ok("ledger")  # the next run
    rows = _rows(office)
    assert rows[killed][0] == "interrupted"
    assert "被终止" in rows[killed][1]["message"]
    [(_later, (status, summary))] = [(k, v) for k, v in rows.items() if k != killed]
    assert status == "ok" and any(killed in w and "中断" in w for w in summary["warnings"])
    shown = _runs_cli(office, "show", killed)
    assert "状态：中断，运行中断：进程在运行中被终止" in shown


def test_a_run_that_is_running_is_shown_running_and_is_left_alone(tmp_path):
    office = Office(tmp_path, UPSTREAM)
    settings = config.load(office.cfg)
    app = App(settings)
    with app.run("ledger") as run:
        other = App(settings)  # e.g. the clerk typing `petitionbot runs` meanwhile
        line = next(x for x in list_runs(other).splitlines() if x.startswith(run.id))
        assert "运行中" in line
        assert "状态：运行中" in show_run(other, run.id)
    assert _rows(office)[run.id][0] == "ok"


def _serve_config(tmp: Path) -> Path:
    cfg = tmp / "petitionbot.toml"
    cfg.write_text(UPSTREAM + f'[storage]\nworkdir = "{tmp / "work"}"\n[service]\nschedule_file = "{tmp / "schedule.toml"}"\n',
                   encoding="utf-8")
    return cfg


def test_a_second_serve_on_the_same_workdir_refuses_to_start(tmp_path):
    from tests.schedule.planted import PASSWORD

    env = {**os.environ, "PYTHONPATH": str(ROOT), "PETITIONBOT_UPSTREAM_PASSWORD": PASSWORD}
    first = subprocess.Popen([sys.executable, "-m", "tests.schedule.serve_child", str(tmp_path)], cwd=ROOT, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = None
    try:
        for line in first.stdout:
            if line.startswith("fetched"):
                break  # the first service is up and running its nightly job
        else:
            raise AssertionError(first.stderr.read())
        second = subprocess.Popen([sys.executable, "-m", "petitionbot", "serve", "--config", str(_serve_config(tmp_path))],
                                  cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = second.communicate(timeout=60)
        assert second.returncode == 1, err
        assert "Traceback" not in err
        assert f"这个工作目录已有一个计划任务服务在运行：{socket.gethostname()} 上的进程 {first.pid}" in err
        assert "同一工作目录只能运行一个 petitionbot serve" in err
        assert first.poll() is None  # the first one was not disturbed
    finally:
        for proc in (second, first):
            if proc is not None and proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
                try:
                    proc.communicate(timeout=30)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.communicate()
    assert first.returncode == 0
