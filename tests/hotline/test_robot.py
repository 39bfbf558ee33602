"""The hotline robot against its simulator: iframe lists, <dl> details, the one attachment, 接单.

Test names follow tests/bots/test_robot.py where the port's rule is the same, so both can
become one robot contract suite.
"""

from __future__ import annotations

import hashlib
from urllib.parse import quote

import pytest

from core.errors import LayoutChanged, NotOurs, Withdrawn
from core.ports import FetchFailure, Scraped
from petitionbot.sim.hotline.views import masked_phone
from tests.hotline.conftest import ME_NAME, OPEN, PAGE_SIZE, own


def test_lists_every_page_of_both_lists_deduplicated(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    robot.login()
    listed = robot.list_assigned()
    mine = {o["ref"]: o for o in own(hotline_dataset, OPEN)}
    assert sorted(x.ref for x in listed) == sorted(mine)
    for x in listed:
        o = mine[x.ref]
        assert (x.title, x.status, x.assigned_on, x.due_on) == (o["title"], o["status"], o["dispatched_at"], o["due_at"])
    pages = sum(-(-len(own(hotline_dataset, (s,))) // PAGE_SIZE) for s in OPEN)
    assert pages >= 4 and hotline.admin.state()["counters"]["list_page"] == pages  # every page, each once


def test_fetches_every_detail_with_attachments_and_chinese_names(make_robot, hotline, hotline_dataset):
    text = "【12345来电录音转写】\n市民：永福村路灯坏了三天。\n"
    hotline.admin.add_orders({
        "ref": "YH-12345-20261120-9001", "title": "附件测试", "assigned_to": "YH-JD", "status": "待接单",
        "dispatched_at": "2026-11-20 08:00:00", "due_at": "2026-11-25 08:00:00", "caller": "王建国",
        "phone": "16605710001", "content": "市民来电反映：路灯不亮。",
        "attachment": {"name": "录音 转写(1).txt", "media_type": "text/plain; charset=utf-8", "text": text}})
    robot = make_robot()
    refs = [x.ref for x in robot.list_assigned()]
    got = {item.ref: item for item in robot.fetch(refs)}
    assert set(got) == set(refs) and all(isinstance(v, Scraped) for v in got.values())
    one = got["YH-12345-20261120-9001"]
    assert one.fields["title"] == "附件测试" and one.fields["due_on"] == "2026-11-25 08:00:00"
    assert one.petitioners == [{"name": "王建国", "phone": "16605710001"}]
    (att,) = one.attachments
    assert (att.name, att.media_type, att.data) == ("录音 转写(1).txt", "text/plain", text.encode())
    assert hashlib.sha256(att.data).hexdigest() == hashlib.sha256(text.encode()).hexdigest()
    for o in own(hotline_dataset, OPEN):  # every field exactly as the platform shows it
        s = got[o["ref"]]
        assert s.fields == {
            "ref": o["ref"], "status": o["status"], "title": o["title"], "purpose": o["request_type"],
            "form": o["channel"], "received_on": o["received_at"], "assigned_on": o["dispatched_at"],
            "due_on": o["due_at"], "assigning_office": o["dispatcher"], "assigned_to": ME_NAME,
            "locality": o["locality"], "category": o["category"], "confidential": o["confidential"],
            "content": o["content"]}
        phone = masked_phone(o["phone"]) if o["confidential"] == "是" else o["phone"]
        assert s.petitioners == [{"name": o["caller"], "phone": phone}]
        (a,) = s.attachments  # exactly one, downloaded
        assert a.name == o["attachment"]["name"] and a.data is not None and a.size == len(a.data) and not a.error
        if "text" in o["attachment"]:
            assert a.data == o["attachment"]["text"].encode()
        else:
            assert len(a.data) == o["attachment"]["size"]


def test_attachment_over_the_cap_is_reported_not_downloaded(make_robot, hotline):
    hotline.admin.add_orders(
        {"ref": "T-BIG", "title": "大附件", "assigned_to": "YH-JD", "status": "待接单", "content": "现场视频",
         "attachment": {"name": "现场视频.mp4", "media_type": "video/mp4", "size": 300_000}},
        {"ref": "T-SMALL", "title": "小附件", "assigned_to": "YH-JD", "status": "待接单", "content": "照片",
         "attachment": {"name": "小.jpg", "media_type": "image/jpeg", "size": 10}})
    robot = make_robot(attachment_max_bytes=100_000)
    robot.list_assigned()
    got = {i.ref: i for i in robot.fetch(["T-BIG", "T-SMALL"])}
    (big,), (small,) = got["T-BIG"].attachments, got["T-SMALL"].attachments
    assert big.data is None and big.size == 300_000 and "大小上限" in big.error
    assert small.data is not None and small.size == 10


def test_other_units_and_withdrawn_items_are_per_item_failures(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    mine = [x.ref for x in robot.list_assigned()]
    other = next(o["ref"] for o in hotline_dataset["orders"] if o["assigned_to"] != "YH-JD")
    hotline.admin.withdraw(mine[0])  # 撤单
    hotline.admin.reassign(mine[1])  # 改派, after we listed it
    results = {r.ref: r for r in robot.fetch([other, mine[0], mine[1], mine[2]])}
    assert isinstance(results[other], FetchFailure) and isinstance(results[other].error, NotOurs)
    assert "改派" in str(results[other].error) and not isinstance(results[other].error, Withdrawn)
    assert isinstance(results[mine[0]].error, Withdrawn) and "撤回" in str(results[mine[0]].error)
    assert type(results[mine[1]].error) is NotOurs  # 403 (reassigned) and 404 (withdrawn) differ
    assert isinstance(results[mine[2]], Scraped)


def test_fetch_without_listing_first_still_finds_details(make_robot, hotline_dataset):
    robot = make_robot()
    ref = own(hotline_dataset, OPEN)[3]["ref"]
    (item,) = robot.fetch([ref])
    assert isinstance(item, Scraped) and item.ref == ref


def test_sign_clicks_confirms_and_is_idempotent(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    ref = own(hotline_dataset, ("待接单",))[0]["ref"]
    assert robot.sign(ref) is True
    assert robot.sign(ref) is False
    state = hotline.admin.state()
    assert state["accepted"] == [ref] and state["statuses"][ref] == "处理中"
    assert {x.ref: x.status for x in robot.list_assigned()}[ref] == "处理中"


def test_sign_an_order_taken_away_is_not_ours(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    first, second = (o["ref"] for o in own(hotline_dataset, ("待接单",))[:2])
    robot.list_assigned()
    hotline.admin.reassign(first)
    hotline.admin.withdraw(second)
    with pytest.raises(NotOurs) as reassigned:
        robot.sign(first)
    assert not isinstance(reassigned.value, Withdrawn)
    with pytest.raises(Withdrawn):
        robot.sign(second)
    assert hotline.admin.state()["accepted"] == []


def test_an_item_sliding_to_an_earlier_page_is_not_missed(make_robot, hotline, hotline_dataset):
    handling = sorted(own(hotline_dataset, ("处理中",)), key=lambda o: o["dispatched_at"], reverse=True)
    first_page_ref = handling[0]["ref"]
    robot = make_robot()
    robot.login()
    # 待接单 takes list pages 1..n; withdraw from the first page of 处理中 while its 2nd page loads.
    n_accept_pages = -(-len(own(hotline_dataset, ("待接单",))) // PAGE_SIZE)
    hotline.admin.schedule("list_page", n_accept_pages + 2, {"op": "withdraw", "ref": first_page_ref})
    listed = {x.ref for x in robot.list_assigned()}
    expected = {o["ref"] for o in own(hotline_dataset, OPEN)} - {first_page_ref}
    state = hotline.admin.state()
    assert state["orders"] == len(hotline_dataset["orders"]) - 1  # the withdrawal did happen mid-paging
    assert listed == expected | {first_page_ref}  # seen before it went; the next run's fetch says 404
    n_after = -(-(len(handling) - 1) // PAGE_SIZE)  # 处理中's pages once the order is gone
    assert n_after >= 2
    assert state["counters"]["list_page"] == n_accept_pages + 2 * n_after  # 处理中 was walked twice


def test_a_changed_layout_stops_the_run_with_evidence(make_robot, hotline, tmp_path):
    robot = make_robot()
    refs = [x.ref for x in robot.list_assigned()][:3]
    hotline.admin.set_knobs(layout="broken")
    with pytest.raises(LayoutChanged, match="找不到这些栏目"):
        list(robot.fetch(refs))
    bundles = list((tmp_path / "evidence").iterdir())
    assert bundles
    files = {f.name for b in bundles for f in b.iterdir()}
    assert {"screenshot.png", "page.html", "trace.zip"} <= files
    html = next(b / "page.html" for b in bundles if (b / "page.html").exists()).read_text(encoding="utf-8")
    # The detail itself (whichever of the concurrent reads failed first), not the blank parsing page.
    assert "字段1" in html and any(quote(ref, safe="") in html for ref in refs)


def test_lanes_recycle_their_context_and_stop_cleanly_when_the_caller_stops(make_robot, hotline_dataset, browser):
    robot = make_robot(concurrency=2, recycle_every=3)
    refs = [o["ref"] for o in own(hotline_dataset, OPEN)][:12]
    assert all(isinstance(r, Scraped) for r in robot.fetch(refs))
    assert robot.contexts_opened == 4  # 12 orders, a new context every 3
    contexts_before = len(browser.browser.contexts)
    for _ in robot.fetch(refs):
        break  # the caller stops early: the work must wind down, not hang or leak contexts
    assert len(browser.browser.contexts) == contexts_before


def test_one_detail_at_a_time_and_several_at_once_fetch_the_same(make_robot, hotline_dataset):
    refs = [o["ref"] for o in own(hotline_dataset, OPEN)][:8]

    def fetched(robot) -> dict:
        return {r.ref: (r.fields, r.petitioners, [(a.name, a.data) for a in r.attachments]) for r in robot.fetch(refs)}

    sequential = fetched(make_robot(concurrency=1))
    overlapped = fetched(make_robot(concurrency=4))
    assert sequential == overlapped and set(sequential) == set(refs)


def test_stats_count_retries_relogins_and_contexts_without_personal_data(make_robot, hotline, hotline_dataset,
                                                                        hotline_password):
    robot = make_robot()
    robot.login()
    hotline.admin.fail("/gdpt/gd/list", status=500, times=1)
    robot.list_assigned()
    hotline.admin.expire_sessions()
    refs = [o["ref"] for o in own(hotline_dataset, OPEN)][:3]
    list(robot.fetch(refs))
    stats = robot.stats
    assert stats == {"relogins": 1, "retries": 1, "contexts": 1, "evidence": 0}  # the district robot's keys
    assert all(isinstance(v, int) for v in stats.values())
    text = repr(stats)
    assert not any(r in text for r in refs) and hotline_password not in text
