"""Reminders for 12345 work orders: named by their 工单编号, their one step the 办理时限, a
confidential order's caller never shown."""

from datetime import date

from flows.deadlines import default_engine
from flows.reminders.items import HIDDEN, HIDDEN_CALLER, by_petition, collect
from flows.reminders.render import digest
from flows.reminders.settings import default_ladder
from tests.factories import make_petition, make_work_order

TODAY = date(2026, 11, 12)


def items(*petitions):
    return collect(petitions, default_engine(), TODAY, default_ladder())


def test_a_late_work_order_is_named_by_its_work_order_number():
    order = make_work_order(due_on=date(2026, 11, 6), responsible_unit="永福村")
    petition = make_petition("XF2026110300001", received_on=date(2026, 9, 1), assigned_on=date(2026, 9, 2),
                             responsible_unit="永福村")
    found = items(order, petition)
    rows = {r.ref: r for r in by_petition(found)}
    assert rows[order.ref].ref_named == "工单编号 YH-12345-20261103-0007"
    assert rows[order.ref].step_label == "工单办理" and rows[order.ref].days_overdue == 6
    assert rows[petition.ref].ref_named == petition.ref  # a petition's line is as before
    for chat in (True, False):
        _, body = digest("templates/messages", unit="永福村", items=found, office="余杭街道信访办", day=TODAY, chat=chat)
        assert "工单编号 YH-12345-20261103-0007" in body and "工单办理期限 2026年11月6日" in body.replace("：", "")
        assert "王先生" not in body and "13905710001" not in body


def test_confidential_and_reported_orders_never_show_the_caller():
    secret = make_work_order("YH-12345-20261103-0008", due_on=date(2026, 11, 6), confidential=True)
    reported = make_work_order("YH-12345-20261103-0009", due_on=date(2026, 11, 6), purpose="检举控告")
    rows = {r.ref: r for r in by_petition(items(secret, reported))}
    assert rows[secret.ref].petitioner == HIDDEN_CALLER and rows[reported.ref].petitioner == HIDDEN
    _, body = digest("templates/messages", unit="（未指定责任单位）", items=items(secret, reported),
                     office="余杭街道信访办", day=TODAY, chat=True)
    assert "王" not in body
