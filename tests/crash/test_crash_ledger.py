"""SIGKILL inside the ledger write, then run again: the book opens, holds every stored
ref once, and every clerk edit made before the crash is in the store and in the book."""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest

from tests.crash.conftest import Office, petition, temp_files
from tests.ledger.helpers import append_row, set_cell

BOOK = "信访台账2026.xlsx"
EDITS = {  # ref -> clerk column -> value typed in the book
    "YH2026000003": {"办理状态": "已办结", "办结日期": "2026-11-20", "备注": "已电话回访"},
    "YH2026000007": {"责任单位": "综治办", "内容分类（确认）": "城乡建设"},
    "YH2026000011": {"受理日期": "2026/11/12"},
}
STORED = {  # what the store must hold afterwards
    "YH2026000003": {"handling_status": "已办结", "closed_on": "2026-11-20", "remarks": "已电话回访"},
    "YH2026000007": {"category_confirmed": "城乡建设"},
    "YH2026000011": {"accepted_on": "2026-11-12"},
}


def _prepare(office: Office) -> None:
    office.insert(*(petition(n) for n in range(1, 21)))
    office.ok("ledger")
    book = office.workdir / "ledger" / BOOK
    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    for ref, cells in EDITS.items():
        for column, value in cells.items():
            set_cell(ws, ref, column, value)
    append_row(ws, {"信访人": "来访群众甲", "诉求摘要": "反映小区路灯不亮", "登记日期": "2026-11-25"})  # a walk-in
    ws.cell(1, ws.max_column + 1).value = "包案领导"  # a clerk's own column
    ws.cell(2, ws.max_column).value = "张书记"
    wb.save(book)
    office.insert(*(petition(n) for n in range(21, 26)))  # new since the last sync


def _check(office: Office) -> None:
    folder = office.workdir / "ledger"
    assert temp_files(folder) == []
    store = office.store()
    try:
        petitions = {p.ref: p for p in store.petitions()}
        walkins = [p for p in petitions.values() if p.source == "ledger"]
        assert len(walkins) == 1 and walkins[0].title.startswith("反映小区路灯不亮")  # imported once
        for ref, fields in STORED.items():
            for key, value in fields.items():
                assert petitions[ref].clerk[key] == value, (ref, key)
        assert petitions["YH2026000007"].responsible_unit == "综治办"
        ws = openpyxl.load_workbook(folder / BOOK)["台账"]
        head = {c.value: c.column for c in ws[1]}
        refs = [ws.cell(r, head["信访件编号"]).value for r in range(2, ws.max_row + 1)]
        refs = [r for r in refs if r]
        from collections import Counter
        assert sorted(set(refs)) == sorted(petitions), (Counter(refs), sorted(petitions))
        assert len(refs) == len(set(refs)), [r for r, n in Counter(refs).items() if n > 1]  # every ref once
        row = {ws.cell(r, head["信访件编号"]).value: r for r in range(2, ws.max_row + 1)}
        for ref in petitions:
            p = petitions[ref]
            cell = ws.cell(row[ref], head["办理状态"]).value
            assert (cell or "") == p.clerk.get("handling_status", ""), ref
            assert ws.cell(row[ref], head["责任单位"]).value == (p.responsible_unit or None), ref
        assert ws.cell(row["YH2026000003"], head["备注"]).value == "已电话回访"
        assert ws.cell(row["YH2026000003"], head["办结日期"]).value.date() == date(2026, 11, 20)
        assert ws.cell(row["YH2026000007"], head["内容分类（确认）"]).value == "城乡建设"
        assert "包案领导" in head and ws.cell(2, head["包案领导"]).value == "张书记"
        checks = openpyxl.load_workbook(folder / BOOK)["校验"]
        notes = [r for r in checks.iter_rows(min_row=3, values_only=True) if r[0] != "本次同步未发现问题。"]
        assert not [n for n in notes if "需处理" in map(str, n)], notes  # nothing a clerk must fix
    finally:
        store.close()


@pytest.mark.parametrize("point", ["ledger.after_apply=1", "ledger.before_replace=1", "ledger.before_snapshot=1"])
def test_sigkill_in_ledger_write_then_rerun(office, point):
    _prepare(office)
    office.killed("ledger", failpoint=point)
    office.ok("ledger")
    _check(office)
    office.ok("ledger")  # and a third run changes nothing a clerk would notice
    _check(office)
