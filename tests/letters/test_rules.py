"""Which letters, with which values: plain Python, no files."""

from __future__ import annotations

from datetime import date

from flows.letters.context import UnitItem, fingerprint, petition_context, unit_context, zh_date
from flows.letters.rules import due_kinds
from flows.letters.settings import LettersSettings
from tests.factories import make_petition
from tests.letters.conftest import accusation_petition, group_petition

S = LettersSettings()
TODAY = date(2026, 11, 5)


def test_dates_have_no_leading_zeros():
    assert zh_date(date(2026, 11, 3)) == "2026年11月3日"
    assert zh_date("2027-01-05") == "2027年1月5日"
    assert zh_date(None) == ""


def test_default_rules_follow_the_clerks_decisions():
    assert due_kinds(make_petition(), S) == ["交办单"]
    assert due_kinds(group_petition(), S) == ["交办单", "受理告知书", "延期办理告知书"]
    assert due_kinds(make_petition(clerk={"decision": "不予受理"}), S) == ["交办单", "不予受理告知书"]
    assert due_kinds(make_petition(clerk={"decision": "不再受理"}), S) == ["交办单", "不再受理告知书"]
    assert due_kinds(make_petition(upstream_state="withdrawn"), S) == []


def test_rules_are_configurable():
    s = LettersSettings(handover_note=False, since="2026-11-04", on_close=["处理意见书", "承办情况报告"])
    closed = make_petition(assigned_on=date(2026, 11, 4), clerk={"closed_on": "2026-11-20"})
    assert due_kinds(closed, s) == ["处理意见书", "承办情况报告"]
    assert due_kinds(make_petition(assigned_on=date(2026, 11, 4), handover="转送", clerk={"closed_on": "2026-11-20"}),
                     s) == ["处理意见书"]  # only 交办 items are reported back
    assert due_kinds(make_petition(assigned_on=date(2026, 11, 3), clerk={"closed_on": "x"}), s) == []


def test_missing_unit_uses_the_configured_default():
    assert petition_context(make_petition(), "unit", S, office="办", today=TODAY)["责任单位"] == "待分派"
    s = LettersSettings(default_unit="信访办待定")
    assert petition_context(make_petition(), "unit", s, office="办", today=TODAY)["责任单位"] == "信访办待定"


def test_accusation_never_names_the_petitioner_to_the_unit():
    p = accusation_petition()
    ctx = petition_context(p, "unit", S, office="办", today=TODAY)
    blob = repr(ctx)
    assert "赵铁柱" not in blob and "13905710003" not in blob and "33011019750505001X" not in blob
    assert ctx["信访人"] == "（依法保密）"
    # The petitioner's own notice is addressed to them by name.
    assert petition_context(p, "petitioner", S, office="办", today=TODAY)["信访人"] == "赵铁柱"


def test_unit_letter_rows_mask_names_and_hide_accusers():
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4), UnitItem(accusation_petition(), date(2026, 11, 9), -4)]
    ctx = unit_context("凤凰山社区", items, S, office="办", today=TODAY)
    assert [r["信访人"] for r in ctx["事项列表"]] == ["王*国、陈*英", "（依法保密）"]
    assert [r["超期天数"] for r in ctx["事项列表"]] == ["4", ""]
    assert ctx["事项数"] == "2" and ctx["报送期限"] == "2026年11月10日"
    assert "1390571" not in repr(ctx)


def test_fingerprint_ignores_the_drafting_date():
    a = petition_context(make_petition(), "unit", S, office="办", today=TODAY)
    b = petition_context(make_petition(), "unit", S, office="办", today=date(2026, 12, 1))
    assert fingerprint(a) == fingerprint(b)
    c = petition_context(make_petition(content="改了"), "unit", S, office="办", today=TODAY)
    assert fingerprint(a) != fingerprint(c)
