"""parse_scraped in each site's words: the hotline's dates with times, its forms and purposes,
confidential orders, and what an empty 交办/转送 means for a petition and for a work order."""

from datetime import date

from bots.district.robot import SITE as DISTRICT
from bots.hotline.robot import SITE as HOTLINE
from core.ports import Scraped
from flows.parse import parse_scraped


def order(**fields):
    base = {"title": "反映道路破损积水", "form": "微信", "received_on": "2026-11-01 07:42:13",
            "assigned_on": "2026-11-01 08:00:00", "due_on": "2026-11-06 17:25:00", "purpose": "投诉",
            "content": "市民来电反映：道路积水", "status": "待接单", "confidential": "否"}
    base.update(fields)
    return Scraped(ref="YH-12345-20261101-0023", fields=base,
                   petitioners=[{"name": "王先生", "phone": "13905710001"}])


def test_work_order_dates_keep_their_time():
    p = parse_scraped(order(), HOTLINE)
    assert (p.received_on, p.assigned_on, p.due_on, p.due_time) == (
        date(2026, 11, 1), date(2026, 11, 1), date(2026, 11, 6), "17:25")
    assert p.notes == []  # no "unknown form/purpose", no handover note for a work order


def test_work_order_vocabulary_is_the_sites():
    p = parse_scraped(order(), HOTLINE)
    assert (p.form, p.purpose, p.handover, p.statutory, p.closed) == ("网上信访", "求决", "", False, False)
    assert (p.source, p.source_label, p.ref_kind) == ("hotline", "12345热线", "工单编号")
    assert parse_scraped(order(form="电话", purpose="建议"), HOTLINE).form == "电话"
    assert parse_scraped(order(purpose="咨询"), HOTLINE).purpose == "其他"


def test_accusation_and_confidential_orders_hide_the_caller():
    reported = parse_scraped(order(purpose="举报"), HOTLINE)
    assert reported.purpose == "检举控告" and reported.is_accusation
    secret = parse_scraped(order(purpose="投诉", confidential="是"), HOTLINE)
    assert secret.confidential and secret.is_accusation
    assert not parse_scraped(order(), HOTLINE).is_accusation


def test_closed_is_the_sites_word():
    for status in ("已办结待回访", "已回访"):
        assert parse_scraped(order(status=status), HOTLINE).closed
    assert not parse_scraped(order(status="处理中"), HOTLINE).closed
    # The district's closed words mean nothing special on the hotline, and the other way round.
    district = Scraped(ref="XF2026110100001", fields={
        "title": "t", "form": "来信", "received_on": "2026-11-02", "assigned_on": "2026-11-03", "status": "已回访",
        "handover": "交办"})
    assert not parse_scraped(district, DISTRICT).closed
    district.fields["status"] = "已存档"
    assert parse_scraped(district, DISTRICT).closed


def test_an_empty_handover_is_not_guessed_for_a_petition():
    bare = Scraped(ref="XF2026110100001", fields={
        "title": "t", "form": "来信", "received_on": "2026-11-02", "assigned_on": "2026-11-03", "handover": ""})
    p = parse_scraped(bare, DISTRICT)
    assert p.handover == "" and "上级系统未注明交办或转送，请核对" in p.notes


def test_messages_name_the_ref_kind():
    import pytest

    from core.errors import MalformedPetition

    with pytest.raises(MalformedPetition, match="缺少工单编号"):
        parse_scraped(Scraped(ref="", fields={}), HOTLINE)
    with pytest.raises(MalformedPetition, match="缺少信访件编号"):
        parse_scraped(Scraped(ref="", fields={}), DISTRICT)
