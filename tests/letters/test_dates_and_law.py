"""The dates and the law a letter states: the deadline engine's legal date (the upstream one where
it is earlier), a deadline already past on the letter's date said in the run report and in the
letter, working days for what a unit must meet, and articles from the legal-basis table."""

from __future__ import annotations

from datetime import date

import docx
import openpyxl

from core.clock import FixedClock
from flows.deadlines import build_engine
from flows.deadlines.settings import DeadlineSettings
from flows.letters import UnitItem, draft_letters, draft_unit_letter, legal
from flows.letters.dates import letter_dates
from flows.runs import Run
from tests.factories import make_petition


def text_of(path) -> str:
    d = docx.Document(str(path))
    return "\n".join([p.text for p in d.paragraphs] + [c.text for t in d.tables for r in t.rows for c in r.cells])


def test_the_letter_states_the_legal_date_not_a_later_upstream_one():
    engine = build_engine()  # zhejiang: 30 days from acceptance
    accepted = {"decision": "受理", "accepted_on": "2026-11-04"}
    later = letter_dates(make_petition(due_on=date(2027, 1, 2), clerk=accepted), engine)
    assert later.handling_due == date(2026, 12, 4)
    assert later.notes == ("上游限办日期2027年1月2日晚于按浙江省信访条例（2016）计算的法定期限2026年12月4日"
                           "（30日（自然日），依据《浙江省信访条例》第二十三条），文书按法定期限",)
    earlier = letter_dates(make_petition(due_on=date(2026, 11, 30), clerk=accepted), engine)
    assert earlier.handling_due == date(2026, 11, 30) and "早于" in earlier.notes[0] and "文书按上游日期" in earlier.notes[0]
    national = build_engine(DeadlineSettings(profile="national"))  # the profile decides: 60 days
    assert letter_dates(make_petition(clerk=accepted), national).handling_due == date(2027, 1, 4)  # 1-3 is a Sunday


def test_a_past_deadline_is_reported_and_worded_as_past(store, settings, clock, run, desk):
    store.insert(make_petition("YH2026100031", received_on=date(2026, 10, 9), assigned_on=date(2026, 10, 12),
                               due_on=date(2026, 12, 30), responsible_unit="永福村"), run_id=None, source="upstream")
    desk.sync()
    [d] = draft_letters(store, settings, clock, run)
    text = text_of(d.path)
    assert "本件受理告知期限已于2026年10月15日届满，请立即作出是否受理的决定" in text
    # handling: 30 days from receipt (no acceptance recorded) end on Sunday 11-08 -> Monday 11-09,
    # not the upstream's later 12-30
    assert "于2026年11月9日前办结并书面答复信访人" in text and "2026年12月30日" not in text
    notes = {n["note"] for n in run.extra["letters"]["deadline_notes"]}
    assert "成文日2026年11月5日时受理期限2026年10月15日已过21天，文书已写明已届满" in notes
    assert any(n.startswith("上游限办日期2026年12月30日晚于") and n.endswith("文书按法定期限") for n in notes)
    assert run.extra["letters"]["past_deadline"] == 1 and run.extra["letters"]["upstream_differs"] == 1
    assert "1 份新起草的文书中，期限在成文日已过（见 summary.json 的 letters.deadline_notes）" in run.warnings


def test_an_extension_beyond_the_legal_limit_is_not_issued(store, settings, clock, run, desk):
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    desk.type({"YH2026110001": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "延期至": date(2027, 3, 1),
                                "延期理由": "需要鉴定"}})
    kinds = {d.kind for d in draft_letters(store, settings, clock, run)}
    assert "延期办理告知书" not in kinds
    [pending] = [p for p in run.extra["letters"]["pending"] if p["kind"] == "延期办理告知书"]
    assert "超过法定延期上限（最迟2027年2月2日）" in pending["reason"]  # 30 days + 60 more, Zhejiang


