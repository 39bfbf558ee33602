"""The supervisors' overdue list and the unit digests count petitions, not steps, and print well.

The data has petitions late on two steps at once (受理告知 and 办理答复), the case that made the
list say "共 92 件" for 55 petitions: every "共N件" and "N件" must equal the distinct petitions,
worked out here from the deadline engine directly, not from the code under test.
"""

from __future__ import annotations

import re
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from docx import Document

from core.clock import FixedClock
from flows.deadlines import build_engine, step_status
from flows.reminders.flow import run_reminders
from flows.reminders.settings import Contact, ReminderSettings, UnitRecipients
from flows.store.sqlite import SqliteStore
from tests.factories import make_petition

TODAY = datetime(2026, 11, 27, 9, 0)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


class Mailbox:
    def __init__(self):
        self.sent = []

    def send(self, message) -> None:
        self.sent.append(message)


def _petitions():
    out = []
    # Never accepted: 受理告知 late and 办理答复 (counted from 登记日期) late too: two steps, one petition.
    for n, (unit, received) in enumerate([("永福村", "2026-09-01"), ("永福村", "2026-09-15"), ("永福村", "2026-10-05"),
                                          ("南湖社区", "2026-09-03"), ("南湖社区", "2026-10-08")], 1):
        day = date.fromisoformat(received)
        out.append(make_petition(f"YH-M{n}", responsible_unit=unit, received_on=day, assigned_on=day,
                                 title=f"反映第{n}件问题"))
    # Accepted: only 办理答复 can be late (one step).
    for n, (unit, accepted) in enumerate([("永福村", "2026-10-12"), ("城建办", "2026-10-20")], 1):
        day = date.fromisoformat(accepted)
        out.append(make_petition(f"YH-S{n}", responsible_unit=unit, received_on=day, assigned_on=day,
                                 clerk={"accepted_on": accepted, "decision": "受理"}, title=f"反映单环节问题{n}"))
    out.append(make_petition("YH-OK", responsible_unit="城建办", received_on=date(2026, 11, 25),
                             assigned_on=date(2026, 11, 25)))  # on track
    return out


def _expected(petitions, engine, day):
    """ref -> unit and ref -> overdue steps, straight from the engine."""
    late: dict[str, list[str]] = {}
    unit = {}
    for p in petitions:
        for st in engine.schedule(p).steps:
            if not st.done and step_status(st, day, engine).status == "overdue":
                late.setdefault(p.ref, []).append(st.step)
                unit[p.ref] = p.responsible_unit
    return late, unit


@pytest.fixture
def listed(tmp_path):
    store = SqliteStore(tmp_path / "db.sqlite")
    petitions = _petitions()
    for p in petitions:
        store.insert(p, run_id=None, source="upstream")
    engine = build_engine()
    units = {u: UnitRecipients(email=[f"{i}@example.gov.cn"]) for i, u in enumerate(("永福村", "南湖社区", "城建办"))}
    settings = ReminderSettings(units=units, supervisors=[Contact(name="主任", email="boss@example.gov.cn")])
    box = Mailbox()
    result = run_reminders(store.petitions(include_withdrawn=False), store=store, engine=engine, settings=settings,
                           clock=FixedClock(TODAY), channels={"email": box}, out_dir=tmp_path / "out",
                           office="余杭街道信访办", now=True)
    late, unit = _expected(petitions, engine, TODAY.date())
    yield result, box, late, unit
    store.close()


def test_the_data_has_petitions_late_on_several_steps(listed):
    _result, _box, late, _unit = listed
    assert sum(len(s) > 1 for s in late.values()) >= 4 and sum(len(s) for s in late.values()) > len(late)


