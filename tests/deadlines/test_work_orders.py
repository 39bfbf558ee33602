"""A work order's deadline is the platform's 办理时限, never a statute's; the explanation says so."""

from datetime import date

from flows.deadlines import default_engine, explain, export_fields
from tests.factories import make_petition, make_work_order


def test_a_work_order_has_one_step_the_platforms_time_limit():
    engine = default_engine()
    order = make_work_order(received_on=date(2026, 11, 3), assigned_on=date(2026, 11, 3), due_on=date(2026, 11, 6))
    schedule = engine.schedule(order)
    assert [s.step for s in schedule.steps] == ["handling"] and schedule.main.due == date(2026, 11, 6)
    # The same dates on a 信访件 run the statutes: an acceptance step and a computed handling date.
    petition = make_petition(received_on=date(2026, 11, 3), assigned_on=date(2026, 11, 3))
    statutory = engine.schedule(petition)
    assert [s.step for s in statutory.steps] == ["acceptance", "handling"]
    assert statutory.main.due != date(2026, 11, 6)


def test_the_explanation_says_the_statutes_do_not_apply():
    engine = default_engine()
    order = make_work_order(due_on=date(2026, 11, 6), due_time="17:25")
    text = explain(engine.schedule(order), date(2026, 11, 9), engine)
    assert text.startswith("工单 YH-12345-20261103-0007：工单按热线平台设定的办理时限办理，不适用信访条例")
    assert "平台设定的办理时限 2026年11月6日17:25" in text and "超期 3 天" in text
    assert "受理告知" not in text and "次日起算" not in text


def test_overdue_closed_and_extended_work_orders():
    engine = default_engine()
    late = export_fields(make_work_order(due_on=date(2026, 11, 6)), today=date(2026, 11, 9), engine=engine)
    assert (late["deadline_status"], late["days_overdue"], late["steps"][0]["label"]) == ("overdue", 3, "办理时限")
    done = export_fields(make_work_order(due_on=date(2026, 11, 6), closed=True), today=date(2026, 11, 9), engine=engine)
    assert done["deadline_status"] == "closed"
    extended = make_work_order(due_on=date(2026, 11, 6), clerk={"extension_until": "2026-11-20"})
    assert export_fields(extended, today=date(2026, 11, 9), engine=engine)["deadline_status"] != "overdue"


def test_a_work_order_without_a_time_limit_is_flagged_not_guessed_silently():
    engine = default_engine()
    schedule = engine.schedule(make_work_order(due_on=None))
    assert any("没有办理时限" in w for w in schedule.warnings)
