"""The deadline columns of the 台账 and the row colours, read back from real files with openpyxl.

Clock: 2026-11-20 (Friday). Zhejiang profile: 受理告知 5 working days from receipt, 办理 30 days
from acceptance (from receipt while no 受理日期 is recorded), a rest-day end rolls to Monday.
"""

from __future__ import annotations

import json
from datetime import date, datetime

import openpyxl

from flows.deadlines import status_fills
from tests.factories import make_petition
from tests.ledger.helpers import checks, header, open_book, rows_by_ref, set_cell

FILLS = status_fills()
DEADLINE_HEADERS = ["受理告知期限", "办结期限", "期限状态", "超期天数", "期限提示", "上游限办日期", "上游状态"]


def _seed(store):
    # on track: received 11-02, handling due 12-02
    store.insert(make_petition("YH2026110001"), run_id=None, source="upstream")
    # overdue: received 10-01 (National Day), acceptance due 10-13 (Oct 8, 9, 10 make-up, 12, 13), handling 10-31 (Sat) -> 11-02 (Mon)
    store.insert(make_petition("YH2026100002", received_on=date(2026, 10, 1), assigned_on=date(2026, 10, 2)),
                 run_id=None, source="upstream")
    # due soon: the upstream 限办日期 11-24 wins (2 working days left)
    store.insert(make_petition("YH2026110003", due_on=date(2026, 11, 24)), run_id=None, source="upstream")
    # the handling deadline lands in 2027: no published holiday table yet
    store.insert(make_petition("YH2026120004", received_on=date(2026, 12, 15), assigned_on=date(2026, 12, 16)),
                 run_id=None, source="upstream")


def _fill(cell) -> str:
    f = cell.fill
    return f.fgColor.rgb[-6:] if f is not None and f.fill_type == "solid" else ""


def _cell(ws, ref: str, column: str):
    h = header(ws)
    for r in range(2, ws.max_row + 1):
        if ws.cell(r, h["信访件编号"]).value == ref:
            return ws.cell(r, h[column])
    raise KeyError(ref)


def test_deadline_columns_statuses_and_real_dates(store, sync):
    _seed(store)
    result = sync()
    ws = open_book(sync.book)["台账"]
    names = [c.value for c in ws[1]]
    at = names.index("信访内容")
    assert names[at + 1: at + 1 + len(DEADLINE_HEADERS)] == DEADLINE_HEADERS  # beside each other, before 责任单位
    # then the analysis columns, then the clerk columns
    assert names[at + 1 + len(DEADLINE_HEADERS)] == "初件/重件"
    assert names[names.index("分析说明") + 1] == "责任单位"

    rows = rows_by_ref(sync.book)
    ok, late, soon = rows["YH2026110001"], rows["YH2026100002"], rows["YH2026110003"]
    assert ok["受理告知期限"] == datetime(2026, 11, 9) and ok["办结期限"] == datetime(2026, 12, 2)
    assert ok["期限状态"] == "正常" and ok["超期天数"] is None
    assert ok["期限提示"] == "受理告知已超期 11 天"  # no 受理日期 recorded since 11-09
    assert late["受理告知期限"] == datetime(2026, 10, 13) and late["办结期限"] == datetime(2026, 11, 2)
    assert late["期限状态"] == "超期" and late["超期天数"] == 18
    assert "受理告知已超期 38 天" in late["期限提示"]  # the acceptance step shows although 期限状态 is handling's
    assert soon["办结期限"] == datetime(2026, 11, 24) and soon["期限状态"] == "临期"
    assert soon["上游限办日期"] == datetime(2026, 11, 24)
    assert "上游限办日期" in soon["期限提示"]  # the disagreement with the computed date is shown
    assert _cell(ws, "YH2026110001", "办结期限").number_format == "yyyy-mm-dd"
    assert result.deadline_status == {"on_track": 2, "overdue": 1, "due_soon": 1}


def test_rows_are_coloured_by_status(store, sync):
    _seed(store)
    sync()
    ws = open_book(sync.book)["台账"]
    # every written cell of an overdue row carries the overdue fill, not only the status cell
    for column in ("信访件编号", "期限状态", "办结期限", "诉求摘要", "办理状态", "责任单位"):
        assert _fill(_cell(ws, "YH2026100002", column)) == FILLS["overdue"], column
    assert _fill(_cell(ws, "YH2026110003", "期限状态")) == FILLS["due_soon"]
    assert _fill(_cell(ws, "YH2026110001", "期限状态")) == ""  # on track: no fill, the grid stays visible
    r = _cell(ws, "YH2026100002", "期限状态").row
    assert _fill(ws.row_dimensions[r]) == FILLS["overdue"]  # the row style colours its empty cells too
    assert _cell(ws, "YH2026100002", "期限状态").border.left.style == "thin"  # grid kept on a filled row


def test_estimated_year_is_marked_noted_and_warned(store, sync):
    _seed(store)
    sync()
    ws = open_book(sync.book)["台账"]
    due = _cell(ws, "YH2026120004", "办结期限")
    assert due.value == datetime(2027, 1, 14)  # a real date: sorts and filters as one
    assert due.number_format == 'yyyy-mm-dd"（估算）"'
    acceptance = _cell(ws, "YH2026120004", "受理告知期限")
    assert acceptance.value == datetime(2026, 12, 22) and "估算" not in acceptance.number_format  # 2026 is published
    note = _cell(ws, "YH2026120004", "期限提示").value
    assert "2027年节假日安排尚未公布" in note and "（估算）" in note
    assert "估算" not in (_cell(ws, "YH2026110001", "期限提示").value or "")
    warned = [w for w in sync.run.warnings if "估算" in w]
    assert len(warned) == 1 and "1 件" in warned[0] and "2027年" in warned[0]


