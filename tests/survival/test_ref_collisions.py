"""Refs that differ only in how they are written, through the real intake (Chromium against the
simulator) and the real ledger sync.

- ``XF(2026)77`` and ``XF（2026）77`` are one ref to us (one normalisation, core/refs.py): the
  first is stored, the second waits in quarantine with a reason naming both, and no file of one
  ever overwrites the other's; ``XF_2026_77``, a different ref whose folder name would sanitise
  alike, gets a folder of its own. Every stored attachment's sha256 matches its file.
- A lower-case upstream ref (``xf2026112500001``) is one ledger row, sync after sync, and a clerk's
  edit in that row reaches the store.
"""

from __future__ import annotations

import base64
import hashlib

import openpyxl

from petitionbot import wiring
from tests.e2e.conftest import dataset, petition
from tests.ledger.helpers import checks, header, rows_by_ref
from tests.survival.conftest import FAST


def attachment(text: str) -> list[dict]:
    return [{"name": "材料.txt", "media_type": "text/plain", "base64": base64.b64encode(text.encode()).decode()}]


def test_refs_differing_in_bracket_width_never_share_a_folder_or_a_record(make_env):
    data = dataset(petition("XF(2026)77", attachments=attachment("半角括号那件的材料"), assigned_on="2026-11-05"),
                   petition("XF（2026）77", attachments=attachment("全角括号那件的材料"), assigned_on="2026-11-04"),
                   petition("XF_2026_77", attachments=attachment("下划线那件的材料"), assigned_on="2026-11-03"))
    app, sim = make_env(data, **FAST)
    run = wiring.run_intake(app).run

    stored = {r: app.store.get(r) for r in app.store.refs()}
    assert len(stored) == 2 and "XF_2026_77" in stored
    kept = next(r for r in stored if r != "XF_2026_77")
    other = "XF（2026）77" if kept == "XF(2026)77" else "XF(2026)77"
    (q,) = app.store.quarantined()
    assert q["ref"] == other and kept in q["reason"] and "视为同一编号" in q["reason"]
    assert run.status == "partial" and run.counts.failed == 1

    folders = set()
    for p in stored.values():
        for a in p.attachments:
            data = (app.workdir / a.path).read_bytes()
            assert hashlib.sha256(data).hexdigest() == a.sha256 and len(data) == a.size, p.ref
            folders.add((app.workdir / a.path).parent)
    assert len(folders) == 2  # XF_2026_77 and the bracketed ref: two folders
    texts = {p.ref: (app.workdir / p.attachments[0].path).read_text(encoding="utf-8") for p in stored.values()}
    assert texts["XF_2026_77"] == "下划线那件的材料"

    again = wiring.run_intake(app).run  # nothing new, nothing overwritten; the quarantine stays for a person
    assert len(app.store.refs()) == 2 and again.counts.new == 0
    for p in stored.values():
        a = app.store.get(p.ref).attachments[0]
        assert hashlib.sha256((app.workdir / a.path).read_bytes()).hexdigest() == a.sha256


LOWER = "xf2026112500001"


def test_a_lower_case_ref_is_one_ledger_row_and_its_edits_are_saved(make_env):
    app, sim = make_env(dataset(petition(LOWER), petition("YH2026000002")), **FAST)
    assert wiring.run_intake(app).run.status == "ok"
    assert app.store.refs() == {LOWER, "YH2026000002"}
    book = app.workdir / "ledger" / "信访台账2026.xlsx"

    for _ in range(2):
        wiring.run_ledger(app)
        rows = rows_by_ref(book)
        assert len(rows) == 2, list(rows)
        assert not [c for c in checks(book) if "编号" in str(c[5])]  # no 编号重复, no unknown ref

    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    h = header(ws)
    row = next(r for r in range(2, ws.max_row + 1) if str(ws.cell(r, h["信访件编号"]).value).upper() == LOWER.upper())
    ws.cell(row, h["办理状态"]).value = "已办结"
    ws.cell(row, h["信访件编号"]).value = LOWER.upper()  # and Excel's autocorrect capitalised it
    wb.save(book)
    wiring.run_ledger(app)
    assert app.store.get(LOWER).clerk["handling_status"] == "已办结"
    assert len(rows_by_ref(book)) == 2 and len(app.store.refs()) == 2

    assert wiring.run_intake(app).run.counts.new == 0  # the upstream still lists it in lower case: the same petition
    wiring.run_ledger(app)
    assert len(rows_by_ref(book)) == 2
