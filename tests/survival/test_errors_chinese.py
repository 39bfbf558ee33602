"""Every error a person can cause ends in one Chinese sentence and the right exit code (0 ok,
1 failed, 2 config or argument error, 3 partial), never a traceback; a run that fails for any
reason is recorded as failed, never left "运行中".

Each case runs the real command line in a child process, as a clerk or a service would."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from tests.crash.conftest import Office, petition

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = '[upstream]\nurl = "http://127.0.0.1:8765/"\nusername = "yhjd01"\n'


def cli(*args: str, cwd: Path, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith("PETITIONBOT_")}
    full |= {"PYTHONPATH": str(ROOT), "PETITIONBOT_UPSTREAM_PASSWORD": "pw-for-test", **env}
    return subprocess.run([sys.executable, "-m", "petitionbot", *args], cwd=cwd, env=full, capture_output=True,
                          text=True, timeout=180)


def assert_clean_error(r: subprocess.CompletedProcess, code: int, *words: str) -> None:
    """The exit code, one 错误 line with the words, and no traceback anywhere."""
    output = r.stdout + r.stderr
    assert r.returncode == code, output[-3000:]
    assert "Traceback" not in output and "Logging error" not in output, output[-3000:]
    errors = [n for n, line in enumerate(r.stderr.splitlines()) if line.startswith("错误：")]
    assert len(errors) == 1, r.stderr[-3000:]
    message = "\n".join(r.stderr.splitlines()[errors[0]:])  # a config error lists its problems below
    for word in words:
        assert word in message, message


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_bytes(text.encode(encoding))
    return path


def test_a_gbk_config_is_named_as_such_with_the_fix(tmp_path):
    cfg = write(tmp_path / "petitionbot.toml", 'office = "余杭街道信访办"\n' + UPSTREAM + '[storage]\nworkdir = "work"\n',
                encoding="gbk")
    for args in (["runs"], ["run", "ledger"], ["doctor", "--no-launch"]):
        r = cli(*args, "--config", str(cfg), cwd=tmp_path)
        if args[0] == "doctor":
            assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
            assert "不是 UTF-8 编码" in r.stdout and "GBK" in r.stdout
        else:
            assert_clean_error(r, 2, "不是 UTF-8 编码", "GBK", "第 1 行", "另存为", "UTF-8")


def test_a_config_with_a_utf8_bom_is_read(tmp_path):
    cfg = write(tmp_path / "petitionbot.toml", "\ufeff" + UPSTREAM + '[storage]\nworkdir = "work"\n')
    r = cli("runs", "--config", str(cfg), cwd=tmp_path)
    assert r.returncode == 0 and "还没有运行记录" in r.stdout, r.stderr


def test_a_workdir_that_is_a_file(tmp_path):
    (tmp_path / "work").write_text("not a folder", encoding="utf-8")
    cfg = write(tmp_path / "petitionbot.toml", UPSTREAM + '[storage]\nworkdir = "work"\n')
    for args in (["runs"], ["run", "ledger"], ["export", "--masked"]):
        assert_clean_error(cli(*args, "--config", str(cfg), cwd=tmp_path), 2, "工作目录不可用", "不是文件夹")
    r = cli("doctor", "--no-launch", "--config", str(cfg), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr, r.stderr
    assert "✗ 工作目录" in r.stdout and "是一个文件，不是文件夹" in r.stdout


@pytest.fixture
def read_only_folder(tmp_path):
    """A folder nobody may write to: a read-only file system when we are root (root ignores modes)."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() == 0:
        subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)], check=True)
        yield folder
        subprocess.run(["umount", str(folder)], check=True)
    else:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)


def test_an_unwritable_workdir(tmp_path, read_only_folder):
    cfg = write(tmp_path / "petitionbot.toml", UPSTREAM + f'[storage]\nworkdir = "{read_only_folder / "work"}"\n')
    for args in (["runs"], ["run", "ledger"]):
        assert_clean_error(cli(*args, "--config", str(cfg), cwd=tmp_path), 2, "工作目录不可用")
    r = cli("doctor", "--no-launch", "--config", str(cfg), cwd=tmp_path)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr, r.stderr
    assert "✗ 工作目录" in r.stdout and "无法创建" in r.stdout


def test_a_lock_wait_that_is_not_a_number(tmp_path):
    cfg = write(tmp_path / "petitionbot.toml", UPSTREAM + '[storage]\nworkdir = "work"\n')
    r = cli("run", "ledger", "--config", str(cfg), cwd=tmp_path, PETITIONBOT_LOCK_WAIT="abc")
    assert_clean_error(r, 2, "PETITIONBOT_LOCK_WAIT", "'abc'", "秒数")


