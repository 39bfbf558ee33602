"""Helpers for the crash tests: the real CLI in a child process, killed at a fail point.

Each test builds its fixture data by inserting petitions into the store directly (no browser),
runs ``python -m petitionbot run <flow>`` with ``PETITIONBOT_FAILPOINTS="name=N"`` (the child
SIGKILLs itself the Nth time it reaches the point), checks it really died by SIGKILL, then runs
the same command again without the fail point and checks what is on disk and in the store.
"""

from __future__ import annotations

import os
import signal
import sqlite3
import subprocess
import sys
from contextlib import closing
from pathlib import Path

import pytest

from flows.store.sqlite import SqliteStore
from tests.factories import make_petition, make_petitioner

AS_OF = "2026-11-27"  # a Friday


class Office:
    """A config file and a work folder, as an office has them."""

    def __init__(self, root: Path, extra_toml: str = ""):
        self.root = root
        root.mkdir(parents=True, exist_ok=True)
        self.workdir = root / "work"
        self.cfg = root / "petitionbot.toml"
        self.cfg.write_text(f'office = "余杭街道信访办"\n[storage]\nworkdir = "work"\n{extra_toml}', encoding="utf-8")
        self.workdir.mkdir(parents=True, exist_ok=True)

    def store(self) -> SqliteStore:
        return SqliteStore(self.workdir / "petitionbot.db")

    def query(self, sql: str) -> list[tuple]:
        """What the database file holds, read by a connection of its own (not the store's)."""
        with closing(sqlite3.connect(self.workdir / "petitionbot.db")) as db:
            return [tuple(r) for r in db.execute(sql)]

    def insert(self, *petitions) -> None:
        s = self.store()
        try:
            for p in petitions:
                s.insert(p, run_id=None, source="upstream")
        finally:
            s.close()

    def run(self, flow: str, *args: str, failpoint: str | None = None) -> subprocess.CompletedProcess:
        env = {k: v for k, v in os.environ.items() if k not in ("PETITIONBOT_FAILPOINTS", "PETITIONBOT_AS_OF")}
        if failpoint:
            env["PETITIONBOT_FAILPOINTS"] = failpoint
        cmd = [sys.executable, "-m", "petitionbot", "run", flow, "--config", str(self.cfg), "--as-of", AS_OF, *args]
        return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, cwd=self.root)

    def killed(self, flow: str, *args: str, failpoint: str) -> None:
        r = self.run(flow, *args, failpoint=failpoint)
        assert r.returncode == -signal.SIGKILL, f"{failpoint} was not reached: rc={r.returncode}\n{r.stdout[-1500:]}\n{r.stderr[-1500:]}"

    def ok(self, flow: str, *args: str) -> subprocess.CompletedProcess:
        r = self.run(flow, *args)
        assert r.returncode == 0, f"rc={r.returncode}\n{r.stdout[-2000:]}\n{r.stderr[-2000:]}"
        return r


def temp_files(folder: Path) -> list[Path]:
    """Anything a half-finished write could leave: dot-temp files and writer side files."""
    return sorted(p for p in folder.rglob("*") if p.is_file() and (
        ".tmp" in p.name or p.name.endswith((".part", ".rows"))))


def petition(n: int, *, unit: str = "永福村", accepted: str | None = None, **kw):
    """Petition n of a small office: a distinct person each, assigned in November 2026."""
    from datetime import date

    clerk = kw.pop("clerk", {})
    if accepted:
        clerk = {"accepted_on": accepted, "decision": "受理", **clerk}
        received = date.fromisoformat(accepted)
        kw.setdefault("received_on", received)
        kw.setdefault("assigned_on", received)
    kw.setdefault("assigned_on", date(2026, 11, 1 + n % 25))
    kw.setdefault("received_on", kw["assigned_on"])
    return make_petition(f"YH2026{n:06d}", responsible_unit=unit, clerk=clerk,
                         petitioners=[make_petitioner(name=f"信访人{n}", phone=f"139{n:08d}",
                                                      id_number="")], **kw)


@pytest.fixture
def office(tmp_path) -> Office:
    return Office(tmp_path)
