"""Fault matrix: every simulator fault knob against the whole intake (``commands.intake.intake``),
real Chromium against the real simulator. Each row ends with its documented outcome
(docs/guarantees.md, "Upstream faults"): ok with every petition stored once, or failed with the
right error class, a Chinese message in summary.json, and evidence (screenshot, HTML, trace) in the
run folder. A failed run loses nothing: the rerun after the fault clears stores every petition once.
"""

from __future__ import annotations

import json
import time

import pytest

from core.errors import LayoutChanged, SystemError_, UpstreamDown
from petitionbot import wiring
from petitionbot.commands.serve import show_run
from tests.e2e.conftest import dataset, petition
from tests.survival.conftest import CHINESE, FAST

N = 14  # two list pages at page size 10
REFS = {f"YH2026{n:06d}" for n in range(1, N + 1)}


def env(make_env, **overrides):
    data = dataset(*(petition(ref) for ref in sorted(REFS)))
    return make_env(data, **{**FAST, **overrides})


def summary(app) -> dict:
    return json.loads((app.last_run.folder / "summary.json").read_text(encoding="utf-8"))


def assert_ok(app, run) -> None:
    assert run.status == "ok", run.message
    assert run.counts.new == N and run.counts.failed == 0
    assert app.store.refs() == REFS
    assert summary(app)["status"] == "ok"


def assert_failed(app, exc_info, cls) -> dict:
    assert isinstance(exc_info.value, cls), repr(exc_info.value)
    s = summary(app)
    assert s["status"] == "failed"
    assert CHINESE.search(s["message"]), s["message"]
    assert CHINESE.search(str(exc_info.value))
    return s


def assert_evidence(app) -> set[str]:
    folder = app.last_run.evidence_dir
    assert folder.is_dir(), "no evidence folder in the run folder"
    names = {f.name for f in folder.rglob("*") if f.is_file()}
    assert {"screenshot.png", "page.html"} <= names, names
    assert summary(app)["evidence"], "summary.json lists no evidence"
    return names


def details_fetched(sim) -> tuple[int, int]:
    counters = sim.admin.state()["counters"]
    return counters.get("detail", 0), counters.get("download", 0)


def assert_nothing_lost_on_rerun(app, sim) -> None:
    sim.admin.set_knobs(latency_ms=0, error_rate=0, error_every=0, rate_limit_every=0, stall_count=0,
                        down="", layout="v1", fault_paths=[], error_count=0, broken_attachments=[])
    again = wiring.run_intake(app).run
    assert again.status == "ok"
    assert app.store.refs() == REFS  # each exactly once: refs are the store's primary key
    assert again.counts.new + again.counts.unchanged + again.counts.updated == N
    # and once complete, a rerun fetches nothing again: no detail page, no attachment
    before = details_fetched(sim)
    assert wiring.run_intake(app).run.counts.unchanged == N
    assert details_fetched(sim) == before


