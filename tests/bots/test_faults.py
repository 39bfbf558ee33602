"""Each fault knob of the simulator against the robot: slow, failing, throttled, stalled, down."""

from __future__ import annotations

import pytest

from core.errors import TransientError, UpstreamDown
from core.ports import Scraped


def own_refs(dataset: dict, n: int) -> list[str]:
    return [p["ref"] for p in dataset["petitions"] if p["assigned_to"] == "YH-JD"][:n]


def fetch_all(robot, refs):
    results = list(robot.fetch(refs))
    assert sorted(r.ref for r in results) == sorted(refs)
    assert all(isinstance(r, Scraped) for r in results), [r for r in results if not isinstance(r, Scraped)]
    return results


def test_latency_slows_but_does_not_break(make_robot, sim, sim_dataset):
    sim.admin.set_knobs(latency_ms=80)
    robot = make_robot()
    fetch_all(robot, own_refs(sim_dataset, 6))
    assert sim.admin.state()["counters"]["faultable"] >= 10


def test_server_errors_are_retried_with_backoff(make_robot, sim, sleeps, sim_dataset):
    robot = make_robot(backoff_s=0.25, concurrency=1)  # one lane: which request fails is deterministic
    robot.login()
    refs = own_refs(sim_dataset, 16)
    sim.admin.set_knobs(error_every=4, fault_paths=["/petition/", "/attachment/", "/api/"])
    fetch_all(robot, refs)
    assert sim.admin.state()["counters"]["http_500"] >= 4
    assert sleeps and set(sleeps) <= {0.25, 0.5, 1.0}
    assert len(robot.list_assigned()) > 0  # the lists' JSON endpoint fails too, and is retried


def test_rate_limit_honours_retry_after(make_robot, sim, sleeps, sim_dataset):
    robot = make_robot()
    robot.login()
    refs = own_refs(sim_dataset, 12)
    sim.admin.set_knobs(rate_limit_every=5, retry_after=7, fault_paths=["/petition/", "/attachment/"])
    fetch_all(robot, refs)
    assert sim.admin.state()["counters"]["http_429"] >= 2
    assert sleeps and set(sleeps) == {7.0}


def test_stall_beyond_the_timeout_ends_as_upstream_down_with_evidence(make_robot, sim, sleeps, tmp_path, sim_dataset):
    robot = make_robot(timeout_ms=800, retries=1)
    robot.login()
    refs = own_refs(sim_dataset, 2)
    sim.admin.set_knobs(stall_seconds=2, stall_count=-1, fault_paths=["/petition/"])
    with pytest.raises(UpstreamDown) as exc:
        list(robot.fetch(refs))
    assert isinstance(exc.value.__cause__, TransientError) and "超时" in str(exc.value)
    assert len(sleeps) >= 1
    files = {f.name for b in (tmp_path / "evidence").iterdir() for f in b.iterdir()}
    assert {"screenshot.png", "page.html", "trace.zip"} <= files


@pytest.mark.parametrize("mode", ["503", "close"])
def test_a_down_upstream_is_reported_after_bounded_retries(make_robot, sim, sleeps, mode):
    sim.admin.set_knobs(down=mode)
    robot = make_robot(retries=2)
    with pytest.raises(UpstreamDown, match="重试 2 次后仍失败"):
        robot.login()
    assert len(sleeps) == 2
    if mode == "503":
        assert sleeps == [30.0, 30.0]  # the 503 said Retry-After: 30
