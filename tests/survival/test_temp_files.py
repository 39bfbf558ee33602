"""No temp file outside the private temp folder, and every run sweeps it first.

The real ``petitionbot run ledger`` runs in a child process and is cut short in the middle of
writing the book: SIGKILLed at the ``ledger.while_writing`` fail point, or stopped by a full disk
(its files may not grow beyond 512 KB, ``RLIMIT_FSIZE``, while the book's sheet XML is far bigger:
a clerk's own column holds long work notes). Either way the workbook writer was half-way
through: its sheet XML and side files exist. They must be in ``work/tmp/<pid>/`` (0700), never in
``ledger/`` beside the clerks' book; and the next run leaves none anywhere."""

from __future__ import annotations

import os
import random
import resource
import stat
import subprocess
import sys

import openpyxl
import pytest

from tests.crash.conftest import AS_OF, Office, petition
from tests.ledger.helpers import header

LIMIT = 512 * 1024


def bot_temp_files(root):
    """Anything a half-finished write leaves: XlsxWriter's mkstemp files (tmpXXXXXXXX), side files."""
    return sorted(p for p in root.rglob("*") if p.is_file() and (
        p.name.startswith("tmp") or ".tmp" in p.name or p.name.endswith((".part", ".rows"))))


def run_on_a_full_disk(office: Office) -> subprocess.CompletedProcess:
    def limit():
        resource.setrlimit(resource.RLIMIT_FSIZE, (LIMIT, LIMIT))  # Python ignores SIGXFSZ: writes fail (EFBIG)

    env = {k: v for k, v in os.environ.items() if k not in ("PETITIONBOT_FAILPOINTS", "PETITIONBOT_AS_OF")}
    cmd = [sys.executable, "-m", "petitionbot", "run", "ledger", "--config", str(office.cfg), "--as-of", AS_OF]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=180, cwd=office.root,
                          preexec_fn=limit)  # noqa: PLW1509 - the child sets its own limits, nothing else


@pytest.fixture
def office(tmp_path) -> Office:
    o = Office(tmp_path)
    o.insert(*(petition(n) for n in range(1, 31)))
    o.ok("ledger")
    book = o.workdir / "ledger" / "信访台账2026.xlsx"
    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    col = ws.max_column + 1
    ws.cell(1, col).value = "工作记录"
    rng = random.Random(7)
    for r in range(2, ws.max_row + 1):  # ~30 KB of notes per row: ~1 MB of sheet XML in all
        ws.cell(r, col).value = "".join(chr(rng.randint(0x4E00, 0x9FA5)) for _ in range(10_000))
    assert header(ws)["工作记录"] == col
    wb.save(book)
    return o


@pytest.mark.parametrize("how", ["kill", "full disk"])
def test_a_write_cut_short_leaves_temp_files_only_in_the_private_folder_and_the_next_run_sweeps_them(office, how):
    if how == "kill":
        office.killed("ledger", failpoint="ledger.while_writing=1")
    else:
        r = run_on_a_full_disk(office)
        assert r.returncode == 1 and "写入台账失败" in r.stderr, (r.returncode, r.stderr[-1500:])

    ledger, private = office.workdir / "ledger", office.workdir / "tmp"
    assert bot_temp_files(ledger) == []  # nothing beside the clerks' book
    left = bot_temp_files(private)
    assert left, "the write was not cut short inside the workbook writer"
    for folder in {p.parent for p in left} | {private}:
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    outside = [p for p in bot_temp_files(office.workdir) if private not in p.parents]
    assert outside == []

    office.ok("ledger")  # the next run (any flow) sweeps the private folder first
    assert bot_temp_files(office.workdir) == []
    assert openpyxl.load_workbook(ledger / "信访台账2026.xlsx")["台账"].cell(1, 1).value == "序号"
