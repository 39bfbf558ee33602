"""File safety: open book, pending file, atomic replace, backups; text safety on disk."""

from __future__ import annotations

from datetime import date

import openpyxl

from flows.ledger.cells import CUT_MARKER, EXCEL_CELL_LIMIT
from tests.factories import make_petition
from tests.ledger.helpers import append_row, checks, open_book, rows_by_ref, set_cell


def test_open_book_gets_a_pending_file_and_the_next_run_applies_it(seeded, sync, clock):
    sync()
    wb = open_book(sync.book)
    set_cell(wb["台账"], "YH2026110001", "办理状态", "办理中")
    append_row(wb["台账"], {"信访人": "周九", "诉求摘要": "来访咨询低保", "登记日期": "2026-11-19"})
    wb.save(sync.book)
    before = sync.book.read_bytes()
    owner = sync.book.with_name("~$" + sync.book.name)
    owner.write_bytes(b"clerk")  # Excel's owner file: the book is open on a desk

    result = sync()
    assert sync.book.read_bytes() == before  # never replaced under the clerk
    pending = sync.book.with_name("信访台账2026.待更新.xlsx")
    assert result.pending == [pending] and pending.exists()
    assert any("正在被打开" in w and "待更新" in w for w in sync.run.warnings)
    assert seeded.get("YH2026110001").clerk["handling_status"] == "办理中"  # edits read even so
    assert len(result.imported) == 1
    walk_in_ref = result.imported[0]
    assert walk_in_ref in rows_by_ref(pending)

    owner.unlink()  # the clerk saved and closed the book (the walk-in row still has no ref)
    clock.advance(hours=1)
    result = sync()
    assert result.written == [sync.book] and result.imported == []  # not imported twice
    assert not pending.exists()
    assert any("已合并" in w for w in sync.run.warnings)
    rows = rows_by_ref(sync.book)
    assert walk_in_ref in rows and rows["YH2026110001"]["办理状态"] == "办理中"
    # The walk-in row and the petition it became are one row, not the typed row plus an appended one.
    ws = openpyxl.load_workbook(sync.book)["台账"]
    col = [c.value for c in ws[1]].index("信访件编号") + 1
    refs = [ws.cell(r, col).value for r in range(2, ws.max_row + 1)]
    assert refs.count(walk_in_ref) == 1 and len(refs) == 4


def test_permission_error_on_replace_writes_pending(seeded, sync, monkeypatch):
    sync()
    from flows.ledger import files

    real = files.replace

    def refuse(tmp, book):
        if book == sync.book:  # Windows refuses to replace a book that Excel holds open
            raise PermissionError("locked by another process")
        real(tmp, book)

    monkeypatch.setattr(files, "replace", refuse)
    result = sync()
    assert result.pending and result.written == []
    assert not list(sync.book.parent.glob(".*.tmp.xlsx"))  # no temporary file left behind


def test_dated_backups_keep_only_the_newest_n(seeded, sync, clock):
    for _ in range(5):
        sync()
        clock.advance(minutes=1)
    backups = sorted((sync.book.parent / "备份").glob("*.xlsx"))
    assert len(backups) == sync.settings.backups == 3
    assert backups[-1].name == "信访台账2026.20261120-090400.xlsx"  # the 5th run backs up the 4th book


def test_control_characters_and_overlong_text(seeded, sync):
    long = "很长的信访内容" * 6000
    seeded.insert(make_petition("YH2026110099", content=long), run_id=None, source="upstream")
    sync()
    rows = rows_by_ref(sync.book)
    assert rows["YH2026110003"]["信访内容"] == "内容含控制字符"
    cut = rows["YH2026110099"]["信访内容"]
    assert len(cut) == EXCEL_CELL_LIMIT and cut.endswith(CUT_MARKER)
    assert seeded.get("YH2026110099").content == long  # the full text stays in the store
    notes = {(c[2], c[3]) for c in checks(sync.book)}
    assert ("YH2026110003", "信访内容") in notes and ("YH2026110099", "信访内容") in notes
    result = sync()  # a cut text is not mistaken for a clerk edit of a bot column
    assert not [c for c in checks(sync.book) if "已恢复" in (c[5] or "")]
    assert result.issues == 0


def test_a_corrupt_book_is_never_overwritten_and_other_years_still_sync(seeded, sync):
    seeded.insert(make_petition("YH2025120001", assigned_on=date(2025, 12, 31)), run_id=None, source="upstream")
    sync()
    garbage = b"PK\x03\x04 this is not a workbook any more"
    sync.book.write_bytes(garbage)
    result = sync()
    assert sync.book.read_bytes() == garbage
    assert result.skipped == [sync.book]
    assert [p.name for p in result.written] == ["信访台账2025.xlsx"]
    assert any("无法读取" in w for w in sync.run.warnings)
