"""The monthly report says what it counts: the date basis (the ledger's), a month under way compared
with the same days, no months before the data, 无基准 instead of a cap of 1, machine-suggested
categories named as such; the .xlsx has numbers (not text) and native charts with integer axes; the
.docx is 3号 with page numbers. Read back with openpyxl / python-docx and the package XML."""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import pytest
from docx import Document
from openpyxl import load_workbook

from core.clock import FixedClock
from flows.analysis import taxonomy
from flows.analysis.report import monthly_report
from flows.analysis.settings import AnalysisSettings
from flows.ledger.stats import breakdowns
from flows.store.sqlite import SqliteStore
from tests.analysis.helpers import SHEN, petition

TODAY = date(2026, 11, 24)


def _seed(store):
    """October: one a day on the 2nd..31st (30); November: one a day on the 1st..24th (24). One
    petition received in October but assigned in November. Nothing before September."""
    n = 0
    for day in [date(2026, 10, d) for d in range(2, 32)] + [date(2026, 11, d) for d in range(1, 25)]:
        n += 1
        store.insert(petition(f"P{n:03d}", day, [SHEN], category="城乡建设" if n % 3 else "",
                              locality=("永福村", "宝塔村", "南湖社区")[n % 3]), run_id=None, source="upstream")
    moved = petition("MOVED", date(2026, 10, 20), [SHEN], category="民政")
    moved.assigned_on = date(2026, 11, 3)
    store.insert(moved, run_id=None, source="upstream")
    store.insert(petition("SEPT", date(2026, 9, 15), [SHEN], category="民政"), run_id=None, source="upstream")
    # the model suggested a category for the uncategorised ones; nobody confirmed it
    rows = [{"ref": p.ref, "category_suggested": "环境保护", "category_source": "lexicon"}
            for p in store.petitions() if not p.category]
    store.replace_analysis(rows, [], run_id=None, at=FixedClock(date(2026, 11, 30)).now())
    return n


@pytest.fixture
def made(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite")
    _seed(store)
    tax = taxonomy.load(AnalysisSettings().taxonomy_path())

    def make(basis="assigned_on", today=TODAY, settings=None):
        return monthly_report(store, "2026-11", settings or AnalysisSettings(), tax, tmp_path / basis, office="余杭街道信访办",
                              today=today, date_basis=basis, now=datetime.combine(today, datetime.min.time()))

    yield store, make
    store.close()


def _text(path) -> str:
    doc = Document(str(path))
    return "\n".join([p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells])


def test_partial_month_is_compared_with_the_same_days_and_the_basis_is_stated(made):
    store, make = made
    files = make()
    first = files.summary[1]
    # November 1..24 by 交办日期: 24 + the one assigned on 11-03; October 1..24: 23 (2nd..24th) - 0
    assert "本报告按交办日期统计（与台账一致）" in files.summary[0] and "截至24日" in files.summary[0]
    assert first.startswith("2026年11月（截至24日）共收到信访件 25 件")
    assert "比上月同期（10月1日至24日，23 件）" in first  # not all 30 of October
    assert "去年同月尚无数据（数据自2026年9月起）" in first
    text = _text(files.docx)
    assert "本报告按交办日期统计" in text and "上月同期" in text
    by_received = make("received_on")
    assert by_received.summary[1].startswith("2026年11月（截至24日）共收到信访件 24 件")
    assert "（10月1日至24日，24 件）" in by_received.summary[1]  # the moved one is October's by 登记日期
    # the ledger's 统计 counts by the same date
    months = {b.title: dict(b.rows) for b in breakdowns(store.petitions(), 2026, basis="received_on")}
    assert months["按月份（登记日期）"]["10月"] == 31
    assert dict(next(b for b in breakdowns(store.petitions(), 2026) if b.title == "按月份（交办日期）").rows)["11月"] == 25


def test_a_whole_month_is_compared_with_whole_months(made):
    _store, make = made
    files = make(today=date(2026, 12, 2))
    assert "截至" not in files.summary[1] and "比上月（30 件）" in files.summary[1]  # all of October


def test_no_months_before_the_first_petition(made):
    _store, make = made
    files = make()
    ws = load_workbook(files.xlsx)["月度件数"]
    months = [r[0] for r in ws.iter_rows(min_row=3, values_only=True) if r[0] and r[1] is not None]
    assert months == ["2026年9月", "10月", "11月（截至24日）"]


def test_village_without_base_year_has_no_cap_and_is_not_red(made):
    _store, make = made
    files = make()
    ws = load_workbook(files.xlsx)["村社控制数"]
    rows = [r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] and r[5]]
    assert rows and all(r[5] == "无基准" and r[2] is None and r[4] is None for r in rows)
    assert "基准年（2025年）没有数据" in "\n".join(files.summary)
    assert "已接近或超过年度控制数" not in "\n".join(files.summary)
    assert not any("五色图" in n for n in _chart_titles(files.xlsx))  # nothing to draw without caps
    capped = make(settings=AnalysisSettings(caps={"永福村": 10}))
    ws = load_workbook(capped.xlsx)["村社控制数"]
    grades = {r[0]: (r[2], r[4], r[5]) for r in ws.iter_rows(min_row=3, values_only=True) if r[0] and r[5]}
    assert grades["永福村"][0] == 10 and grades["永福村"][2] != "无基准" and grades["宝塔村"][2] == "无基准"


