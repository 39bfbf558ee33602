"""Deadline arithmetic against dates worked out by hand from the 2026 State Council notice."""

from __future__ import annotations

from datetime import date

import pytest

from core.errors import ConfigError
from flows.deadlines import DeadlineSettings, WorkCalendar, build_engine, export_fields, load_profiles, status_fills
from flows.deadlines.engine import Engine
from tests.factories import make_petition

D = date.fromisoformat


def test_acceptance_counts_5_working_days_over_national_day_and_the_oct_10_makeup(engine):
    # received Mon 9-28: 9-29, 9-30, (10-1..10-7 off), 10-8, 10-9, 10-10 (Saturday make-up day)
    s = engine.schedule(make_petition(received_on=D("2026-09-28")))
    acc = s.step("acceptance")
    assert acc.due == D("2026-10-10")
    assert acc.count.skipped == tuple(D(f"2026-10-0{i}") for i in range(1, 8))


def test_acceptance_over_spring_festival_uses_feb_14_makeup(engine):
    # received Thu 2-12: 2-13, 2-14 (make-up Sat), (2-15..2-23 off), 2-24, 2-25, 2-26
    assert engine.schedule(make_petition(received_on=D("2026-02-12"))).step("acceptance").due == D("2026-02-26")


def test_calendar_period_ending_on_a_rest_day_rolls_to_next_working_day(engine):
    # accepted 9-5 + 30 days = 10-5 (National Day) -> 10-8
    p = make_petition(received_on=D("2026-09-01"), clerk={"accepted_on": "2026-09-05"})
    h = engine.schedule(p).step("handling")
    assert (h.count.rolled_from, h.due) == (D("2026-10-05"), D("2026-10-08"))


def test_rolling_can_be_switched_off(tmp_path):
    f = tmp_path / "office.toml"
    f.write_text('[zhejiang]\nroll = false\n[zhejiang.handling]\ndays = 30\n', encoding="utf-8")
    e = build_engine(DeadlineSettings(profiles_file=str(f)))
    p = make_petition(received_on=D("2026-09-01"), clerk={"accepted_on": "2026-09-05"})
    assert e.schedule(p).step("handling").due == D("2026-10-05")
    assert e.profile.steps["handling"].basis  # the office file changed one key, kept the rest


def test_handling_without_recorded_acceptance_starts_at_receipt(engine):
    p = make_petition(received_on=D("2026-11-02"))
    h = engine.schedule(p).step("handling")
    assert h.start == D("2026-11-02") and h.due == D("2026-12-02") and h.start_kind == "fallback_received"


def test_upstream_due_on_wins_and_a_disagreement_is_a_warning(engine):
    p = make_petition(received_on=D("2026-11-02"), due_on=D("2026-11-30"), clerk={"accepted_on": "2026-11-03"})
    s = engine.schedule(p)
    assert s.main.due == D("2026-11-30")
    assert any("上游限办日期" in w and "不一致" in w for w in s.warnings)
    same = make_petition(received_on=D("2026-11-02"), due_on=D("2026-12-03"), clerk={"accepted_on": "2026-11-03"})
    assert engine.schedule(same).warnings == []


def test_extension_moves_the_deadline_and_beyond_the_limit_warns(engine):
    base = {"accepted_on": "2026-09-01"}  # handling due 10-8 (10-1 + rolled)
    ok = engine.schedule(make_petition(received_on=D("2026-08-28"), clerk={**base, "extension_until": "2026-11-30"}))
    assert ok.main.due == D("2026-11-30") and ok.warnings == []
    too_far = engine.schedule(make_petition(received_on=D("2026-08-28"),
                                            clerk={**base, "extension_until": "2027-02-01"}))
    assert too_far.main.due == D("2027-02-01") and any("超过延期上限" in w for w in too_far.warnings)


def test_rejected_items_have_no_handling_step(engine):
    s = engine.schedule(make_petition(clerk={"decision": "不予受理", "accepted_on": "2026-11-04"}))
    assert [st.step for st in s.steps] == ["acceptance"] and s.main.step == "acceptance"


def test_review_steps_apply_when_requested(engine):
    p = make_petition(clerk={"accepted_on": "2026-11-03", "review_requested_on": "2026-11-10"})
    assert engine.schedule(p).step("review").due == D("2026-12-10")
    assert engine.schedule(make_petition()).step("review") is None


def test_national_profile_counts_calendar_days():
    e = build_engine(DeadlineSettings(profile="national"))
    s = e.schedule(make_petition(received_on=D("2026-11-02"), clerk={"accepted_on": "2026-11-10"}))
    assert s.step("acceptance").due == D("2026-11-17") and s.step("handling").due == D("2027-01-11")
    assert e.profile.steps["extension"].days == 30 and e.profile.steps["re_review"].days == 30


