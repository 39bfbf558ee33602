"""Which letters, with which values: plain Python, no files (unit tests of single functions)."""

from __future__ import annotations

from datetime import date

from flows.letters.context import UnitItem, fingerprint, petition_context, pronoun, unit_context, zh_date
from flows.letters.kinds import REQUIRED, SOURCES, describe_missing, missing
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
    assert due_kinds(make_petition(clerk={"decision": "受理", "extension_until": "2027-01-20"}), S) == [
        "交办单", "受理告知书", "延期办理告知书"]
    # a refused petition is not handed over to a unit: only the notice is due
    assert due_kinds(make_petition(clerk={"decision": "不予受理"}), S) == ["不予受理告知书"]
    assert due_kinds(make_petition(clerk={"decision": "不再受理"}), S) == ["不再受理告知书"]
    assert due_kinds(make_petition(upstream_state="withdrawn"), S) == []


def test_rules_are_configurable():
    s = LettersSettings(handover_note=False, since="2026-11-04", on_close=["处理意见书", "承办情况报告"])
    closed = make_petition(assigned_on=date(2026, 11, 4), clerk={"closed_on": "2026-11-20"})
    assert due_kinds(closed, s) == ["处理意见书", "承办情况报告"]
    assert due_kinds(make_petition(assigned_on=date(2026, 11, 4), handover="转送", clerk={"closed_on": "2026-11-20"}),
                     s) == ["处理意见书"]  # only 交办 items are reported back
    assert due_kinds(make_petition(assigned_on=date(2026, 11, 3), clerk={"closed_on": "x"}), s) == []


def test_a_handover_without_a_unit_is_incomplete_not_addressed_to_a_placeholder():
    ctx = petition_context(make_petition(), "unit", S, office="办", today=TODAY)
    assert ctx["责任单位"] == "" and "责任单位" in missing("交办单", ctx)
    assert describe_missing(["责任单位"]) == "待补全：缺少“责任单位”（台账“责任单位”列）"
    assert all(name in SOURCES for names in REQUIRED.values() for name in names)  # every line says where to fill


def test_you_or_you_all_from_the_number_of_petitioners():
    assert pronoun(make_petition()) == "你"
    assert pronoun(group_petition()) == "你们"
    assert pronoun(make_petition(headcount=12)) == "你们"  # a group visit with one name recorded
    ctx = petition_context(group_petition(), "petitioner", S, office="办", today=TODAY)
    assert ctx["称谓"] == "你们" and ctx["反映方式"] == "来信反映"


def test_composed_lines_leave_out_what_is_empty():
    p = make_petition(locality="", category="", handover_no="")
    ctx = petition_context(p, "unit", S, office="办", today=TODAY)
    assert [r["项目"] for r in ctx["基本情况"]] == ["收件日期", "交办日期", "信访形式", "信访目的", "人数"]
    assert ctx["联系方式"] == ""  # no contact configured: the note is left out, not printed empty
    s = LettersSettings(contact_phone="0571-86220000")
    assert petition_context(p, "unit", s, office="办", today=TODAY)["联系方式"] == "联系电话：0571-86220000"


def test_an_anonymous_petitioner_cannot_be_served_a_notice():
    p = make_petition(anonymous=True, petitioners=[])
    assert petition_context(p, "petitioner", S, office="办", today=TODAY)["信访人"] == ""
    assert petition_context(p, "unit", S, office="办", today=TODAY)["信访人"] == "匿名"


def test_accusation_never_names_the_petitioner_to_the_unit():
    p = accusation_petition()
    ctx = petition_context(p, "unit", S, office="办", today=TODAY)
    blob = repr(ctx)
    assert "赵铁柱" not in blob and "13905710003" not in blob and "33011019750505001X" not in blob
    assert ctx["信访人"] == "（依法保密）" and ctx["标题"] == "某某检举某单位干部违规发放补助"
    # The petitioner's own notice is addressed to them by name.
    assert petition_context(p, "petitioner", S, office="办", today=TODAY)["信访人"] == "赵铁柱"


def test_unit_letter_rows_mask_names_and_hide_accusers():
    named = make_petition("YH2026110009", title="王建国反映道路破损问题")
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4, step="受理告知"),
             UnitItem(accusation_petition(), date(2026, 11, 9), -4, step="办理答复"),
             UnitItem(group_petition(), date(2026, 11, 3), 2, step="办理答复"),
             UnitItem(named, date(2026, 11, 20), 0, note="王建国多次来访", step="办理答复", due_soon=False)]
    ctx = unit_context("凤凰山社区", items, S, office="办", today=TODAY, reply_by=date(2026, 11, 10))
    rows = ctx["事项列表"]
    assert ctx["事项数"] == "3" and [r["信访件编号"] for r in rows] == ["YH2026110002", "YH2026110003", "YH2026110009"]
    assert rows[0]["环节"] == "受理告知\n办理答复" and rows[0]["超期天数"] == "4\n2" and rows[0]["状态"] == "超期"
    assert [r["信访人"] for r in rows] == ["王*国、陈*英", "（依法保密）", "王*国"]
    assert rows[1]["标题"] == "某某检举某单位干部违规发放补助" and rows[1]["超期天数"] == "临期"
    assert rows[2]["标题"] == "某某反映道路破损问题" and rows[2]["备注"] == "某某多次来访" and rows[2]["超期天数"] == "—"
    assert ctx["报送期限"] == "2026年11月10日"
    assert "1390571" not in repr(ctx) and "赵铁柱" not in repr(ctx)


def test_fingerprint_ignores_the_drafting_date():
    a = petition_context(make_petition(), "unit", S, office="办", today=TODAY)
    b = petition_context(make_petition(), "unit", S, office="办", today=date(2026, 12, 1))
    assert fingerprint(a) == fingerprint(b)
    c = petition_context(make_petition(content="改了"), "unit", S, office="办", today=TODAY)
    assert fingerprint(a) != fingerprint(c)
