"""Properties of the engine over many start days (hypothesis), 2004 through 2027."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from flows.deadlines import build_engine
from flows.deadlines.profiles import StepRule

ENGINE = build_engine()
CAL = ENGINE.calendar
starts = st.dates(min_value=date(2005, 1, 1), max_value=date(2027, 6, 30))
rules = st.builds(StepRule, key=st.just("handling"), label=st.just("x"), days=st.integers(1, 90),
                  unit=st.sampled_from(["working", "calendar"]), roll=st.just(True))
FAST = settings(max_examples=150, deadline=None)


@FAST
@given(starts, rules)
def test_a_deadline_never_lands_on_a_rest_day(start, rule):
    due = ENGINE.count(rule, start).due
    assert CAL.is_workday(due)
    assert due > start


@FAST
@given(starts, st.integers(1, 40), rules)
def test_a_later_start_never_gives_an_earlier_deadline(start, shift, rule):
    assert ENGINE.count(rule, start + timedelta(days=shift)).due >= ENGINE.count(rule, start).due


@FAST
@given(starts, st.integers(1, 30))
def test_working_day_count_is_exact(start, n):
    rule = StepRule("acceptance", "x", n, "working", True)
    due = ENGINE.count(rule, start).due
    assert CAL.workdays_between(start, due) == n


@FAST
@given(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)))
def test_2026_published_holidays_and_makeup_days_are_honoured(day):
    makeup = {date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
              date(2026, 10, 10)}
    spring = {date(2026, 2, d) for d in range(15, 24)}
    national = {date(2026, 10, d) for d in range(1, 8)}
    if day in makeup:
        assert CAL.is_workday(day)
    elif day in spring or day in national:
        assert not CAL.is_workday(day)


@FAST
@given(st.dates(min_value=date(2027, 1, 1), max_value=date(2027, 12, 31)), rules)
def test_any_period_touching_2027_is_flagged_as_estimated(start, rule):
    assert 2027 in ENGINE.count(rule, start).estimated
