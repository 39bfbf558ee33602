"""Regenerate the letter pictures of docs/letters.md from the demo, the way an office works.

    .venv/bin/python docs/img/letters/render.py [--demo out/demo-letters]

Runs ``petitionbot demo`` (unless ``--demo`` names a finished one), then acts as the clerk: types
decisions into the demo's ledger (受理, 不予受理, 不再受理, 延期, 办结) with their reasons and legal
basis, syncs the ledger, drafts the letters with ``--pdf`` and a 催办单 for one unit, and renders
the first pages of one letter of each kind to PNG with LibreOffice and poppler (70 dpi), next to
this script. Needs LibreOffice and poppler-utils (``make system``).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from datetime import date, timedelta
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[2]
sys.path.insert(0, str(ROOT))

LETTERS_CONFIG = """
[letters]
contact_person = "李敏"
contact_phone = "0571-86220000"
copy_to = "街道分管领导"
on_close = ["处理意见书", "承办情况报告"]
"""


def petitionbot(*args: str) -> None:
    subprocess.run([str(ROOT / ".venv/bin/petitionbot"), *args], check=True, stdout=subprocess.DEVNULL)


def clerk_types(book: Path, as_of: date) -> dict[str, str]:
    """Decisions on the first suitable rows; returns {kind: ref} of what was decided."""
    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    head = {c.value: c.column for c in ws[1] if c.value}
    rows = []
    for r in range(2, ws.max_row + 1):
        row = {name: ws.cell(r, col).value for name, col in head.items()}
        rows.append((r, row))

    def pick(test):
        for r, row in rows:
            if row["信访件编号"] not in used and test(row):
                used.add(row["信访件编号"])
                return r, row["信访件编号"]
        raise SystemExit("演示数据中找不到合适的信访件")

    used: set[str] = set()
    decided = {}

    def plain(row):
        return row["信访目的"] != "检举控告" and "、" not in str(row["信访人"] or "匿名")

    def received(r: int) -> date:
        value = ws.cell(r, head["登记日期"]).value
        return value.date() if hasattr(value, "date") else as_of

    land = ("补偿", "征收", "征地", "安置", "宅基地")
    for kind, test, cells in (
        ("受理告知书", plain, lambda d: {"受理情况": "受理", "受理日期": d + timedelta(days=3)}),
        ("不予受理告知书", lambda row: plain(row) and "工资" in str(row["信访内容"]),
         lambda d: {"受理情况": "不予受理", "不予受理/不再受理理由": "你反映的劳动报酬争议依法应当通过劳动仲裁解决",
                    "法律依据": "应通过法定途径解决"}),
        ("不再受理告知书", plain, lambda d: {
            "受理情况": "不再受理", "法律依据": "复核终结后同一事实理由",
            "不予受理/不再受理理由": "该事项已于2025年6月经余杭区人民政府复核终结，你现以同一事实和理由再次提出"}),
        # a recent one: the new date must lie ahead of the letter's date
        ("延期办理告知书", lambda row: any(w in str(row["信访内容"]) for w in land)
         and row["登记日期"] and row["登记日期"].date() >= as_of - timedelta(days=45),
         lambda d: {"受理情况": "受理", "受理日期": d + timedelta(days=3), "延期至": d + timedelta(days=3 + 30 + 40),
                    "延期理由": "需组织现场勘查并会同自然资源部门核实补偿标准"}),
        ("处理意见书", lambda row: plain(row) and row["交办文号"],
         lambda d: {"受理情况": "受理", "受理日期": d + timedelta(days=3), "办结日期": as_of}),
    ):
        r, ref = pick(test)
        for column, value in cells(received(r)).items():
            ws.cell(r, head[column]).value = value
        decided[kind] = ref
    wb.save(book)
    decided["承办情况报告"] = decided["处理意见书"]
    return decided


def draft_urge(demo: Path, as_of: date) -> Path:
    """A 催办单 for the unit with the most due-soon or overdue steps (the reminders flow drafts 督办单)."""
    from core.clock import FixedClock
    from flows.deadlines import build_engine
    from flows.letters import UnitItem, draft_unit_letter
    from flows.reminders.items import by_unit, collect
    from flows.store.sqlite import SqliteStore
    from petitionbot import config
    from petitionbot.hooks import letter_setup

    office = config.load(str(demo / "petitionbot.toml"))
    settings = letter_setup(office)
    store = SqliteStore(settings.workdir / "petitionbot.db")
    engine = build_engine(office.deadlines)
    items = collect(store.petitions(include_withdrawn=False), engine, as_of, office.reminders.ladder)
    unit, chosen = max(by_unit(items).items(), key=lambda kv: len({i.ref for i in kv[1]}))
    rows = [UnitItem(store.get(i.ref), i.due, i.days_overdue, step=i.step_label, due_soon=i.status == "due_soon")
            for i in chosen]
    d = draft_unit_letter("催办单", unit, rows, store=store, settings=settings, clock=FixedClock(as_of))
    store.close()
    return d.path


def latest(paths) -> Path:
    return max(paths, key=lambda p: p.stat().st_mtime_ns)


def to_png(docx: Path, name: str, pages: int) -> list[Path]:
    out = HERE / ".tmp"
    out.mkdir(exist_ok=True)
    subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(out), str(docx)], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    pdf = out / docx.with_suffix(".pdf").name
    subprocess.run(["pdftoppm", "-png", "-r", "70", "-l", str(pages), str(pdf), str(HERE / name)], check=True)
    return sorted(HERE.glob(f"{name}-*.png"))


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--demo", type=Path, default=ROOT / "out" / "demo-letters")
    args = ap.parse_args()
    demo = args.demo.resolve()
    as_of = date(2026, 11, 23)  # the demo's "today" (after its last assignment)
    if not (demo / "petitionbot.toml").exists():
        petitionbot("demo", "--out", str(demo), "--as-of", as_of.isoformat())
    cfg = demo / "petitionbot.toml"
    if "[letters]" not in cfg.read_text("utf-8"):
        cfg.write_text(cfg.read_text("utf-8") + LETTERS_CONFIG, "utf-8")
    book = demo / "work" / "ledger" / f"信访台账{as_of.year}.xlsx"
    decided = clerk_types(book, as_of)
    petitionbot("run", "ledger", "--config", str(cfg), "--as-of", as_of.isoformat())
    petitionbot("run", "letters", "--config", str(cfg), "--as-of", as_of.isoformat())
    letters = demo / "work" / "letters" / str(as_of.year)
    chosen = {kind: latest((letters / ref).glob(f"{kind}*.docx")) for kind, ref in decided.items()}
    chosen["交办单"] = latest((letters / decided["处理意见书"]).glob("交办单*.docx"))
    chosen["督办单"] = latest(letters.glob(f"单位/*/{as_of:%Y%m%d}/督办单-*.docx"))
    chosen["催办单"] = draft_urge(demo, as_of)
    for old in HERE.glob("*.png"):
        old.unlink()
    for kind, path in chosen.items():
        for png in to_png(path, kind, pages=2):
            print(png.relative_to(ROOT))
    shutil.rmtree(HERE / ".tmp")
    return 0


if __name__ == "__main__":
    sys.exit(main())
