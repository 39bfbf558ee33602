"""What the ledger looks like on paper: the 打印 sheet, the main sheet's page set-up, the colour
legend, estimated dates that print (no "###"), several ID numbers or phones in one cell.

Read back with openpyxl and printed by LibreOffice (pdftotext reads the PDF it makes).
"""

from __future__ import annotations

import shutil
import subprocess
from datetime import date, datetime

import openpyxl

from flows.convert import to_pdf
from flows.deadlines import STATUS_LABELS, status_fills
from flows.ledger.xlsx import _PRINT_TOP, PRINT_COLUMNS
from tests.factories import make_petition, make_petitioner
from tests.ledger.helpers import header, open_book, rows_by_ref, set_cell

FILLS = status_fills()


def _seed(store):
    store.insert(make_petition("YH2026110001"), run_id=None, source="upstream")  # on track
    store.insert(make_petition("YH2026100002", received_on=date(2026, 10, 1), assigned_on=date(2026, 10, 2),
                               petitioners=[make_petitioner(name="王建国"),
                                            make_petitioner(name="李四", id_number="330110198001010026",
                                                            phone="13800000002"),
                                            make_petitioner(name="赵六", id_number="33011019800101003X",
                                                            phone="13800000003")]), run_id=None, source="upstream")  # overdue
    store.insert(make_petition("YH2026110003", due_on=date(2026, 11, 24)), run_id=None, source="upstream")  # due soon
    # the handling deadline lands in 2027: no published holiday table yet -> "（估算）"
    store.insert(make_petition("YH2026120004", received_on=date(2026, 12, 15), assigned_on=date(2026, 12, 16)),
                 run_id=None, source="upstream")


def _pdf_text(pdf) -> str:
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is required"
    return subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout


def test_estimated_dates_print_as_dates_not_hashes(store, sync, tmp_path):
    _seed(store)
    sync()
    text = _pdf_text(to_pdf(sync.book, tmp_path / "pdf"))
    # The marker is part of the number format; a number wider than its column prints "###".
    assert "###" not in text
    assert text.count("2027-01-14（估算）") >= 2  # on 台账 and on 打印


