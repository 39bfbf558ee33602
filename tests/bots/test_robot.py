"""The district robot against the simulator: lists, details, attachments, 签收, layouts."""

from __future__ import annotations

import base64

from core.errors import LayoutChanged, NotOurs, Withdrawn
from core.ports import FetchFailure, Scraped

ME = "YH-JD"


def own(dataset: dict) -> list[dict]:
    return [p for p in dataset["petitions"] if p["assigned_to"] == ME]


def test_lists_every_page_of_both_lists_deduplicated(make_robot, sim, sim_dataset):
    robot = make_robot(page_size=10)
    robot.login()
    listed = robot.list_assigned()
    mine = {p["ref"]: p for p in own(sim_dataset)}
    assert sorted(x.ref for x in listed) == sorted(mine)
    for x in listed:
        assert x.status == mine[x.ref]["status"] and x.assigned_on == mine[x.ref]["assigned_on"]
        assert x.due_on == (mine[x.ref]["due_on"] or "")
    api_calls = sim.admin.state()["counters"]["api"]
    assert api_calls >= len(mine) // 10  # it really paged, ten rows at a time


def test_fetches_every_detail_with_attachments_and_chinese_names(make_robot, sim, sim_dataset):
    data = "现场照片说明：路面破损".encode()
    sim.admin.add_petitions({
        "ref": "T-ATT-1", "title": "附件测试", "assigned_to": ME, "status": "待签收", "assigned_on": "2026-11-20",
        "petitioners": [{"name": "王建国", "id_number": "330110198001010018", "phone": "13905710001",
                         "address": "永福村3组"}],
        "attachments": [{"name": "现场 照片(1).txt", "media_type": "text/plain", "base64": base64.b64encode(data).decode()},
                        {"name": "../../etc/passwd", "media_type": "application/octet-stream", "size": 64}]})
    robot = make_robot()
    refs = [x.ref for x in robot.list_assigned()]
    got = {item.ref: item for item in robot.fetch(refs)}
    assert set(got) == set(refs) and all(isinstance(v, Scraped) for v in got.values())
    one = got["T-ATT-1"]
    assert one.fields["title"] == "附件测试" and one.fields["assigned_to"] == ME
    assert one.petitioners == [{"name": "王建国", "id_number": "330110198001010018", "phone": "13905710001",
                                "address": "永福村3组"}]
    first, second = one.attachments
    assert (first.name, first.data, first.media_type) == ("现场 照片(1).txt", data, "text/plain")
    assert second.name == "../../etc/passwd" and second.size == 64  # reported as named; sanitising is intake's job
    for p in own(sim_dataset):  # every field exactly as the dataset holds it
        s = got[p["ref"]]
        assert s.fields["content"] == p["content"] and s.fields["title"] == p["title"]
        assert s.fields["headcount"] == str(p["headcount"]) and s.fields["anonymous"] == ("是" if p["anonymous"] else "否")
        assert [a.name for a in s.attachments] == [a["name"] for a in p["attachments"]]
        assert all(a.data is not None and len(a.data) == a.size for a in s.attachments)
        assert [x["id_number"] for x in s.petitioners] == [x["id_number"] for x in p["petitioners"]]


def test_attachment_over_the_cap_is_reported_not_downloaded(make_robot, sim):
    sim.admin.add_petitions({"ref": "T-BIG", "title": "大附件", "assigned_to": ME, "status": "待签收",
                             "attachments": [{"name": "录像.mp4", "media_type": "video/mp4", "size": 300_000},
                                             {"name": "小.txt", "media_type": "text/plain", "size": 10}]})
    robot = make_robot(attachment_max_bytes=100_000)
    robot.list_assigned()
    (item,) = robot.fetch(["T-BIG"])
    big, small = item.attachments
    assert big.data is None and big.size == 300_000 and "大小上限" in big.error
    assert small.data is not None and small.size == 10


def test_other_units_and_withdrawn_items_are_per_item_failures(make_robot, sim, sim_dataset):
    robot = make_robot()
    mine = [x.ref for x in robot.list_assigned()]
    other = next(p["ref"] for p in sim_dataset["petitions"] if p["assigned_to"] != ME)
    sim.admin.withdraw(mine[0])
    results = {r.ref: r for r in robot.fetch([other, mine[0], mine[1]])}
    assert isinstance(results[other], FetchFailure) and isinstance(results[other].error, NotOurs)
    assert "不属于本单位" in str(results[other].error)
    assert isinstance(results[mine[0]].error, Withdrawn) and "撤回" in str(results[mine[0]].error)
    assert not isinstance(results[other].error, Withdrawn)  # 403 (reassigned) and 404 (withdrawn) differ
    assert isinstance(results[mine[1]], Scraped)


def test_fetch_without_listing_first_still_finds_details(make_robot, sim_dataset):
    robot = make_robot()
    ref = own(sim_dataset)[3]["ref"]
    (item,) = robot.fetch([ref])
    assert isinstance(item, Scraped) and item.ref == ref


