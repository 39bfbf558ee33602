"""``petitionbot demo``: both simulators side by side, petitions and work orders in one store, one
ledger, with letters and reminders for both. Real Chromium, real simulators, real SMTP on
loopback (the demo's mail catcher), the ledger read back with openpyxl."""

from __future__ import annotations

import json
import sqlite3

import openpyxl

from petitionbot import cli


def test_the_demo_shows_work_orders_and_petitions_in_one_ledger_with_letters_and_reminders(tmp_path, capsys,
                                                                                          monkeypatch):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("PETITIONBOT_UPSTREAM_PASSWORD", raising=False)
    out = tmp_path / "demo"
    assert cli.main(["demo", "--out", str(out), "--count", "24", "--orders", "40", "--seed", "7"]) == 0
    printed = capsys.readouterr().out
    assert "失败：" not in printed and "12345热线" in printed

    book = openpyxl.load_workbook(out / "work" / "ledger" / "信访台账2026.xlsx", read_only=True)
    rows = list(book["台账"].iter_rows(values_only=True))
    head = next(i for i, r in enumerate(rows) if r and "来源" in r)
    cols = {name: n for n, name in enumerate(rows[head]) if name}
    body = [r for r in rows[head + 1:] if r[cols["信访件编号"]]]
    by_source = {}
    for r in body:
        by_source.setdefault(r[cols["来源"]], []).append(r)
    assert set(by_source) == {"区信访系统", "12345热线"}
    orders = by_source["12345热线"]
    assert all(str(r[cols["信访件编号"]]).startswith("YH-12345-") for r in orders)
    assert {r[cols["期限状态"]] for r in orders} & {"超期", "临期"}  # the 办理时限 runs

    letters = out / "work" / "letters"
    order_refs = {str(r[cols["信访件编号"]]) for r in orders}
    drafted = {(p.parent.name, p.name) for p in letters.rglob("*.docx")}
    # Every work order has its handover note, or the letters run says why not (a hostile title, an
    # accusation against its own unit): never silently skipped.
    pending = {x["ref"]: x["reason"] for f in (out / "work" / "runs").glob("*-letters-*/summary.json")
               for x in json.loads(f.read_text(encoding="utf-8"))["letters"]["pending"]}
    with_note = {ref for ref, name in drafted if name == "工单交办单.docx"}
    assert len(with_note) >= len(order_refs) - 3
    for ref in order_refs - with_note:
        assert pending.get(ref), ref
    assert any(name == "交办单.docx" and not ref.startswith("YH-12345-") for ref, name in drafted)
    assert not any(ref in order_refs and name.startswith("受理告知书") for ref, name in drafted)

    db = sqlite3.connect(out / "work" / "petitionbot.db")
    bodies = [json.loads(m)["body"] for (m,) in db.execute("SELECT message FROM outbox")]
    named = [b for b in bodies if "工单编号 YH-12345-" in b]
    assert named, "no reminder names a work order"
    assert any(ref in b for b in named for ref in order_refs)  # the 工单编号 whole, not masked as an ID
    assert any("XF20" in b for b in bodies)  # and the petitions' reminders beside them
    sources = {s for (s,) in db.execute("SELECT DISTINCT source FROM petitions")}
    assert sources == {"district", "hotline"}
