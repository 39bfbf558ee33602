"""SIGTERM to a real ``serve``: the running flow finishes its current petition and stops cleanly."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

from tests.schedule.planted import PASSWORD

ROOT = Path(__file__).resolve().parents[2]


def test_sigterm_finishes_the_current_item_then_stops(tmp_path):
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PETITIONBOT_UPSTREAM_PASSWORD": PASSWORD}
    proc = subprocess.Popen([sys.executable, "-m", "tests.schedule.serve_child", str(tmp_path)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.strip() == "fetched 3":
                proc.send_signal(signal.SIGTERM)
                break
        else:
            raise AssertionError(proc.stderr.read())
        out, err = proc.communicate(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, err
    assert "收到停止信号（SIGTERM）" in err and "计划任务服务已停止" in err

    with sqlite3.connect(tmp_path / "work" / "petitionbot.db") as con:
        stored = con.execute("SELECT COUNT(*) FROM petitions").fetchone()[0]
        (status, summary), = con.execute("SELECT status, summary FROM runs").fetchall()
    fetched = max(int(line.split()[1]) for line in ["fetched 3", *out.splitlines()] if line.startswith("fetched"))
    assert 3 <= stored == fetched < 50  # every fetched petition was stored whole; the rest wait for the next run
    assert status == "stopped"
    assert any("收到停止请求" in w for w in json.loads(summary)["warnings"])
    assert not (tmp_path / "work" / "petitionbot.lock").exists()