def test_print_sheet_has_the_dozen_columns_every_row_and_prints_one_page_wide(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    assert wb.sheetnames == ["台账", "打印", "校验", "统计"]
    ws = wb["打印"]
    heads = [c.value for c in ws[2]]
    assert heads == ["序号", "信访件编号", "来源", "登记日期", "信访人", "问题属地", "内容分类", "诉求摘要", "责任单位",
                     "受理告知期限", "办结期限", "期限状态", "超期天数", "办理状态"]
    assert len(heads) == len(PRINT_COLUMNS)
    ledger = rows_by_ref(sync.book)
    printed = {r[1]: dict(zip(heads, r, strict=True)) for r in ws.iter_rows(min_row=3, values_only=True) if r[1]}
    assert set(printed) == set(ledger)
    for ref, row in printed.items():
        for h in heads:
            assert row[h] == ledger[ref][h], (ref, h)  # the same values as 台账, privacy rule included
    assert isinstance(printed["YH2026110001"]["登记日期"], datetime)  # real dates
    assert ws.page_setup.orientation == "landscape"
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert ws.print_title_rows.replace("$", "") == "1:2"  # legend and header on every page
    assert ws.auto_filter.ref.startswith("A2:")
    body = ws.cell(3, 2)
    assert body.font.sz >= 10.5 and body.border.left.style and body.border.bottom.style
    assert "&P" in ws.oddFooter.center.text and "2026年信访事项台账" in ws.oddHeader.center.text


def test_legend_names_every_row_colour(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    ws = wb["打印"]
    legend = {c.value: (c.fill.fgColor.rgb[-6:] if c.fill.fill_type == "solid" else "") for c in ws[1] if c.value}
    assert "行底色：" in legend
    for status, label in STATUS_LABELS.items():
        assert legend[label] == ("" if FILLS[status].upper() == "FFFFFF" else FILLS[status].upper()), label
    row_fills = {c.fill.fgColor.rgb[-6:] for row in ws.iter_rows(min_row=3) for c in row[:1] if c.fill.fill_type == "solid"}
    assert row_fills and row_fills <= {v for v in legend.values() if v}
    stats = [c.value for row in wb["统计"].iter_rows(max_row=3) for c in row if c.value]
    assert "台账行底色：" in stats and "超期" in stats and "临期" in stats
    # on 台账 itself the legend is the input message of 期限状态 and the printed footer
    led = wb["台账"]
    col = openpyxl.utils.get_column_letter(header(led)["期限状态"])
    [dv] = [dv for dv in led.data_validations.dataValidation if str(dv.sqref).startswith(f"{col}2")]
    assert "橙红底＝超期" in dv.prompt and "浅黄底＝临期" in dv.prompt
    assert "橙红底＝超期" in led.oddFooter.left.text


def test_main_sheet_prints_a_few_pages_wide_at_full_size(store, sync):
    _seed(store)
    sync()
    ws = open_book(sync.book)["台账"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 8  # A3
    # 45 columns on one page width printed at about 3 pt: a few pages wide instead, at about full size
    assert int(ws.page_setup.fitToWidth) >= 2 and int(ws.page_setup.fitToHeight) == 0
    assert ws.page_setup.pageOrder == "overThenDown"
    assert ws.print_title_rows.replace("$", "") == "1:1"
    assert ws.print_title_cols.replace("$", "") == "A:B"  # 序号 and 信访件编号 on every page


def test_several_ids_and_phones_are_one_a_line_and_the_row_is_tall_enough(store, sync):
    _seed(store)
    sync()
    ws = open_book(sync.book)["台账"]
    h = header(ws)
    row = rows_by_ref(sync.book)["YH2026100002"]["_row"]
    ids = ws.cell(row, h["证件号码"])
    assert ids.value.splitlines() == ["330110198001010018", "330110198001010026", "33011019800101003X"]
    assert ws.cell(row, h["联系电话"]).value.splitlines() == ["13905710001", "13800000002", "13800000003"]
    assert ids.alignment.wrap_text and ws.cell(row, h["联系电话"]).alignment.wrap_text
    assert ws.row_dimensions[row].height >= 3 * 10 * 1.2  # three lines of 10 pt
    single = rows_by_ref(sync.book)["YH2026110001"]["_row"]
    assert ws.row_dimensions[single].height is None  # one line: the default height


def test_clerk_edits_on_taizhang_still_sync_and_typing_on_the_print_sheet_is_overwritten(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    set_cell(wb["台账"], "YH2026110001", "办理状态", "已办结")
    wb["打印"]["B3"] = "信访员在打印表里改的"
    wb.save(sync.book)
    result = sync()
    assert result.edited == 1 and store.get("YH2026110001").clerk["handling_status"] == "已办结"
    wb = open_book(sync.book)
    assert wb.sheetnames == ["台账", "打印", "校验", "统计"]  # not kept as a clerk's own sheet
    values = [c.value for row in wb["打印"].iter_rows() for c in row]
    assert "信访员在打印表里改的" not in values
    printed = {r[1]: r for r in wb["打印"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert printed["YH2026110001"][[k for k, _ in PRINT_COLUMNS].index("handling_status")] == "已办结"


def test_every_sheet_prints_landscape_and_fits_the_width_and_every_row_is_bordered(store, sync):
    _seed(store)
    sync()
    wb = open_book(sync.book)
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape", ws.title
        if ws.title == "统计":  # one breakdown a page, its chart whole: manual breaks and a scale
            assert len(ws.row_breaks.brk) == 5 and 10 <= int(ws.page_setup.scale or 100) <= 100  # omitted at 100
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToHeight) == 0, ws.title
    ws = wb["台账"]
    plain = rows_by_ref(sync.book)["YH2026110001"]["_row"]  # 正常: no fill
    assert ws.cell(plain, 1).fill.fill_type is None and ws.cell(plain, 1).border.left.style == "thin"
    # the clerk columns of a new row are empty (no cell is written): the row's own look lends them
    # their lines, as a coloured row's does (Excel and LibreOffice draw an empty cell in its row's style)
    row = ws.row_dimensions[plain]
    assert row.customFormat and row.border.left.style == "thin" and row.fill.fill_type is None


def test_printed_empty_cells_keep_their_lines(store, sync):
    # A white row has no row style, so an empty cell written as no cell at all printed without lines
    # (a hole in the table): every printed cell is written with its style, empty or not.
    _seed(store)
    sync()
    ws = open_book(sync.book)["打印"]
    plain = [r for r in range(_PRINT_TOP + 1, ws.max_row + 1) if ws.cell(r, 2).value == "YH2026110001"]
    assert plain, "the 正常 row is printed"
    empty = [c for c in range(1, len(PRINT_COLUMNS) + 1) if ws.cell(plain[0], c).value in (None, "")]
    assert empty, "the seeded row has an empty printed cell (else this test checks nothing)"
    for c in range(1, len(PRINT_COLUMNS) + 1):
        cell = ws.cell(plain[0], c)
        assert cell.border.left.style and cell.border.bottom.style, (c, cell.value)


def test_book_properties_name_the_office_and_the_clock(store, sync):
    _seed(store)
    sync()
    props = open_book(sync.book).properties
    assert props.creator == "余杭街道信访办" and props.title == "余杭街道信访办2026年信访事项台账"
    assert props.created.date() == sync.clock.today()
