"""What a clerk sees and prints, read back with openpyxl and rendered by LibreOffice."""

from __future__ import annotations

import zipfile

import openpyxl

from flows.convert import to_pdf
from flows.ledger.columns import COLUMNS
from tests.ledger.helpers import rows_by_ref


def test_header_freeze_filter_widths_and_validations(seeded, sync):
    sync()
    wb = openpyxl.load_workbook(sync.book)
    ws = wb["台账"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]
    assert ws.freeze_panes == "C2"
    assert ws.auto_filter.ref == f"A1:{openpyxl.utils.get_column_letter(len(COLUMNS))}4"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb
    content = openpyxl.utils.get_column_letter([c.key for c in COLUMNS].index("content") + 1)
    assert ws.column_dimensions[content].width > 40  # 信访内容 is wide
    assert ws[f"{content}2"].alignment.wrap_text
    lists = {}
    for dv in ws.data_validations.dataValidation:
        col = str(dv.sqref).split(":")[0].rstrip("0123456789")
        lists[ws[f"{col}1"].value] = (dv.type, dv.formula1)
    assert lists["办理状态"][0] == "list" and "已办结" in lists["办理状态"][1]
    assert lists["答复方式"][0] == "list" and "书面答复" in lists["答复方式"][1]
    assert lists["满意度"][0] == "list" and "基本满意" in lists["满意度"][1]
    assert lists["办结日期"][0] == "date"


def test_print_setup(seeded, sync):
    sync()
    ws = openpyxl.load_workbook(sync.book)["台账"]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 8  # A3
    assert ws.print_title_rows.replace("$", "") == "1:1"
    # a few pages wide at about full size (the 打印 sheet is the one-page-wide list: tests/ledger/test_print.py)
    assert ws.sheet_properties.pageSetUpPr.fitToPage and int(ws.page_setup.fitToWidth) >= 2
    assert int(ws.page_setup.fitToHeight) == 0  # as many pages tall as needed
    assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text
    assert "余杭街道信访办2026年信访事项台账" in ws.oddHeader.center.text


def test_stats_sheet_has_counts_and_native_charts(seeded, sync):
    sync()
    ws = openpyxl.load_workbook(sync.book)["统计"]
    values = [row for row in ws.iter_rows(values_only=True) if row[0]]
    titles = [r[0] for r in values]
    for t in ("按内容分类", "按问题属地", "按信访形式", "按信访目的", "按月份（交办日期）"):
        assert t in titles
    assert ("11月", 3) in [(r[0], r[1]) for r in values]
    with zipfile.ZipFile(sync.book) as z:
        charts = [n for n in z.namelist() if n.startswith("xl/charts/chart")]
    assert len(charts) >= 5


def test_masked_and_hidden_personal_data(seeded, sync, tmp_path):
    sync.settings = sync.settings.model_copy(update={"personal_data": "mask", "outgoing_copy": "hide"})
    result = sync()
    rows = rows_by_ref(sync.book)
    r1 = rows["YH2026110001"]
    assert r1["信访人"] == "王*国" and r1["证件号码"] == "330***********0018" and r1["联系电话"] == "139****0001"
    assert rows["YH2026110003"]["信访人"] == "（检举控告，不公开）"
    (copy,) = result.copies
    ws = openpyxl.load_workbook(copy)["台账"]
    col = {c.value: c.column for c in ws[1]}
    assert ws.column_dimensions[openpyxl.utils.get_column_letter(col["证件号码"])].hidden
    blob = " ".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    for secret in ("王建国", "330110198001010018", "13905710001", "李四"):
        assert secret not in blob
    assert openpyxl.load_workbook(copy).sheetnames == ["台账", "打印", "校验", "统计"]
    printed = " ".join(str(v) for row in openpyxl.load_workbook(copy)["打印"].iter_rows(values_only=True) for v in row if v)
    assert "王建国" not in printed and "王*国" not in printed  # 打印 follows the copy's privacy rule
    # A masked working book is still synced without the masked cells looking like clerk edits.
    result = sync()
    assert result.issues == 0 and result.edited == 0


def test_book_converts_with_libreoffice(seeded, sync, tmp_path):
    sync()
    wb = openpyxl.load_workbook(sync.book)
    wb.create_sheet("自加表")["A1"] = "=1+1"
    wb.save(sync.book)
    sync()
    pdf = to_pdf(sync.book, tmp_path / "pdf")
    assert pdf.stat().st_size > 1000
    assert pdf.read_bytes().startswith(b"%PDF")


def test_the_analysis_columns_hold_their_longest_word():
    # 同一事项聚集 in a column 8 wide was cut to 同一事项聚 beside the 分析说明 (the round seventeen
    # ledger picture): a short text column is as wide as its longest word (a CJK character is two
    # width units) and one unit of margin
    from flows.analysis.export import ALERT_ZH
    from flows.analysis.repeats import CONFIDENT, SUSPECTED

    width = {c.header: c.width for c in COLUMNS}
    assert width["群体预警"] >= 2 * max(map(len, ALERT_ZH.values())) + 1
    assert width["初件/重件"] >= 2 * max(len(CONFIDENT), len(SUSPECTED), len("初件")) + 1
