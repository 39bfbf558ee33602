"""Each fault knob of the hotline simulator against the robot, mapped into core.errors.

The first five mirror tests/bots/test_faults.py (same names, same rules); the rest use the
hotline's targeted knobs: a status once or always, on one page, one order or one attachment.
"""

from __future__ import annotations

import pytest

from core.errors import TransientError, UpstreamDown
from core.ports import Scraped
from tests.hotline.conftest import OPEN, own

PAGES = ["/gdpt/gd/", "/gdpt/fj/"]


def own_refs(dataset: dict, n: int) -> list[str]:
    return [o["ref"] for o in own(dataset, OPEN)][:n]


def fetch_all(robot, refs):
    results = list(robot.fetch(refs))
    assert sorted(r.ref for r in results) == sorted(refs)
    assert all(isinstance(r, Scraped) for r in results), [r for r in results if not isinstance(r, Scraped)]
    return results


def test_latency_slows_but_does_not_break(make_robot, hotline, hotline_dataset):
    hotline.admin.set_knobs(latency_ms=80)
    robot = make_robot()
    fetch_all(robot, own_refs(hotline_dataset, 6))
    assert hotline.admin.state()["counters"]["faultable"] >= 10


def test_the_list_frame_start_page_is_never_read_as_the_list(make_robot, hotline, hotline_dataset):
    # With latency on every answer, the frame's own start page was still on its way when a tab was
    # clicked, and was read as the list ("找不到工单编号列"): every latency from 70 to 190 ms failed.
    hotline.admin.set_knobs(latency_ms=120)
    robot = make_robot()
    robot.login()
    for _ in range(2):
        assert len(robot.list_assigned()) == len(own(hotline_dataset, OPEN))


def test_server_errors_are_retried_with_backoff(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot(backoff_s=0.25, concurrency=1)  # one at a time: which request fails is deterministic
    robot.login()
    refs = own_refs(hotline_dataset, 12)
    hotline.admin.set_knobs(error_every=4, fault_paths=PAGES)
    fetch_all(robot, refs)
    assert hotline.admin.state()["counters"]["http_500"] >= 4
    assert sleeps and set(sleeps) <= {0.25, 0.5, 1.0}
    assert len(robot.list_assigned()) == len(own(hotline_dataset, OPEN))  # the iframe pages fail too, and are retried


def test_rate_limit_honours_retry_after(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot()
    robot.login()
    refs = own_refs(hotline_dataset, 12)
    hotline.admin.set_knobs(rate_limit_every=5, retry_after=7, fault_paths=PAGES)
    fetch_all(robot, refs)
    assert hotline.admin.state()["counters"]["http_429"] >= 2
    assert sleeps and set(sleeps) == {7.0}


def test_stall_beyond_the_timeout_ends_as_upstream_down_with_evidence(make_robot, hotline, sleeps, tmp_path,
                                                                      hotline_dataset):
    robot = make_robot(retries=1)
    robot.login()
    # The short timeout only for the details: a login on a loaded machine may itself take longer
    # than 800 ms, and this test is about the stalled details, not about the login.
    robot.options.timeout_ms = 800
    refs = own_refs(hotline_dataset, 2)
    hotline.admin.set_knobs(stall_seconds=2, stall_count=-1, fault_paths=["/gdpt/gd/"])
    with pytest.raises(UpstreamDown) as exc:
        list(robot.fetch(refs))
    assert isinstance(exc.value.__cause__, TransientError) and "超时" in str(exc.value)
    assert len(sleeps) >= 1
    files = {f.name for b in (tmp_path / "evidence").iterdir() for f in b.iterdir()}
    assert {"screenshot.png", "page.html", "trace.zip"} <= files


@pytest.mark.parametrize("mode", ["503", "close"])
def test_a_down_upstream_is_reported_after_bounded_retries(make_robot, hotline, sleeps, mode):
    hotline.admin.set_knobs(down=mode)
    robot = make_robot(retries=2)
    with pytest.raises(UpstreamDown, match="重试 2 次后仍失败"):
        robot.login()
    assert len(sleeps) == 2
    if mode == "503":
        assert sleeps == [30.0, 30.0]  # the 503 said Retry-After: 30


def test_a_500_once_on_a_list_page_is_retried_and_nothing_is_missed(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot(backoff_s=0.5)
    robot.login()
    hotline.admin.set_knobs(faults=[{"path": "/gdpt/gd/list", "status": 500, "times": 1}])
    listed = {x.ref for x in robot.list_assigned()}
    assert listed == {o["ref"] for o in own(hotline_dataset, OPEN)}
    assert sleeps == [0.5] and robot.stats["retries"] == 1
    assert hotline.admin.state()["counters"]["http_500"] == 1


def test_a_list_page_that_always_fails_ends_as_upstream_down_with_evidence(make_robot, hotline, sleeps, tmp_path):
    robot = make_robot(retries=2)
    robot.login()
    hotline.admin.fail("/gdpt/gd/list", status=503, times=-1, retry_after=4)
    with pytest.raises(UpstreamDown, match="读取工单列表：重试 2 次后仍失败"):
        robot.list_assigned()
    assert sleeps == [4.0, 4.0]
    assert any((b / "screenshot.png").exists() for b in (tmp_path / "evidence").iterdir())


def test_a_429_on_one_detail_honours_its_retry_after(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot()
    robot.login()
    refs = own_refs(hotline_dataset, 4)
    hotline.admin.fail("/gdpt/gd/view", status=429, times=2, ref=refs[1], retry_after=12)
    fetch_all(robot, refs)
    # Refused twice, waited twice; a lane that starts a request inside the hold waits with it, 12 s too.
    assert robot.stats["retries"] == 2 and sleeps[:2] == [12.0, 12.0] and set(sleeps) == {12.0}


def test_a_failing_attachment_is_marked_and_the_order_still_arrives(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot(retries=2)
    robot.login()
    refs = own_refs(hotline_dataset, 4)
    hotline.admin.fail("/gdpt/fj/", status=500, times=-1, ref=refs[2])
    got = {r.ref: r for r in fetch_all(robot, refs)}
    (broken,) = got[refs[2]].attachments
    assert broken.data is None and "附件下载失败" in broken.error and "HTTP 500" in broken.error
    assert got[refs[2]].fields["content"]  # the order itself arrived whole
    assert all(got[r].attachments[0].data is not None for r in refs if r != refs[2])
    assert len(sleeps) == 2  # retried as a transient failure first


def test_a_missing_attachment_file_is_marked_without_retries(make_robot, hotline, sleeps, hotline_dataset):
    robot = make_robot()
    robot.login()
    refs = own_refs(hotline_dataset, 2)
    hotline.admin.fail("/gdpt/fj/", status=404, times=-1, ref=refs[0])
    got = {r.ref: r for r in fetch_all(robot, refs)}
    (missing,) = got[refs[0]].attachments
    assert missing.data is None and "HTTP 404" in missing.error
    assert sleeps == []
