"""Logging in (工号/口令), reusing the saved session, and sessions that expire mid-run.

Names follow tests/bots/test_session.py where the rule is the same (captcha has no
counterpart: the platform has none).
"""

from __future__ import annotations

import json
import stat

import pytest

from core.errors import LoginFailed, SessionExpired
from core.ports import Scraped
from tests.hotline.conftest import OPEN, USER, own


def test_wrong_password_fails_after_exactly_one_attempt_with_evidence(make_robot, hotline, tmp_path):
    robot = make_robot(password="wrong-Password-123")
    with pytest.raises(LoginFailed, match="工号或口令错误"):
        robot.login()
    assert hotline.admin.state()["login_attempts"] == {USER: 1}
    (bundle,) = (tmp_path / "evidence").iterdir()
    html = (bundle / "page.html").read_text(encoding="utf-8")
    assert (bundle / "screenshot.png").stat().st_size > 0
    assert 'type="password"' in html and "wrong-Password-123" not in html
    assert stat.S_IMODE((bundle / "page.html").stat().st_mode) == 0o600
    assert not (tmp_path / "state.json").exists()
    assert robot.stats["evidence"] == 1


def test_a_locked_job_number_is_reported_not_retried(make_robot, hotline):
    hotline.admin.set_knobs(lockout_after=1)
    with pytest.raises(LoginFailed):
        make_robot(password="wrong-Password-123").login()
    with pytest.raises(LoginFailed, match="已被锁定"):
        make_robot().login()  # the right 口令, too late
    assert hotline.admin.state()["login_attempts"] == {USER: 2}


def test_saved_session_is_private_and_reused_by_the_next_robot(make_robot, hotline, hotline_password, tmp_path):
    make_robot().login()
    state_file = tmp_path / "state.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert hotline_password not in state_file.read_text(encoding="utf-8")
    assert {c["name"] for c in json.loads(state_file.read_text(encoding="utf-8"))["cookies"]} >= {"HLSID"}
    before = hotline.admin.state()["counters"]
    second = make_robot()
    second.login()
    assert len(second.list_assigned()) > 0
    after = hotline.admin.state()["counters"]
    assert after["login_post"] == before["login_post"] == 1
    assert after["login"] == before["login"]  # not even the login page was opened


def test_an_expired_saved_session_means_one_fresh_login(make_robot, hotline):
    make_robot().login()
    hotline.admin.expire_sessions()
    make_robot().login()
    assert hotline.admin.state()["counters"]["login_post"] == 2


def test_session_expiring_while_paging_is_survived_with_one_relogin(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    robot.login()
    hotline.admin.schedule("list_page", 3, {"op": "expire_sessions"})  # inside the iframe, mid-paging
    listed = {x.ref for x in robot.list_assigned()}
    assert listed == {o["ref"] for o in own(hotline_dataset, OPEN)}
    state = hotline.admin.state()
    assert state["counters"]["login_post"] == 2 and state["counters"]["http_401"] >= 1
    assert robot.stats["relogins"] == 1


def test_session_expiring_while_fetching_is_survived_with_one_relogin(make_robot, hotline, hotline_dataset):
    robot = make_robot(concurrency=3)
    robot.login()
    refs = [o["ref"] for o in own(hotline_dataset, OPEN)][:15]
    hotline.admin.schedule("detail", 6, {"op": "expire_sessions"})
    results = list(robot.fetch(refs))
    assert sorted(r.ref for r in results) == sorted(refs) and all(isinstance(r, Scraped) for r in results)
    assert all(r.attachments[0].data is not None for r in results)  # downloads after the re-login work too
    assert hotline.admin.state()["counters"]["login_post"] == 2  # the concurrent reads shared one re-login


def test_session_expiring_before_accept_is_survived_with_one_relogin(make_robot, hotline, hotline_dataset):
    robot = make_robot()
    ref = own(hotline_dataset, ("待接单",))[0]["ref"]
    robot.login()
    hotline.admin.schedule("accept", 1, {"op": "expire_sessions"})  # the 确定 post lands on the login page
    assert robot.sign(ref) is True
    state = hotline.admin.state()
    assert state["accepted"] == [ref] and state["counters"]["login_post"] == 2


def test_a_session_that_does_not_hold_stops_without_a_login_storm(make_robot, hotline):
    # workbench #1 is the redirect after the login form, #2 the robot's own first page.
    hotline.admin.schedule("workbench", 2, {"op": "expire_sessions"})
    robot = make_robot()
    with pytest.raises(SessionExpired, match="立即失效"):
        robot.login()
    assert hotline.admin.state()["counters"]["login_post"] == 1