def test_machine_suggested_categories_are_shown_as_such(made):
    store, make = made
    files = make()
    suggested = sum(1 for p in store.petitions() if not p.category and p.assigned_on.month == 11)
    assert suggested and f"其中 {suggested} 件的分类为机器建议，未经确认" in "\n".join(files.summary)
    ws = load_workbook(files.xlsx)["按内容分类"]
    head = [c.value for c in ws[2]]
    env = next(r for r in ws.iter_rows(min_row=3, values_only=True) if r[0] == "环境保护")
    assert env[head.index("其中机器建议")] == suggested


def test_xlsx_has_numbers_with_percent_formats_and_native_charts_with_integer_axes(made):
    _store, make = made
    files = make()
    wb = load_workbook(files.xlsx)
    ws = wb["按问题属地"]
    head = [c.value for c in ws[2]]
    change = ws.cell(3, head.index("环比") + 1)
    assert isinstance(change.value, float) and "%" in change.number_format
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for c in row:
                assert not (isinstance(c.value, str) and re.fullmatch(r"'?[+-]?\d+%", c.value)), (sheet.title, c.value)
    titles = _chart_titles(files.xlsx)
    assert any("月度来件趋势" in t for t in titles) and any("内容分类" in t for t in titles)
    with zipfile.ZipFile(files.xlsx) as z:
        for name in (n for n in z.namelist() if n.startswith("xl/charts/chart")):
            xml = z.read(name).decode()
            unit = re.search(r'<c:majorUnit val="([\d.]+)"', xml)
            assert unit and float(unit.group(1)).is_integer(), name  # counts: 1, 2, 3 ..., never 0.5
    assert wb.properties.creator == "余杭街道信访办"
    for sheet in wb.worksheets:  # every sheet prints landscape, fitted to the page width
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title


def test_docx_body_is_3hao_with_page_numbers_and_real_properties(made):
    _store, make = made
    files = make()
    doc = Document(str(files.docx))
    body = [p for p in doc.paragraphs if p.text.startswith("本报告按")][0]
    assert body.runs[0].font.size.pt == 16
    assert "PAGE" in doc.sections[0].footer._element.xml
    assert doc.core_properties.author == "余杭街道信访办" and doc.core_properties.created.year == 2026
    w = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
    for t in doc.tables:
        assert t._tbl.find(f"{w}tr/{w}trPr/{w}tblHeader") is not None


def _chart_titles(path) -> list[str]:
    with zipfile.ZipFile(path) as z:
        return ["".join(re.findall(r"<a:t>([^<]*)</a:t>", z.read(n).decode()))
                for n in z.namelist() if n.startswith("xl/charts/chart")]


def test_days_in_the_compared_window_follow_the_shorter_month():
    # 31 March reported on the 31st is a whole month; on the 30th, February is compared whole (1..28).
    from flows.analysis.report import period_of

    p = period_of("2026-03", date(2026, 3, 30))
    assert p.through_day == 30 and p.days("2026-02") == "2月1日至28日"
    assert period_of("2026-03", date(2026, 3, 31)).through_day is None
    assert period_of("2026-03", date(2026, 4, 2)).through_day is None