def test_the_date_a_unit_must_report_by_is_a_working_day(store, settings, run):
    friday = FixedClock(date(2026, 11, 23))  # + 5 days = Saturday 11-28 -> Monday 11-30
    items = [UnitItem(make_petition(), date(2026, 11, 1), 22, step="办理答复")]
    d = draft_unit_letter("督办单", "永福村", items, store=store, settings=settings, clock=friday, run=run)
    assert "于2026年11月30日前书面报告" in text_of(d.path)
    national_day = FixedClock(date(2026, 9, 28))  # + 5 = 10-03, inside the National Day holiday -> 10-08
    d = draft_unit_letter("催办单", "永福村", items, store=store, settings=settings, clock=national_day, run=run)
    assert "于2026年10月8日前将办理情况报送本办" in text_of(d.path)


def test_the_legal_basis_table_and_the_statute_the_profile_picks(tmp_path, store, settings, desk):
    table = legal.load()
    assert table.labels("不予受理") == ["应通过法定途径解决", "不属于本机关职权范围"]
    assert table.labels("不再受理") == ["复核终结后同一事实理由"]
    checked = table.reasons["复核终结后同一事实理由"].by_statute["national"]
    assert checked.text_checked and checked.text.endswith("不再受理。") and not checked.article_checked
    # national rules: the extension notice cites 信访工作条例 (no provincial article involved)
    settings.deadlines.profile = "national"
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    desk.type({"YH2026110001": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "延期至": date(2027, 1, 20),
                                "延期理由": "需要鉴定"}})
    run = Run.start("letters", tmp_path / "r", FixedClock(date(2026, 11, 5)))
    drafted = {d.kind: d for d in draft_letters(store, settings, FixedClock(date(2026, 11, 5)), run)}
    assert "根据《信访工作条例》第三十四条的规定" in text_of(drafted["延期办理告知书"].path)
    assert any("《信访工作条例》第三十四条的条款号尚未核实" in w for w in run.warnings)


def test_the_ledger_offers_the_tables_reasons_as_a_drop_down(store, desk):
    store.insert(make_petition(), run_id=None, source="upstream")
    desk.sync()
    ws = openpyxl.load_workbook(desk.book)["台账"]
    column = next(c.column_letter for c in ws[1] if c.value == "法律依据")
    lists = [dv.formula1 for dv in ws.data_validations.dataValidation if column in str(dv.sqref)]
    assert lists and all(label in lists[0] for label in legal.load().labels())


def test_a_broken_legal_basis_table_holds_the_refusals_only(tmp_path, store, settings, clock, desk):
    (tmp_path / "legal.toml").write_text("[statutes.national\nname = ", encoding="utf-8")
    settings.letters.legal_basis_file = str(tmp_path / "legal.toml")
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110002", responsible_unit="永福村"), run_id=None, source="upstream")
    desk.type({"YH2026110002": {"受理情况": "不予受理", "不予受理/不再受理理由": "不属于信访事项"}})
    run = Run.start("letters", tmp_path / "r", clock)
    drafted = {(d.ref, d.kind) for d in draft_letters(store, settings, clock, run)}
    assert drafted == {("YH2026110001", "交办单")}
    assert any(w.startswith("法律依据表无法读取") and "格式错误" in w for w in run.warnings)
    assert [p["kind"] for p in run.extra["letters"]["pending"]] == ["不予受理告知书"]


def test_a_handover_drafted_after_acceptance_says_so_and_is_not_reissued(store, settings, clock, run, desk):
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    desk.type({"YH2026110001": {"受理情况": "受理", "受理日期": date(2026, 11, 4)}})
    handover = next(d for d in draft_letters(store, settings, clock, run) if d.kind == "交办单")
    text = text_of(handover.path)
    assert "本件已于2026年11月4日受理。请于2026年12月4日前办结并书面答复信访人。" in text
    assert "作出是否受理的决定" not in text
    desk.type({"YH2026110001": {"办结日期": date(2026, 11, 5)}, })
    settings.letters.contact_phone = "0571-86229999"  # would change every letter's text
    again = draft_letters(store, settings, clock, run)
    assert "交办单" not in {d.kind for d in again}  # already sent: not re-issued after the decision
    assert "交办单" not in (desk.row("YH2026110001")["期限提示"] or "")