def test_a_deadline_crossing_into_2027_carries_the_estimate_warning(engine):
    p = make_petition(received_on=D("2026-12-01"), clerk={"accepted_on": "2026-12-20"})
    fields = export_fields(p, today=D("2026-12-21"), engine=engine)
    assert fields["due_on"] == "2027-01-19"
    assert any("2027年节假日安排尚无公布的数据" in w for w in fields["deadline_warnings"])
    assert "2027年节假日安排尚无公布的数据" in fields["deadline_explanation"]
    inside = export_fields(make_petition(received_on=D("2026-11-02")), today=D("2026-11-03"), engine=engine)
    assert inside["deadline_warnings"] == []


def test_override_file_makes_2027_exact_and_silences_the_warning(tmp_path):
    f = tmp_path / "overrides.toml"
    f.write_text('[2027]\npublished = true\nholidays = ["2027-01-19"]\nworkdays = ["2027-01-23"]\n', encoding="utf-8")
    e = build_engine(DeadlineSettings(calendar_overrides=str(f)))
    s = e.schedule(make_petition(received_on=D("2026-12-01"), clerk={"accepted_on": "2026-12-20"}))
    assert s.main.due == D("2027-01-20") and s.warnings == []  # 1-19 declared a holiday
    assert e.calendar.is_workday(D("2027-01-23"))  # a Saturday make-up day


@pytest.mark.parametrize("text, match", [
    ('[2027]\nholidays = ["2028-01-01"]\n', "不属于"),
    ('[2027]\nholidays = ["2027-01-01"]\nworkdays = ["2027-01-01"]\n', "既是放假又是上班"),
    ('[2027\n', "格式错误"),
])
def test_bad_override_file_is_a_config_error(tmp_path, text, match):
    f = tmp_path / "o.toml"
    f.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match=match):
        WorkCalendar.from_file(f)


def test_office_can_add_a_profile_that_extends_a_shipped_one(tmp_path):
    f = tmp_path / "mine.toml"
    f.write_text('[yuhang]\nextends = "zhejiang"\nlabel = "本街道"\n[yuhang.handling]\ndays = 20\nunit = "working"\n',
                 encoding="utf-8")
    profiles = load_profiles(f)
    assert profiles["yuhang"].steps["handling"].working and profiles["yuhang"].steps["acceptance"].days == 5
    with pytest.raises(ConfigError, match="unit"):
        bad = tmp_path / "bad.toml"
        bad.write_text('[x]\n[x.acceptance]\ndays = 5\nunit = "weeks"\n[x.handling]\ndays = 3\n', encoding="utf-8")
        load_profiles(bad)
    with pytest.raises(ConfigError, match="没有名为"):
        build_engine(DeadlineSettings(profile="nowhere"))


@pytest.mark.parametrize("clerk, status, late", [
    ({"accepted_on": "2026-11-03"}, "on_track", 0),                            # due 12-03, today 11-20
    ({"accepted_on": "2026-10-23"}, "due_soon", 0),                            # due 11-23 (Mon): 1 working day left
    ({"accepted_on": "2026-10-16"}, "overdue", 4),                             # due 11-16
    ({"accepted_on": "2026-10-16", "closed_on": "2026-11-10"}, "closed", 0),
    ({"accepted_on": "2026-10-16", "closed_on": "2026-11-18"}, "closed_late", 2),
])
def test_status_at_today(engine, clerk, status, late):
    f = export_fields(make_petition(received_on=D("2026-10-15"), clerk=clerk), today=D("2026-11-20"), engine=engine)
    assert (f["deadline_status"], f["days_overdue"]) == (status, late)
    assert [s["step"] for s in f["steps"]] == ["acceptance", "handling"]
    assert set(status_fills()) == {"on_track", "due_soon", "overdue", "closed", "closed_late"}


def test_overdue_acceptance_shows_in_steps_not_in_deadline_status(engine):
    f = export_fields(make_petition(received_on=D("2026-11-02")), today=D("2026-11-16"), engine=engine)
    acc = f["steps"][0]
    assert (acc["step"], acc["status"], acc["days_overdue"]) == ("acceptance", "overdue", 7)  # due 11-09
    assert f["deadline_status"] == "on_track"  # handling due 12-02 from receipt


def test_due_soon_threshold_is_configurable():
    e = Engine(build_engine().profile, WorkCalendar(), due_soon_days=0)
    f = export_fields(make_petition(received_on=D("2026-10-15"), clerk={"accepted_on": "2026-10-23"}),
                      today=D("2026-11-20"), engine=e)
    assert f["deadline_status"] == "on_track"
