"""Faults classified by what they are, against the real simulator in real Chromium: an HTTP error
on any page of the upstream (the menu frame, a list frame, the main page) is transient -- retried
with the configured backoff, then UpstreamDown naming the status -- never a layout change; and a
real layout change says in Chinese which page and which label it looked for, without the robot's
internal field keys. (The menu's 500 and the broken layout are also rows of the fault matrix.)"""

from __future__ import annotations

import re

import pytest

from core.errors import LayoutChanged, UpstreamDown
from petitionbot import wiring
from tests.survival.test_fault_matrix import (
    assert_evidence,
    assert_failed,
    assert_nothing_lost_on_rerun,
    assert_ok,
    env,
)

INTERNAL_KEYS = re.compile(r"\b(ref|title|status|fields|assigned_on|due_on|MENU_\w+|FIELD_LABELS)\b")


@pytest.mark.parametrize("page", ["/menu", "/todo/sign", "/todo/handle"])
def test_an_error_page_in_a_frame_is_retried_and_the_run_ends_ok(make_env, page):
    app, sim = env(make_env)
    sim.admin.set_knobs(error_count=2, fault_paths=[page])
    assert_ok(app, wiring.run_intake(app).run)
    assert sim.admin.state()["counters"]["http_500"] == 2


@pytest.mark.parametrize("page", ["/menu", "/todo/handle"])
def test_an_error_page_that_persists_fails_naming_the_status_not_the_layout(make_env, page):
    app, sim = env(make_env, retries=1)
    sim.admin.set_knobs(error_count=-1, fault_paths=[page])
    with pytest.raises(UpstreamDown) as exc:
        wiring.run_intake(app)
    s = assert_failed(app, exc, UpstreamDown)
    assert "HTTP 500" in s["message"] and "重试 1 次后仍失败" in s["message"], s["message"]
    assert "找不到" not in s["message"] and "超时" not in s["message"]
    assert_evidence(app)
    assert_nothing_lost_on_rerun(app, sim)


def test_a_real_layout_change_names_the_page_and_the_labels_in_chinese(make_env):
    app, sim = env(make_env)
    sim.admin.set_knobs(layout="broken")
    with pytest.raises(LayoutChanged) as exc:
        wiring.run_intake(app)
    s = assert_failed(app, exc, LayoutChanged)
    message = s["message"]
    assert "详情页（/petition/detail）找不到这些栏目" in message, message
    assert "“信访件编号”（查找：信访件编号/信访编号/编号）" in message and "“办理状态”" in message
    assert not INTERNAL_KEYS.search(message), message