def test_an_upstream_url_that_is_not_a_url(tmp_path):
    cfg = write(tmp_path / "petitionbot.toml",
                '[upstream]\nurl = "not a url"\nusername = "yhjd01"\n[storage]\nworkdir = "work"\n')
    r = cli("run", "intake", "--config", str(cfg), cwd=tmp_path)
    assert_clean_error(r, 2, "第 2 行", "upstream.url", "不是有效的网址", "http://")
    assert not (tmp_path / "work" / "runs").exists()  # refused before any run or browser started


def test_no_upstream_section_is_required_not_guessed(tmp_path):
    cfg = write(tmp_path / "petitionbot.toml", '[storage]\nworkdir = "work"\n')
    for args in (["run", "intake"], ["login"]):
        r = cli(*args, "--config", str(cfg), cwd=tmp_path)
        assert_clean_error(r, 2, "缺少 [upstream] 段", "url", "username")
        assert "127.0.0.1:8765" not in r.stdout + r.stderr and "yhjd01" not in r.stdout + r.stderr
    r = cli("doctor", "--no-launch", "--config", str(cfg), cwd=tmp_path)
    assert "✗ 上游系统：" in r.stdout and "缺少 [upstream] 段" in r.stdout
    # The flows that never talk to the upstream still run.
    assert cli("run", "ledger", "--config", str(cfg), "--as-of", "2026-11-27", cwd=tmp_path).returncode == 0


# -- a full disk under the store -------------------------------------------------------------------
# Real: the workdir on a 3 MB tmpfs of its own, filled to the brim (needs root, as CI has). Without
# root the same SQLITE_FULL is produced by SQLite itself, through its page limit, injected by a
# wrapper around the command line (no hook in the product).
LIMITED_STORE = """
import sys
import flows.store.sqlite as adapter
migrate = adapter.SqliteStore.migrate
def limited(self):
    done = migrate(self)
    pages = self._db.execute("PRAGMA page_count").fetchone()[0]
    self._db.execute(f"PRAGMA max_page_count = {pages + 2}")
    return done
adapter.SqliteStore.migrate = limited
from petitionbot.cli import main
sys.exit(main(sys.argv[1:]))
"""


@pytest.fixture
def full_store(tmp_path):
    """(office, run(*args) under a full store, free()): the store's disk is full while ``run`` runs."""
    root = os.geteuid() == 0
    office = Office(tmp_path / "office", UPSTREAM)
    if root:
        disk = tmp_path / "disk"
        disk.mkdir()
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=3m", "tmpfs", str(disk)], check=True)
        office.cfg.write_text(office.cfg.read_text(encoding="utf-8").replace(
            'workdir = "work"', f'workdir = "{disk / "work"}"'), encoding="utf-8")
        office.workdir = disk / "work"
        office.workdir.mkdir()
    office.insert(*(petition(n, content="道路破损，" * 300) for n in range(40)))
    filler = None

    def run(*args: str) -> subprocess.CompletedProcess:
        nonlocal filler
        if root:
            free_kb = os.statvfs(disk).f_bavail * os.statvfs(disk).f_frsize // 1024
            filler = disk / "filler"
            with open(filler, "wb") as fh:
                fh.write(b"\0" * max(0, free_kb - 150) * 1024)
            return office.run(*args)
        env = {k: v for k, v in os.environ.items() if not k.startswith("PETITIONBOT_")} | {"PYTHONPATH": str(ROOT)}
        return subprocess.run([sys.executable, "-c", LIMITED_STORE, "run", *args, "--config", str(office.cfg),
                               "--as-of", "2026-11-27"], cwd=office.root, env=env, capture_output=True, text=True,
                              timeout=180)

    def free() -> None:
        if filler is not None:
            filler.unlink()

    yield office, run, free
    if root:
        subprocess.run(["umount", str(disk)], check=True)


def test_a_full_disk_under_the_store_fails_in_chinese_and_the_run_is_recorded_failed(full_store):
    office, run_full, free = full_store
    r = run_full("ledger")
    assert_clean_error(r, 1, "磁盘", "已满", "清理磁盘空间")

    free()  # the operator frees some space; what does the record say?
    with closing(sqlite3.connect(office.workdir / "petitionbot.db")) as con:
        rows = con.execute("SELECT id, status, summary FROM runs").fetchall()
    assert [row[1] for row in rows] == ["failed"]
    assert "已满" in json.loads(rows[0][2])["message"]
    shown = cli("runs", "--config", str(office.cfg), cwd=office.root)
    assert shown.returncode == 0 and "失败" in shown.stdout and "运行中" not in shown.stdout
    assert office.ok("ledger").returncode == 0  # with room again, the same command just works
