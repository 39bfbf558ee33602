"""Private by default: everything petitionbot writes (store, attachments such as 身份证复印件.jpg,
ledger, letters, lists, reports, logs, run folders, exports) is the service account's only:
folders 0700, files 0600. An office may name a group to share the workdir with (folders 2750,
files 0640, that group). Replacing a file keeps its owner and mode: run as root, a ledger that
belongs to the clerk's account stays the clerk's (never root:root 0644)."""

from __future__ import annotations

import grp
import os
import stat
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

from flows import diskio
from tests.crash.conftest import Office, petition

ROOT = Path(__file__).resolve().parents[2]
UPSTREAM = '[upstream]\nurl = "http://127.0.0.1:8765/"\nusername = "yhjd01"\n'
CLERK_UID = 4321  # not a real account: the owner a clerk's file would have


def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PETITIONBOT_")} | {"PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "petitionbot", *args], cwd=cwd, env=env, capture_output=True, text=True,
                       timeout=900)
    assert r.returncode == 0, f"{args}: rc={r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
    return r


def tree(root: Path) -> list[tuple[Path, os.stat_result]]:
    return [(p, p.lstat()) for p in [root, *sorted(root.rglob("*"))]]


def loose(entries: list[tuple[Path, os.stat_result]], *, folder: int, file: int) -> list[str]:
    """Entries whose mode allows more than ``folder`` / ``file``."""
    out = []
    for path, st in entries:
        allowed = folder if stat.S_ISDIR(st.st_mode) else file
        if stat.S_IMODE(st.st_mode) & ~allowed:
            out.append(f"{stat.S_IMODE(st.st_mode):04o} {path}")
    return out


@pytest.mark.slow
def test_everything_the_whole_chain_writes_is_private(tmp_path):
    out = tmp_path / "demo"
    cli("demo", "--count", "16", "--seed", "7", "--out", str(out), cwd=tmp_path)
    cli("export", "--masked", "--out", str(out / "work" / "外发.jsonl"), "--config", str(out / "petitionbot.toml"),
        cwd=tmp_path)
    entries = tree(out)
    names = {p.name for p, _st in entries}
    suffixes = {p.suffix for p, _st in entries}
    # The chain really wrote every kind of file this promise is about.
    assert {"petitionbot.db", "petitionbot.log", "run.log", "summary.json", "外发.jsonl", "dataset.json"} <= names
    assert {".xlsx", ".docx", ".jpg"} <= suffixes
    assert any(p.parent.name == "attachments" or "attachments" in p.parts for p, _st in entries)
    assert loose(entries, folder=0o700, file=0o600) == []
    assert all(st.st_uid == os.geteuid() for _p, st in entries)


@pytest.fixture
def office_group() -> grp.struct_group:
    """An existing group other than root's (Debian has "users"), standing for the office's 信访 group."""
    try:
        return grp.getgrnam("users")
    except KeyError:
        return next(g for g in grp.getgrall() if g.gr_gid != 0)


def test_a_workdir_shared_with_the_offices_group(tmp_path, office_group):
    office = Office(tmp_path / "office", UPSTREAM)
    office.cfg.write_text(office.cfg.read_text(encoding="utf-8").replace(
        "[storage]\n", f'[storage]\ngroup = "{office_group.gr_name}"\n'), encoding="utf-8")
    os.rmdir(office.workdir)  # let petitionbot create it, as on a new machine
    cli("runs", "--config", str(office.cfg), cwd=office.root)
    office.insert(*(petition(n, accepted="2026-11-02") for n in range(4)))
    for args in (["run", "ledger"], ["run", "letters"], ["export", "--masked", "--out", str(office.workdir / "外发.jsonl")]):
        cli(*args, "--config", str(office.cfg), "--as-of", "2026-11-27", cwd=office.root)
    entries = tree(office.workdir)
    assert {".xlsx", ".docx", ".jsonl", ".log"} <= {p.suffix for p, _st in entries}
    assert stat.S_IMODE(office.workdir.stat().st_mode) == 0o2750
    assert loose(entries, folder=0o2750, file=0o640) == []
    wrong_group = [str(p) for p, st in entries if st.st_gid != office_group.gr_gid]
    assert wrong_group == []


def test_an_unknown_group_is_a_config_error(tmp_path):
    office = Office(tmp_path / "office", UPSTREAM)
    office.cfg.write_text(office.cfg.read_text(encoding="utf-8").replace(
        "[storage]\n", '[storage]\ngroup = "no-such-group-xfb"\n'), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PETITIONBOT_")} | {"PYTHONPATH": str(ROOT)}
    r = subprocess.run([sys.executable, "-m", "petitionbot", "runs", "--config", str(office.cfg)], cwd=office.root,
                       env=env, capture_output=True, text=True, timeout=60)
    assert r.returncode == 2 and "Traceback" not in r.stderr
    assert "用户组“no-such-group-xfb”不存在" in r.stderr and "groupadd" in r.stderr


def test_a_replaced_ledger_keeps_the_clerks_owner_and_mode(tmp_path):
    office = Office(tmp_path / "office", UPSTREAM)
    office.insert(*(petition(n) for n in range(3)))
    office.ok("ledger")
    [book] = (office.workdir / "ledger").glob("信访台账*.xlsx")
    os.chown(book, CLERK_UID, CLERK_UID)  # the clerk's account owns the book (tests run as root, as CI does)
    os.chmod(book, 0o664)
    office.insert(petition(7))
    office.ok("ledger")  # the service, running as root, replaces the book
    st = book.stat()
    assert (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) == (CLERK_UID, CLERK_UID, 0o664)
    refs = {row[1] for row in openpyxl.load_workbook(book)["台账"].iter_rows(min_row=2, values_only=True)}
    assert "YH2026000007" in refs  # it was really replaced


def test_an_atomic_write_keeps_owner_and_mode_and_a_new_file_is_private(tmp_path):
    diskio.configure()
    new = diskio.write_atomic(tmp_path / "sub" / "身份证复印件.jpg", b"\xff\xd8jpeg")
    assert stat.S_IMODE(new.stat().st_mode) == 0o600 and stat.S_IMODE(new.parent.stat().st_mode) == 0o700
    target = tmp_path / "letter.docx"
    target.write_bytes(b"v1")
    os.chmod(target, 0o640)
    if os.geteuid() == 0:
        os.chown(target, CLERK_UID, CLERK_UID)
    before = target.stat()
    diskio.write_atomic(target, b"v2")
    after = target.stat()
    assert target.read_bytes() == b"v2" and after.st_ino != before.st_ino  # replaced, not written in place
    assert (after.st_uid, after.st_gid, stat.S_IMODE(after.st_mode)) == (before.st_uid, before.st_gid, 0o640)