def test_latency_spikes_slow_the_run_but_it_ends_ok(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(latency_ms=150)
    started = time.monotonic()
    assert_ok(app, wiring.run_intake(app).run)
    assert time.monotonic() - started > 0.15 * 5  # the latency was really served


def test_ten_percent_server_errors_are_retried_and_the_run_ends_ok(make_env):
    app, sim = env(make_env, retries=5)
    sim.admin.set_knobs(error_rate=0.1)
    assert_ok(app, wiring.run_intake(app).run)
    assert sim.admin.state()["counters"]["http_500"] >= 1


def test_429_with_retry_after_is_honoured_and_the_run_ends_ok(make_env):
    app, sim = env(make_env, retry_after_max_seconds=0.5)
    # On the data paths: an every-4th 429 that also hits the login would fall on the same request of
    # each login attempt (4 requests each) and no retry could ever get through.
    sim.admin.set_knobs(rate_limit_every=4, retry_after=1, fault_paths=["/api/", "/petition/", "/attachment/"])
    started = time.monotonic()
    assert_ok(app, wiring.run_intake(app).run)
    throttled = sim.admin.state()["counters"]["http_429"]
    assert throttled >= 3
    # each 429 was waited out (Retry-After 1 s, capped by config at 0.5 s), not hammered
    assert time.monotonic() - started >= 0.5 * throttled / FAST["concurrency"]
    # and the operator reads what the upstream cost the night
    retries = summary(app)["robot"]["retries"]
    assert retries >= 1  # (a slow answer under load is retried too, so not exactly the 429s)
    (run_id,) = [r["id"] for r in app.store.runs(limit=5) if r["flow"] == "intake"]
    assert f"上级系统：重试 {retries} 次" in show_run(app, run_id)


def test_a_single_stall_beyond_the_timeout_is_retried_and_the_run_ends_ok(make_env):
    app, sim = env(make_env, timeout_seconds=1)
    sim.admin.set_knobs(stall_seconds=2.5, stall_count=1, fault_paths=["/petition/"])
    assert_ok(app, wiring.run_intake(app).run)


def test_a_stall_beyond_the_timeout_that_persists_fails_as_upstream_down_with_evidence(make_env):
    app, sim = env(make_env, timeout_seconds=1, retries=1)
    sim.admin.set_knobs(stall_seconds=2.5, stall_count=-1, fault_paths=["/petition/"])
    with pytest.raises(UpstreamDown) as exc:
        wiring.run_intake(app)
    s = assert_failed(app, exc, UpstreamDown)
    assert "超时" in s["message"]
    assert "trace.zip" in assert_evidence(app)
    assert_nothing_lost_on_rerun(app, sim)


def test_session_expiry_in_the_middle_of_paging_logs_in_again_and_ends_ok(make_env):
    app, sim = env(make_env)
    sim.admin.schedule("list_page", 2, {"op": "expire_sessions"})
    assert_ok(app, wiring.run_intake(app).run)
    assert sim.admin.state()["counters"]["login_post"] == 2  # exactly one fresh login, no storm


def test_session_expiry_while_fetching_details_logs_in_again_and_ends_ok(make_env):
    app, sim = env(make_env)
    sim.admin.schedule("detail", 5, {"op": "expire_sessions"})
    assert_ok(app, wiring.run_intake(app).run)
    assert sim.admin.state()["counters"]["login_post"] == 2


def test_layout_v2_is_read_as_well_as_v1(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(layout="v2")
    assert_ok(app, wiring.run_intake(app).run)
    assert app.store.get("YH2026000001").petitioners[0].id_number == "330110198001010018"


def test_a_broken_layout_stops_the_run_as_layout_changed_with_evidence(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(layout="broken")
    with pytest.raises(LayoutChanged) as exc:
        wiring.run_intake(app)
    assert_failed(app, exc, LayoutChanged)
    assert "trace.zip" in assert_evidence(app)
    assert app.store.refs() == set()  # nothing half-read was stored
    assert_nothing_lost_on_rerun(app, sim)


@pytest.mark.parametrize("mode", ["503", "close"])
def test_an_upstream_that_is_down_fails_as_upstream_down_with_evidence(make_env, mode):
    app, sim = env(make_env, retries=2)
    sim.admin.set_knobs(down=mode)
    with pytest.raises(UpstreamDown) as exc:
        wiring.run_intake(app)
    s = assert_failed(app, exc, UpstreamDown)
    assert "重试 2 次后仍失败" in s["message"]
    assert_evidence(app)
    assert_nothing_lost_on_rerun(app, sim)


def test_an_upstream_that_goes_down_mid_run_keeps_what_was_stored_and_the_rerun_completes(make_env):
    app, sim = env(make_env, concurrency=1, retries=1)
    sim.admin.schedule("detail", 6, {"op": "knobs", "knobs": {"down": "503"}})
    with pytest.raises(SystemError_) as exc:
        wiring.run_intake(app)
    assert_failed(app, exc, UpstreamDown)
    assert_evidence(app)
    kept = app.store.refs()
    assert 1 <= len(kept) < N and kept <= REFS
    assert_nothing_lost_on_rerun(app, sim)


def test_429_on_the_page_after_a_good_login_does_not_throw_the_login_away(make_env):
    app, sim = env(make_env, retry_after_max_seconds=0.2)
    # every 2nd request to the main frame page: the one the control context opens after the login
    sim.admin.set_knobs(rate_limit_every=2, retry_after=1, fault_paths=["/main"])
    assert_ok(app, wiring.run_intake(app).run)
    counters = sim.admin.state()["counters"]
    assert counters["http_429"] >= 1 and counters["login_post"] == 1  # the password was sent once


def test_a_menu_page_that_answers_500_once_is_retried_and_the_run_ends_ok(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(error_count=1, fault_paths=["/menu"])
    assert_ok(app, wiring.run_intake(app).run)
    assert sim.admin.state()["counters"]["http_500"] == 1  # it really failed once, and was not a layout change


def test_a_menu_page_that_keeps_answering_500_fails_as_upstream_down_naming_the_status(make_env):
    app, sim = env(make_env, retries=2)
    sim.admin.set_knobs(error_count=-1, fault_paths=["/menu"])
    with pytest.raises(UpstreamDown) as exc:
        wiring.run_intake(app)
    s = assert_failed(app, exc, UpstreamDown)
    assert "重试 2 次后仍失败" in s["message"] and "HTTP 500" in s["message"] and "菜单" in s["message"]
    assert "找不到" not in s["message"]  # never reported as a layout change
    assert_evidence(app)
    assert_nothing_lost_on_rerun(app, sim)


def test_an_attachment_that_always_fails_stores_its_petition_and_the_run_ends_partial(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(broken_attachments=["YH2026000005"])
    run = wiring.run_intake(app).run
    assert run.status == "partial" and run.counts.new == N and run.counts.failed == 1
    assert app.store.refs() == REFS
    att = app.store.get("YH2026000005").attachments[0]
    assert att.missing and not att.path and "HTTP 500" in att.missing
    assert [f["ref"] for f in run.failures] == ["YH2026000005"] and "下次运行时重试" in run.failures[0]["reason"]
    assert summary(app)["status"] == "partial"
    assert_nothing_lost_on_rerun(app, sim)
    att = app.store.get("YH2026000005").attachments[0]
    assert not att.missing and (app.workdir / att.path).read_bytes() == "照片说明".encode()
