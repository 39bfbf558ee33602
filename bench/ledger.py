"""Benchmark of the ledger sync on a 100,000-row book. Prints figures and ratios.

    .venv/bin/python bench/ledger.py [--rows 100000] [--edits 1000] [--new 100]

Phases, each in a fresh child process so peak memory (ru_maxrss) is per phase:
  rebuild   store with N petitions (routing and first values already saved), no book: write it
  sync      100 new petitions in the store + 1,000 clerk edits made in the book: read, save, write
  openpyxl  the same book with a plain openpyxl load, modify 1,000 cells, save (the baseline)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _petition(i: int, day: date):
    from core.model import Petition, Petitioner

    return Petition(
        ref=f"YH2026{i:07d}", title=f"反映第{i % 97}组道路破损、积水问题", form=("来信", "来访", "网上信访", "电话")[i % 4],
        received_on=day, assigned_on=day + timedelta(days=1), assigned_to="YH-JD", assigning_office="余杭区信访局",
        handover_no=f"余信交〔2026〕{i}号", petitioners=[Petitioner(f"王{i % 500}国", "330110198001010018",
                                                                "13905710001", f"永福村{i % 9}组")],
        headcount=1 + i % 7, locality=f"村社{i % 40}", purpose=("求决", "申诉", "建议意见")[i % 3],
        category=("城乡建设", "环境保护", "劳动和社会保障", "农村农业")[i % 4],
        content="群众反映道路破损严重，雨天积水，出行不便，要求尽快修复。" * 2, demand="要求尽快修复。", status="待办理",
        responsible_unit=f"村社{i % 40}村委会", clerk={"handling_status": "待办理"},
    )


def _store(db: Path, rows: int):
    from flows.store.sqlite import SqliteStore

    store = SqliteStore(db)
    day0 = date(2026, 1, 1)
    with store.transaction():  # bulk seed (untimed): one transaction, not 100,000
        for i in range(rows):
            store.insert(_petition(i, day0 + timedelta(days=i % 360)), run_id=None, source="upstream")
    _analysis(store, rows)
    return store


def _analysis(store, rows: int) -> None:
    """Findings as an analysis run leaves them (table 0040): a quarter suggested by the model, one in
    ten a repeat with its explanation, one in a hundred in a group alert."""
    import petitionbot.config  # noqa: F401 - flows.analysis.settings needs the shell's Section first

    out = []
    for i in range(rows):
        rep = i % 10 == 3
        out.append({
            "ref": f"YH2026{i:07d}", "category_suggested": ("城乡建设", "环境保护")[i % 2],
            "category_confidence": 0.5 + (i % 50) / 100, "category_source": "model" if i % 4 == 1 else "upstream",
            "category_why": "", "is_repeat": int(rep), "repeat_of": f"YH2026{max(i - 3, 0):07d}" if rep else "",
            "repeat_matched": "", "repeat_count": 1 + i % 3 if rep else 0,
            "repeat_why": f"与 YH2026{max(i - 3, 0):07d} 为同一信访人（电话 139****0001），内容相似度 0.82" if rep else "",
            "supervise": 0, "supervise_why": "", "group_alert": int(i % 100 == 7), "alert_ids": [],
        })
    store.replace_analysis(out, [], None, at=datetime.now())


def _sync(work: Path, store):
    from core.clock import FixedClock
    from flows.deadlines import build_engine
    from flows.ledger import LedgerDeadlines, LedgerSettings, sync_ledger
    from flows.runs import Run

    clock = FixedClock(date(2026, 12, 30))
    run = Run.start("ledger", work / "runs", clock)
    # Wired as the shell wires it (and timed with it): the engine is built inside the measured phase.
    # Assigned dates spread over 2026 with "today" 2026-12-30 give every status, and December's
    # handling deadlines fall in 2027, so the estimate marking is exercised as well.
    deadlines = LedgerDeadlines(build_engine(), clock.today())
    # The analysis as petitionbot/commands/ledger.py wires it, also inside the measured phase: the
    # taxonomy's categories as the drop-down, the analysis table read once into a plain mapping.
    import petitionbot.config  # noqa: F401 - flows.analysis.settings needs the shell's Section first
    from flows.analysis import ledger_columns, taxonomy
    from flows.analysis.settings import AnalysisSettings

    tax = taxonomy.load(AnalysisSettings().taxonomy_path())
    settings = LedgerSettings(backups=2, categories=list(tax.categories))
    return sync_ledger(store, settings, clock, run, workdir=work, office="余杭街道信访办",
                       deadlines=deadlines, analysis=ledger_columns(store))


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def phase(name: str, work: Path, rows: int, edits: int, new: int) -> dict:
    from flows.store.sqlite import SqliteStore

    book = work / "ledger" / "信访台账2026.xlsx"
    t0 = time.perf_counter()
    cpu0 = 0.0
    out: dict = {"phase": name}
    if name == "seed":
        _store(work / "db.sqlite", rows).close()
    elif name == "rebuild":
        store = SqliteStore(work / "db.sqlite")
        t0, cpu0 = time.perf_counter(), _cpu()
        _sync(work, store)
    elif name == "clerk":  # untimed: the edits a clerk makes, saved by openpyxl as Excel would save them
        import openpyxl

        wb = openpyxl.load_workbook(book)
        ws = wb["台账"]
        col = {c.value: c.column for c in ws[1]}
        rnd = random.Random(7)
        for r in rnd.sample(range(2, rows + 2), edits):
            ws.cell(r, col["办理状态"]).value = "已办结"
            ws.cell(r, col["办结日期"]).value = "2026.12.1"
        ws.cell(1, ws.max_column + 1).value = "包案领导"
        wb.create_sheet("周报")["A1"] = "=COUNTA(台账!B:B)"
        wb.save(book)
        store = SqliteStore(work / "db.sqlite")

        for i in range(new):
            p = _petition(rows + i, date(2026, 12, 20))
            store.insert(p, run_id=None, source="upstream")
        store.close()
    elif name == "sync":
        store = SqliteStore(work / "db.sqlite")
        t0, cpu0 = time.perf_counter(), _cpu()
        result = _sync(work, store)
        out["edited"] = result.edited
        out["issues"] = result.issues
        out["deadline_status"] = dict(result.deadline_status)
    elif name == "openpyxl":
        import openpyxl

        t0, cpu0 = time.perf_counter(), _cpu()
        wb = openpyxl.load_workbook(book)
        ws = wb["台账"]
        status_col = next(c.column for c in ws[1] if c.value == "办理状态")
        for r in range(2, edits + 2):
            ws.cell(r, status_col).value = "已办结"
        wb.save(work / "openpyxl.xlsx")
    out["seconds"] = round(time.perf_counter() - t0, 2)
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = round(usage.ru_utime + usage.ru_stime - cpu0, 2)
    out["peak_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=100_000)
    ap.add_argument("--edits", type=int, default=1000)
    ap.add_argument("--new", type=int, default=100)
    ap.add_argument("--phase")
    ap.add_argument("--work")
    a = ap.parse_args()
    if a.phase:
        print(json.dumps(phase(a.phase, Path(a.work), a.rows, a.edits, a.new)))
        return
    work = Path(tempfile.mkdtemp(prefix="bench-ledger-"))
    res = {}
    for name in ("seed", "rebuild", "clerk", "sync", "openpyxl"):
        cmd = [sys.executable, __file__, "--phase", name, "--work", str(work), "--rows", str(a.rows),
               "--edits", str(a.edits), "--new", str(a.new)]
        line = subprocess.run(cmd, check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
        res[name] = json.loads(line)
        print(f"{name:9s} {res[name]['seconds']:7.2f} s wall  {res[name]['cpu']:7.2f} s cpu   "
              f"peak {res[name]['peak_mb']:5d} MB", flush=True)
    r, s, o = res["rebuild"], res["sync"], res["openpyxl"]
    print()
    print(f"rows={a.rows} clerk edits={a.edits} new={a.new}; book {(work / 'ledger' / '信访台账2026.xlsx').stat().st_size / 1e6:.1f} MB")
    # CPU seconds are reported beside wall time: on a shared machine wall time measures the neighbours.
    print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    print(f"rebuild  {r['seconds']:.1f} s wall, {r['cpu']:.1f} s cpu (target <= 30)   peak {r['peak_mb']} MB (target <= 600)")
    print(f"sync     {s['seconds']:.1f} s wall, {s['cpu']:.1f} s cpu (target <= 45)   peak {s['peak_mb']} MB;"
          f" edits saved: {s.get('edited')}")
    print(f"deadline statuses after sync: {s.get('deadline_status')}")
    print(f"openpyxl load-modify-save {o['seconds']:.1f} s wall, {o['cpu']:.1f} s cpu, peak {o['peak_mb']} MB")
    print(f"ratio openpyxl / sync    = {o['seconds'] / s['seconds']:.2f}x wall, {o['cpu'] / s['cpu']:.2f}x cpu (target >= 3)")
    print(f"ratio openpyxl / rebuild = {o['seconds'] / r['seconds']:.2f}x wall, {o['cpu'] / r['cpu']:.2f}x cpu")


if __name__ == "__main__":
    main()
