"""The round trip on real files: the bot writes, a clerk edits with openpyxl, the bot syncs."""

from __future__ import annotations

from datetime import date, datetime

import openpyxl
from openpyxl.styles import Font, PatternFill

from tests.ledger.helpers import append_row, checks, header, open_book, rows_by_ref, set_cell


def test_first_sync_fills_the_book_with_routing_and_first_values(seeded, sync):
    result = sync()
    assert result.written == [sync.book]
    rows = rows_by_ref(sync.book)
    assert list(rows) == ["YH2026110001", "YH2026110002", "YH2026110003"]
    assert rows["YH2026110001"]["责任单位"] == "永福村村委会"  # by locality
    assert rows["YH2026110002"]["责任单位"] == "城管环保办"  # by first-level category
    assert rows["YH2026110003"]["责任单位"] == "综治办"  # per-ref override
    assert rows["YH2026110001"]["办理状态"] == "待办理"
    assert isinstance(rows["YH2026110001"]["交办日期"], datetime)  # a real Excel date, not text
    p = seeded.get("YH2026110001")
    assert p.responsible_unit == "永福村村委会" and p.clerk["handling_status"] == "待办理"


def test_clerk_edits_walk_in_row_extra_column_and_sheet_survive(seeded, sync):
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    set_cell(ws, "YH2026110001", "办理状态", "已办结")
    set_cell(ws, "YH2026110001", "办结日期", date(2026, 11, 18))
    set_cell(ws, "YH2026110001", "答复方式", "书面答复")
    set_cell(ws, "YH2026110001", "责任单位", "城建办")  # the clerk overrides the routing rule
    set_cell(ws, "YH2026110002", "备注", "=SUM(1,2) 不是公式")
    ws.cell(rows_by_ref(sync.book)["YH2026110002"]["_row"], header(ws)["备注"]).data_type = "s"  # typed as text
    walk_in = append_row(ws, {"信访人": "赵六", "联系电话": "13700000006", "诉求摘要": "来访反映楼道堆物",
                              "问题属地": "永福村", "登记日期": "2026.11.19", "办理状态": "办理中"})
    extra_col = ws.max_column + 1
    ws.cell(1, extra_col).value = "包案领导"
    ws.cell(2, extra_col).value = "王主任"
    ws.cell(walk_in, extra_col).value = "李副主任"
    mine = wb.create_sheet("周报")
    mine["A1"] = "本周办结"
    mine["A1"].font = Font(bold=True, color="FFC00000")
    mine["B1"] = "=COUNTIF(台账!AA:AA,\"已办结\")"
    mine["A2"] = date(2026, 11, 16)
    mine["B2"] = 0.25
    mine["B2"].number_format = "0.00%"
    mine["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    mine.merge_cells("A4:C4")
    mine["A4"] = "合并的说明"
    mine.column_dimensions["A"].width = 28
    wb.save(sync.book)

    result = sync()
    assert result.edited == 2 and len(result.imported) == 1
    new_ref = result.imported[0]
    assert new_ref.startswith("BD2026")

    p = seeded.get("YH2026110001")
    assert p.clerk["handling_status"] == "已办结" and p.clerk["closed_on"] == "2026-11-18"
    assert p.responsible_unit == "城建办"
    hist = [h for h in seeded.history("YH2026110001") if h["source"] == "ledger"]
    assert {h["field"] for h in hist} == {"handling_status", "closed_on", "reply_method", "responsible_unit"}
    walked = seeded.get(new_ref)
    assert walked.source == "ledger" and walked.petitioners[0].name == "赵六"
    assert walked.received_on == date(2026, 11, 19) and walked.clerk["handling_status"] == "办理中"

    wb = openpyxl.load_workbook(sync.book)
    assert wb.sheetnames[:4] == ["台账", "打印", "校验", "统计"] and "周报" in wb.sheetnames
    ws = wb["台账"]
    h = header(ws)
    assert "包案领导" in h
    rows = rows_by_ref(sync.book)
    assert list(rows) == ["YH2026110001", "YH2026110002", "YH2026110003", new_ref]  # stable order
    assert rows["YH2026110001"]["包案领导"] == "王主任" and rows[new_ref]["包案领导"] == "李副主任"
    assert rows["YH2026110001"]["办结日期"] == datetime(2026, 11, 18)
    assert rows["YH2026110001"]["责任单位"] == "城建办"
    remark = ws.cell(rows["YH2026110002"]["_row"], h["备注"])
    assert remark.value == "=SUM(1,2) 不是公式" and remark.data_type == "s"  # text, never a formula
    summary = ws.cell(rows["YH2026110002"]["_row"], h["诉求摘要"])
    assert summary.value.startswith("=HYPERLINK") and summary.data_type == "s"

    mine = wb["周报"]
    assert mine["A1"].value == "本周办结" and mine["A1"].font.b and mine["A1"].font.color.rgb.endswith("C00000")
    assert mine["B1"].value == "=COUNTIF(台账!AA:AA,\"已办结\")"  # the clerk's own formula stays a formula
    assert mine["A2"].value == datetime(2026, 11, 16)
    assert mine["B2"].number_format == "0.00%" and mine["B2"].fill.fgColor.rgb.endswith("FFFF00")
    assert "A4:C4" in {str(r) for r in mine.merged_cells.ranges}
    assert abs(mine.column_dimensions["A"].width - 28) < 0.3

    # A third run with no edits changes nothing in the store and keeps everything again.
    result = sync()
    assert result.edited == 0 and result.imported == [] and result.issues == 0
    assert rows_by_ref(sync.book)[new_ref]["包案领导"] == "李副主任"
    assert not [c for c in checks(sync.book) if c[0] == "需处理"]


def test_store_changes_reach_the_book_when_the_clerk_did_not_touch_the_cell(seeded, sync):
    sync()
    p = seeded.get("YH2026110002")
    p.clerk["accepted_on"] = "2026-11-06"  # e.g. the letters flow records an acceptance
    p.status = "已受理待送达"
    seeded.save(p, changes=[("accepted_on", "", "2026-11-06")], source="bot", run_id=None)
    sync()
    row = rows_by_ref(sync.book)["YH2026110002"]
    assert row["受理日期"] == datetime(2026, 11, 6) and row["上游状态"] == "已受理待送达"
    # an upstream change is not mistaken for a clerk typing in a bot column
    assert not [c for c in checks(sync.book) if c[2] == "YH2026110002"]


def test_clerk_clearing_a_cell_clears_it_in_the_store(seeded, sync):
    sync()
    wb = open_book(sync.book)
    set_cell(wb["台账"], "YH2026110001", "办理状态", None)
    wb.save(sync.book)
    sync()
    assert "handling_status" not in seeded.get("YH2026110001").clerk
    assert rows_by_ref(sync.book)["YH2026110001"]["办理状态"] is None


def test_typing_in_a_bot_column_is_restored_and_reported(seeded, sync):
    sync()
    wb = open_book(sync.book)
    set_cell(wb["台账"], "YH2026110001", "问题属地", "我改的属地")
    wb.save(sync.book)
    sync()
    assert rows_by_ref(sync.book)["YH2026110001"]["问题属地"] == "永福村"
    found = [c for c in checks(sync.book) if c[3] == "问题属地"]
    assert found and found[0][4] == "我改的属地" and found[0][0] == "提示"


def test_new_petitions_are_appended_after_the_clerks_rows(seeded, sync):
    from tests.factories import make_petition

    sync()
    seeded.insert(make_petition("YH2026100009", assigned_on=date(2026, 10, 1)), run_id=None, source="upstream")
    sync()
    assert list(rows_by_ref(sync.book))[-1] == "YH2026100009"


def test_one_book_per_year_by_assigned_date(seeded, sync):
    from tests.factories import make_petition

    seeded.insert(make_petition("YH2025120001", received_on=date(2025, 12, 30), assigned_on=date(2025, 12, 31)),
                  run_id=None, source="upstream")
    result = sync()
    names = sorted(p.name for p in result.written)
    assert names == ["信访台账2025.xlsx", "信访台账2026.xlsx"]
    assert list(rows_by_ref(result.written[0])) == ["YH2025120001"]