def test_clerk_closing_in_the_book_recomputes_status_and_colour(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    set_cell(ws, "YH2026100002", "办结日期", date(2026, 11, 18))  # 16 days after 11-02
    set_cell(ws, "YH2026110001", "办结日期", "2026.11.19")  # typed as text, in time
    wb.save(sync.book)

    result = sync()
    assert result.edited == 2
    assert store.get("YH2026100002").clerk["closed_on"] == "2026-11-18"
    rows = rows_by_ref(sync.book)
    assert rows["YH2026100002"]["期限状态"] == "超期办结" and rows["YH2026100002"]["超期天数"] == 16
    assert rows["YH2026110001"]["期限状态"] == "已办结" and rows["YH2026110001"]["超期天数"] is None
    ws = open_book(sync.book)["台账"]
    assert _fill(_cell(ws, "YH2026100002", "期限状态")) == FILLS["closed_late"]
    assert _fill(_cell(ws, "YH2026110001", "信访件编号")) == FILLS["closed"]
    # the acceptance step is done once the item is closed: no stale "受理告知已超期" note
    assert "受理告知已超期" not in (rows["YH2026100002"]["期限提示"] or "")


def test_clerk_acceptance_and_extension_move_the_deadline(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    set_cell(ws, "YH2026110001", "受理日期", date(2026, 11, 6))  # handling: 30 days from 11-06 -> 12-06 (Sun) -> 12-07
    set_cell(ws, "YH2026100002", "延期至", date(2026, 12, 31))  # extension recorded: no longer overdue
    wb.save(sync.book)

    sync()
    rows = rows_by_ref(sync.book)
    assert rows["YH2026110001"]["办结期限"] == datetime(2026, 12, 7)
    assert rows["YH2026100002"]["办结期限"] == datetime(2026, 12, 31)
    assert rows["YH2026100002"]["期限状态"] == "正常" and rows["YH2026100002"]["超期天数"] is None
    ws = open_book(sync.book)["台账"]
    assert _fill(_cell(ws, "YH2026100002", "期限状态")) == ""


def test_typing_in_a_deadline_column_is_recomputed_without_a_check_note(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    set_cell(wb["台账"], "YH2026100002", "期限状态", "正常")
    wb.save(sync.book)
    sync()
    assert rows_by_ref(sync.book)["YH2026100002"]["期限状态"] == "超期"
    assert checks(sync.book) == []


def test_book_from_before_the_deadline_columns_is_upgraded_quietly(store, sync):
    """A book written when 办结期限 held the upstream 限办日期 gets the new columns, no 校验 flood."""
    _seed(store)
    sync.with_deadlines = False
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    for name in ("受理告知期限", "期限状态", "超期天数", "期限提示", "上游限办日期"):
        ws.delete_cols(header(ws)[name])
    set_cell(ws, "YH2026110003", "办结期限", date(2026, 11, 24))  # the old meaning: the upstream 限办日期
    wb.save(sync.book)
    sync.with_deadlines = True
    sync()
    names = [c.value for c in open_book(sync.book)["台账"][1]]
    at = names.index("信访内容")
    assert names[at + 1: at + 1 + len(DEADLINE_HEADERS)] == DEADLINE_HEADERS
    assert checks(sync.book) == []
    assert rows_by_ref(sync.book)["YH2026100002"]["期限状态"] == "超期"


def test_command_wires_the_engine_from_settings(tmp_path, capsys):
    from flows.store.sqlite import SqliteStore
    from petitionbot import cli

    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text('[storage]\nworkdir = "work"\n[ledger]\nbackups = 1\n[deadlines]\nprofile = "national"\n',
                   encoding="utf-8")
    store = SqliteStore(tmp_path / "work" / "petitionbot.db")
    store.insert(make_petition(), run_id=None, source="upstream")
    store.insert(make_petition("YH2026120004", received_on=date(2026, 12, 15), assigned_on=date(2026, 12, 16)),
                 run_id=None, source="upstream")
    store.close()
    assert cli.main(["run", "ledger", "--config", str(cfg), "--as-of", "2026-11-20"]) == 0
    out = capsys.readouterr().out
    assert "期限状态：正常 2 件" in out
    book = tmp_path / "work" / "ledger" / "信访台账2026.xlsx"
    ws = openpyxl.load_workbook(book)["台账"]
    # the national profile from [deadlines]: 15 days to decide acceptance, not 5 working days
    assert _cell(ws, "YH2026110001", "受理告知期限").value == datetime(2026, 11, 17)
    summary = json.loads(next((tmp_path / "work" / "runs").glob("*-ledger-*/summary.json")).read_text("utf-8"))
    assert any("估算" in w for w in summary["warnings"])


def test_coloured_book_converts_with_libreoffice(store, sync, tmp_path):
    from flows.convert import to_pdf

    _seed(store)
    sync()
    # row styles, filled and bordered formats, the "（估算）" number format: LibreOffice renders them all
    pdf = to_pdf(sync.book, tmp_path / "pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