def test_every_count_in_the_overdue_list_is_petitions(listed):
    result, box, late, unit = listed
    n = len(late)
    xlsx = next(p for p in result.outputs if p.suffix == ".xlsx")
    docx = next(p for p in result.outputs if p.suffix == ".docx")
    wb = openpyxl.load_workbook(xlsx)
    ws = wb["超期清单"]
    assert f"共 {n} 件" in ws["A1"].value
    rows = [r for r in ws.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    assert [r[0] for r in rows] == list(range(1, n + 1))
    assert sorted(r[2] for r in rows) == sorted(late)  # each petition once
    for r in rows:  # its late steps, inside its row, one line each
        assert len(r[5].splitlines()) == len(late[r[2]]) and r[1] == unit[r[2]]
    summary = {r[1]: r[2] for r in wb["按单位汇总"].iter_rows(min_row=3, values_only=True) if r[1]}
    assert summary.pop("合计") == n
    assert summary == {u: sum(unit[ref] == u for ref in late) for u in set(unit.values())}

    doc = Document(str(docx))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert f"超期信访事项共{n}件" in text and f"合计：超期{n}件。" in text
    several = sum(len(s) > 1 for s in late.values())
    assert f"其中{several}件有两个以上环节超期" in text
    headed = [int(m) for m in re.findall(r"、.+（(\d+)件）", text)]
    assert sum(headed) == n and sum(len(t.rows) - 1 for t in doc.tables) == n

    [mail] = [m for m in box.sent if "超期清单" in m.subject]
    assert mail.subject.endswith(f"超期信访事项 {n} 件")
    assert f"超期信访事项共 {n} 件" in mail.body
    for u in set(unit.values()):
        assert f"{u}：超期 {sum(unit[ref] == u for ref in late)} 件" in mail.body


def test_unit_digests_count_petitions_and_show_their_steps(listed):
    _result, box, late, unit = listed
    [digest] = [m for m in box.sent if m.subject.startswith("【信访催办】永福村")]
    mine = [ref for ref in late if unit[ref] == "永福村"]
    assert f"超期 {len(mine)} 件" in digest.subject
    for ref in mine:
        assert digest.body.count(ref) == 1  # one entry per petition...
        block = digest.body.split(ref, 1)[1].split("\n\n", 1)[0]
        assert block.count("期限") == len(late[ref])  # ...with each late step inside it
    assert "受理告知：期限" in digest.body and "办理答复：期限" in digest.body


def test_overdue_xlsx_prints_one_page_wide_with_real_dates_numbers_filter_borders_legend(listed):
    result, *_ = listed
    path = next(p for p in result.outputs if p.suffix == ".xlsx")
    ws = openpyxl.load_workbook(path)["超期清单"]
    assert ws.page_setup.orientation == "landscape" and ws.page_setup.paperSize == 9
    assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth in (None, 1)
    assert int(ws.page_setup.fitToHeight) == 0
    assert ws.print_title_rows.replace("$", "") == "3:3"
    assert ws.auto_filter.ref and ws.auto_filter.ref.startswith("A3:")
    assert "&P" in ws.oddFooter.center.text
    first = 4
    assert ws.cell(first, 7).is_date and isinstance(ws.cell(first, 7).value, datetime)
    assert isinstance(ws.cell(first, 8).value, int) and "0" in ws.cell(first, 8).number_format
    assert ws.cell(first, 1).border.left.style and ws.cell(first, 6).alignment.wrap_text
    legend = [c.value for c in ws[2] if c.value]
    assert legend[0] == "行底色：" and "已督办" in legend
    coloured = {c.value: c.fill.fgColor.rgb for c in ws[2] if c.value and c.value.startswith("已")}
    rows = {r[0].value: r[0].fill.fgColor.rgb for r in ws.iter_rows(min_row=first) if r[0].value}
    assert set(rows.values()) <= set(coloured.values())  # every row colour is in the legend
    for sheet in openpyxl.load_workbook(path).worksheets:
        assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage, sheet.title
    counts = openpyxl.load_workbook(path)["按单位汇总"]
    assert all(isinstance(r[2], int) for r in counts.iter_rows(min_row=3, values_only=True) if r[1])


def test_overdue_docx_page_numbers_repeating_header_unsplit_rows_nowrap_dates_properties(listed):
    result, *_ = listed
    path = next(p for p in result.outputs if p.suffix == ".docx")
    doc = Document(str(path))
    props = doc.core_properties
    assert props.author == "余杭街道信访办" and props.last_modified_by == "余杭街道信访办"
    assert props.created.date() == TODAY.date() and "python-docx" not in (props.comments or "")
    assert doc.settings.odd_and_even_pages_header_footer
    sec = doc.sections[0]
    for footer, side in ((sec.footer, "right"), (sec.even_page_footer, "left")):
        xml = footer._element.xml
        assert "PAGE" in xml and "— " in xml and " —" in xml and f'w:val="{side}"' in xml
    for t in doc.tables:
        rows = t._tbl.findall(f"{W}tr")
        assert rows[0].find(f"{W}trPr/{W}tblHeader") is not None
        assert all(r.find(f"{W}trPr/{W}cantSplit") is not None for r in rows)
        date_cells = [r.findall(f"{W}tc")[5] for r in rows[1:]]  # the header may wrap, the dates not
        assert all(c.find(f"{W}tcPr/{W}noWrap") is not None for c in date_cells)
    with zipfile.ZipFile(path) as z:
        core = z.read("docProps/core.xml").decode()
    assert "python-docx" not in core and "2013" not in core


def test_overdue_docx_dates_print_on_one_line_in_libreoffice(listed, tmp_path):
    import shutil
    import subprocess

    from flows.convert import to_pdf

    result, _box, late, _unit = listed
    path = next(p for p in result.outputs if p.suffix == ".docx")
    assert shutil.which("pdftotext"), "poppler-utils (pdftotext) is required"
    text = subprocess.run(["pdftotext", str(to_pdf(path, tmp_path)), "-"], capture_output=True, text=True,
                          check=True).stdout
    dates = re.findall(r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日", text)
    # every step's due date in the tables, the date in the opening sentence and the one under the signature
    assert len(dates) == sum(len(s) for s in late.values()) + 2
    assert not [d for d in dates if "\n" in d], "a date wraps inside its cell"


def test_overdue_docx_tables_fit_the_text_block(listed):
    # Measured in the generated file: its own page and margins, its tables' grids and cells.
    from docx.oxml.ns import qn

    result, *_ = listed
    doc = Document(str(next(p for p in result.outputs if p.suffix == ".docx")))
    sec = doc.sections[0]
    block = (sec.page_width - sec.left_margin - sec.right_margin) / 635  # EMU to twips
    assert abs(block - 156 / 25.4 * 1440) < 2  # GB/T 9704: a 156 mm text block (to a twip)
    assert doc.tables
    for t in doc.tables:
        grid = [int(col.get(qn("w:w"))) for col in t._tbl.tblGrid.findall(qn("w:gridCol"))]
        assert sum(grid) <= round(block)  # nothing runs off the page
        for row in t._tbl.tr_lst:
            assert [int(tc.tcPr.find(qn("w:tcW")).get(qn("w:w"))) for tc in row.tc_lst] == grid
