"""One run at a time across REAL processes; stale locks are taken over."""

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from core.errors import LockBusy
from petitionbot.lock import RunLock

ROOT = Path(__file__).resolve().parents[2]


def _holder(lock: Path, flow: str, wait: float, release: Path) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.schedule.lock_holder", str(lock), flow, str(wait), str(release)],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _line(proc: subprocess.Popen) -> str:
    line = proc.stdout.readline().strip()
    assert line, proc.stderr.read()
    return line


def test_clerk_run_is_refused_with_a_chinese_message_while_the_nightly_run_holds_the_lock(tmp_path):
    work = tmp_path / "work"
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text(f'[upstream]\nurl = "http://127.0.0.1:8765/"\nusername = "yhjd01"\n[storage]\nworkdir = "{work}"\n',
                   encoding="utf-8")
    nightly = _holder(work / "petitionbot.lock", "nightly", 5, tmp_path / "go")
    try:
        assert _line(nightly).startswith("held")
        env = {**os.environ, "PETITIONBOT_UPSTREAM_PASSWORD": "pw-for-test", "PETITIONBOT_LOCK_WAIT": "0"}
        clerk = subprocess.run([sys.executable, "-m", "petitionbot", "run", "intake", "--config", str(cfg)],
                               cwd=ROOT, env=env, capture_output=True, text=True, timeout=60)
        assert clerk.returncode == 1, clerk.stderr
        assert "另一个运行正在进行：nightly（计划任务" in clerk.stderr
        assert f"进程 {nightly.pid}" in clerk.stderr
        assert not (work / "runs").exists() or not any((work / "runs").iterdir())  # refused: no run was started
    finally:
        (tmp_path / "go").touch()
        nightly.wait(10)


def test_a_waiting_process_gets_the_lock_when_the_holder_releases_it(tmp_path):
    lock = tmp_path / "petitionbot.lock"
    first = _holder(lock, "nightly", 5, tmp_path / "go1")
    assert _line(first).startswith("held")
    second = _holder(lock, "intake", 20, tmp_path / "go2")
    try:
        time.sleep(0.3)  # let the second process find the lock taken and start waiting
        assert second.poll() is None
        (tmp_path / "go1").touch()
        released = float(_line(first).split()[1])
        got = _line(second)
        assert got.startswith("held") and float(got.split()[1]) >= released
        assert json.loads(lock.read_text())["pid"] == second.pid
    finally:
        (tmp_path / "go1").touch()
        (tmp_path / "go2").touch()
        first.wait(10)
        second.wait(10)
    assert not lock.exists()


def test_a_lock_left_by_a_killed_process_is_taken_over(tmp_path):
    lock = tmp_path / "petitionbot.lock"
    crashed = _holder(lock, "nightly", 5, tmp_path / "never")
    assert _line(crashed).startswith("held")
    os.kill(crashed.pid, signal.SIGKILL)
    crashed.wait(10)
    assert json.loads(lock.read_text())["pid"] == crashed.pid  # the file survives the crash
    mine = RunLock(lock, stale_seconds=300)
    mine.acquire(flow="intake", wait_seconds=0)  # pid gone: taken over at once, no waiting
    try:
        assert json.loads(lock.read_text())["pid"] == os.getpid()
    finally:
        mine.release()


def test_a_lock_whose_heartbeat_stopped_is_taken_over_and_a_fresh_one_is_not(tmp_path):
    lock = tmp_path / "petitionbot.lock"
    t = [1_000_000.0]
    frozen = RunLock(lock, stale_seconds=60, heartbeat_seconds=3600, now=lambda: t[0])
    frozen.acquire(flow="nightly")  # our own live pid: only the heartbeat can make it stale
    other = RunLock(lock, stale_seconds=60, now=lambda: t[0])
    with pytest.raises(LockBusy, match="另一个运行正在进行：nightly"):
        other.acquire(flow="intake", wait_seconds=0)
    t[0] += 61  # no heartbeat for longer than stale_seconds
    other.acquire(flow="intake", wait_seconds=0)
    assert json.loads(lock.read_text())["flow"] == "intake"
    frozen.release()  # the old holder must not remove the new holder's lock
    assert lock.exists()
    other.release()
    assert not lock.exists()


def test_heartbeat_keeps_a_long_run_from_looking_stale(tmp_path):
    lock = tmp_path / "petitionbot.lock"
    holder = RunLock(lock, stale_seconds=60, heartbeat_seconds=0.05)
    holder.acquire(flow="nightly")
    try:
        first = json.loads(lock.read_text())["heartbeat"]
        deadline = time.monotonic() + 3
        while json.loads(lock.read_text())["heartbeat"] == first and time.monotonic() < deadline:
            time.sleep(0.02)
        assert json.loads(lock.read_text())["heartbeat"] > first
    finally:
        holder.release()
