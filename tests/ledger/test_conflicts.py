"""The clerk/store conflict rule, directly: a clerk edits a cell whose value the store also changed
since the last sync. The clerk's edit wins and is saved; the store's value is kept in the history
(the old value of that save) and 校验 names it. Neither is ever dropped silently."""

from __future__ import annotations

from dataclasses import replace

from flows.ledger.sync import LEVEL_CHECK
from tests.ledger.helpers import checks, open_book, rows_by_ref, set_cell


def _store_sets(store, ref: str, **clerk) -> None:
    """Another writer (a second book, the console, an import) changes clerk fields in the store."""
    p = store.get(ref)
    changes = [(k, p.clerk.get(k, ""), v) for k, v in clerk.items()]
    store.save(replace(p, clerk={**p.clerk, **clerk}), changes=changes, source="console", run_id=None)


def _clerk_types(sync, ref: str, **cells) -> None:
    wb = open_book(sync.book)
    for column, value in cells.items():
        set_cell(wb["台账"], ref, column, value)
    wb.save(sync.book)


def test_both_changed_the_clerk_wins_and_the_store_value_goes_to_history_and_checks(seeded, sync):
    sync()
    _store_sets(seeded, "YH2026110001", handling_status="办理中", remarks="系统备注")
    _clerk_types(sync, "YH2026110001", 办理状态="已办结", 备注="信访员备注")

    result = sync()

    p = seeded.get("YH2026110001")
    assert p.clerk["handling_status"] == "已办结" and p.clerk["remarks"] == "信访员备注"  # the clerk's edit is saved
    assert result.edited == 1
    saved = [h for h in seeded.history("YH2026110001") if h["source"] == "ledger"]
    assert {(h["field"], h["old"], h["new"]) for h in saved} == {
        ("handling_status", "办理中", "已办结"), ("remarks", "系统备注", "信访员备注")}  # the store's value kept
    rows = rows_by_ref(sync.book)
    assert rows["YH2026110001"]["办理状态"] == "已办结" and rows["YH2026110001"]["备注"] == "信访员备注"
    notes = {n[3]: n for n in checks(sync.book) if n[2] == "YH2026110001"}
    assert notes["办理状态"][0] == LEVEL_CHECK and "系统中此项也被改为「办理中」" in notes["办理状态"][5]
    assert notes["备注"][4] == "信访员备注" and "「系统备注」" in notes["备注"][5]


def test_only_the_store_changed_its_value_goes_into_the_book_without_a_note(seeded, sync):
    sync()
    _store_sets(seeded, "YH2026110001", handling_status="办理中")
    sync()
    assert seeded.get("YH2026110001").clerk["handling_status"] == "办理中"
    assert rows_by_ref(sync.book)["YH2026110001"]["办理状态"] == "办理中"
    assert not [n for n in checks(sync.book) if n[2] == "YH2026110001"]


def test_only_the_clerk_changed_it_is_saved_without_a_conflict_note(seeded, sync):
    sync()
    _clerk_types(sync, "YH2026110001", 办理状态="已办结")
    sync()
    assert seeded.get("YH2026110001").clerk["handling_status"] == "已办结"
    assert not [n for n in checks(sync.book) if n[2] == "YH2026110001" and "系统中此项也被改为" in str(n[5])]


def test_a_cell_kept_as_typed_then_corrected_is_no_conflict(seeded, sync):
    sync()
    _clerk_types(sync, "YH2026110001", 办结日期="下下周")  # not a date: kept as typed, listed on 校验
    sync()
    assert "closed_on" not in seeded.get("YH2026110001").clerk
    _clerk_types(sync, "YH2026110001", 办结日期="2026-11-19")
    sync()
    assert seeded.get("YH2026110001").clerk["closed_on"] == "2026-11-19"
    assert not [n for n in checks(sync.book) if n[2] == "YH2026110001"]
