"""Wrong clerk input: read when unambiguous, otherwise kept as typed and flagged; never a crash."""

from __future__ import annotations

from datetime import datetime

from tests.ledger.helpers import append_row, checks, open_book, rows_by_ref, set_cell


def _edit(sync, edits):
    wb = open_book(sync.book)
    ws = wb["台账"]
    for ref, col, value in edits:
        set_cell(ws, ref, col, value)
    wb.save(sync.book)


def test_dates_typed_as_text_are_read_or_flagged(seeded, sync):
    sync()
    _edit(sync, [("YH2026110001", "办结日期", "2026.11.3"), ("YH2026110001", "送达日期", "11月5日"),
                 ("YH2026110002", "办结日期", "下周一"), ("YH2026110003", "受理日期", "2026.2.30")])
    result = sync()
    p1 = seeded.get("YH2026110001")
    assert p1.clerk["closed_on"] == "2026-11-03" and p1.clerk["served_on"] == "2026-11-05"
    assert "closed_on" not in seeded.get("YH2026110002").clerk
    assert "accepted_on" not in seeded.get("YH2026110003").clerk
    rows = rows_by_ref(sync.book)
    assert rows["YH2026110001"]["办结日期"] == datetime(2026, 11, 3)  # written back as a real date
    assert rows["YH2026110002"]["办结日期"] == "下周一"  # kept exactly as typed
    assert rows["YH2026110003"]["受理日期"] == "2026.2.30"
    found = {(c[2], c[3]): c for c in checks(sync.book)}
    assert found[("YH2026110002", "办结日期")][0] == "需处理"
    assert found[("YH2026110003", "受理日期")][0] == "需处理"
    assert found[("YH2026110001", "送达日期")][0] == "已自动识别"
    assert result.issues == 2
    assert any("办结日期" in w and "YH2026110002" in w for w in sync.run.warnings)
    assert "下周一" not in " ".join(sync.run.warnings)  # typed content stays in the office's book
    # Still wrong next run: still flagged, still kept.
    sync()
    assert rows_by_ref(sync.book)["YH2026110002"]["办结日期"] == "下周一"
    assert ("YH2026110002", "办结日期") in {(c[2], c[3]) for c in checks(sync.book)}


def test_unknown_status_is_kept_and_flagged_alias_is_mapped(seeded, sync):
    sync()
    _edit(sync, [("YH2026110001", "办理状态", "搞定了"), ("YH2026110002", "办理状态", "办结"),
                 ("YH2026110003", "满意度", "很满意")])
    sync()
    assert seeded.get("YH2026110001").clerk["handling_status"] == "待办理"
    assert seeded.get("YH2026110002").clerk["handling_status"] == "已办结"
    assert "satisfaction" not in seeded.get("YH2026110003").clerk
    rows = rows_by_ref(sync.book)
    assert rows["YH2026110001"]["办理状态"] == "搞定了" and rows["YH2026110003"]["满意度"] == "很满意"
    problems = {(c[2], c[3]): c[0] for c in checks(sync.book)}
    assert problems[("YH2026110001", "办理状态")] == "需处理"
    assert problems[("YH2026110003", "满意度")] == "需处理"


def test_a_ref_typed_twice_keeps_both_rows_and_applies_neither(seeded, sync):
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    set_cell(ws, "YH2026110001", "办理状态", "已办结")
    append_row(ws, {"信访件编号": "YH2026110001", "信访人": "王建国", "办理状态": "办理中"})
    wb.save(sync.book)
    result = sync()
    assert seeded.get("YH2026110001").clerk["handling_status"] == "待办理"
    wb = open_book(sync.book)
    ws = wb["台账"]
    col = {c.value: c.column for c in ws[1]}
    dup = [r for r in range(2, ws.max_row + 1) if ws.cell(r, col["信访件编号"]).value == "YH2026110001"]
    assert len(dup) == 2
    assert {ws.cell(r, col["办理状态"]).value for r in dup} == {"已办结", "办理中"}
    assert sum(1 for c in checks(sync.book) if c[2] == "YH2026110001" and "重复" in c[5]) == 2
    assert result.issues == 2


def test_an_unknown_ref_and_a_bad_walk_in_row_are_kept_not_imported(seeded, sync):
    sync()
    wb = open_book(sync.book)
    ws = wb["台账"]
    append_row(ws, {"信访件编号": "NOSUCH1", "信访人": "钱七", "备注": "电话来的"})
    append_row(ws, {"信访人": "孙八", "诉求摘要": "来访", "登记日期": "昨天"})
    wb.save(sync.book)
    result = sync()
    assert result.imported == [] and seeded.get("NOSUCH1") is None
    rows = rows_by_ref(sync.book)
    assert rows["NOSUCH1"]["备注"] == "电话来的"
    bad = [r for k, r in rows.items() if r["信访人"] == "孙八"]
    assert bad and bad[0]["登记日期"] == "昨天"
    problems = checks(sync.book)
    assert any(c[2] == "NOSUCH1" for c in problems) and any(c[3] == "登记日期" for c in problems)


def test_a_garbage_book_cell_types_never_crash(seeded, sync):
    sync()
    _edit(sync, [("YH2026110001", "办结日期", True), ("YH2026110001", "办理状态", 3.5),
                 ("YH2026110001", "责任人", 12345), ("YH2026110002", "受理日期", 46329)])
    sync()
    p = seeded.get("YH2026110001")
    assert p.clerk["responsible_person"] == "12345"
    assert seeded.get("YH2026110002").clerk["accepted_on"] == "2026-11-03"