def test_sign_clicks_confirms_and_is_idempotent(make_robot, sim, sim_dataset):
    robot = make_robot()
    ref = next(p["ref"] for p in own(sim_dataset) if p["status"] == "待签收")
    assert robot.sign(ref) is True
    assert robot.sign(ref) is False
    state = sim.admin.state()
    assert state["signed"] == [ref] and state["statuses"][ref] == "已签收待办理"
    listed = {x.ref: x.status for x in robot.list_assigned()}
    assert listed[ref] == "已签收待办理"


def test_layout_v2_lists_fetches_and_signs(make_robot, sim, sim_dataset):
    sim.admin.set_knobs(layout="v2")
    robot = make_robot(page_size=20)
    listed = robot.list_assigned()
    assert sorted(x.ref for x in listed) == sorted(p["ref"] for p in own(sim_dataset))
    sample = own(sim_dataset)[:12]
    got = {i.ref: i for i in robot.fetch([p["ref"] for p in sample])}
    for p in sample:
        assert got[p["ref"]].fields["locality"] == p["locality"]
        assert got[p["ref"]].fields["due_on"] == (p["due_on"] or "")
        assert [x["phone"] for x in got[p["ref"]].petitioners] == [x["phone"] for x in p["petitioners"]]
    ref = next(p["ref"] for p in own(sim_dataset) if p["status"] == "待签收")
    assert robot.sign(ref) is True and robot.sign(ref) is False
    assert sim.admin.state()["signed"] == [ref]


def test_an_item_sliding_to_an_earlier_page_is_not_missed(make_robot, sim, sim_dataset):
    waiting = [p for p in own(sim_dataset) if p["status"] != "待签收"]
    first_page_ref = sorted(waiting, key=lambda p: p["assigned_on"], reverse=True)[0]["ref"]
    robot = make_robot(page_size=10)
    robot.login()
    # 待签收 takes api calls 1.. (page size change + pages); withdraw from 待办理 while it is paged.
    calls = sim.admin.state()["counters"].get("api", 0)
    n_sign_pages = -(-sum(p["status"] == "待签收" for p in own(sim_dataset)) // 10)
    sim.admin.schedule("api", calls + 2 + n_sign_pages + 2, {"op": "withdraw", "ref": first_page_ref})
    listed = {x.ref for x in robot.list_assigned()}
    expected = {p["ref"] for p in own(sim_dataset)} - {first_page_ref}
    state = sim.admin.state()
    assert state["petitions"] == len(sim_dataset["petitions"]) - 1  # the withdrawal did happen mid-paging
    assert expected <= listed
    assert state["counters"]["list_page"] == 3  # 待签收 once, 待办理 twice: the moved list was re-read


def test_a_changed_layout_stops_the_run_with_evidence(make_robot, sim, sim_dataset, tmp_path):
    robot = make_robot()
    refs = [x.ref for x in robot.list_assigned()][:3]
    sim.admin.set_knobs(layout="broken")
    try:
        list(robot.fetch(refs))
    except LayoutChanged as exc:
        assert "找不到这些栏目" in str(exc)
    else:
        raise AssertionError("LayoutChanged expected")
    bundles = list((tmp_path / "evidence").iterdir())
    assert bundles
    files = {f.name for b in bundles for f in b.iterdir()}
    assert {"screenshot.png", "page.html", "trace.zip"} <= files


def test_lanes_recycle_their_context_and_stop_cleanly_when_the_caller_stops(make_robot, sim_dataset, browser):
    # One detail per page: a context serves exactly 3 details before it is replaced, so 12 details
    # need at least 4 contexts however the two lanes share the work (with 2 per page a context
    # serves 4, and a busy machine that lets one lane take 8 of them leaves 3).
    robot = make_robot(concurrency=2, recycle_every=3, per_page=1)
    refs = [p["ref"] for p in own(sim_dataset)][:12]
    assert all(isinstance(r, Scraped) for r in robot.fetch(refs))
    assert robot.contexts_opened >= 4  # 12 details, a new context every 3
    contexts_before = len(browser.browser.contexts)
    for _ in robot.fetch(refs):
        break  # the caller stops early: lanes must wind down, not hang or leak contexts
    assert len(browser.browser.contexts) == contexts_before


def test_one_detail_at_a_time_and_several_per_page_fetch_the_same(make_robot, sim_dataset):
    refs = [p["ref"] for p in own(sim_dataset)][:8]
    sequential = {r.ref: r.fields for r in make_robot(concurrency=1, per_page=1).fetch(refs)}
    shared = make_robot(concurrency=2, per_page=3)
    overlapped = {r.ref: r.fields for r in shared.fetch(refs)}
    assert sequential == overlapped and set(sequential) == set(refs)
    assert shared.contexts_opened == 2  # two pages' contexts served eight details
