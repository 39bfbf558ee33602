"""Logging in, reusing the saved session, captcha, and sessions that expire mid-run."""

from __future__ import annotations

import stat

import pytest

from core.errors import LoginFailed, SessionExpired
from core.ports import Scraped


def test_wrong_password_fails_after_exactly_one_attempt_with_evidence(make_robot, sim, tmp_path):
    robot = make_robot(password="wrong-Password-123")
    with pytest.raises(LoginFailed, match="用户名或密码错误"):
        robot.login()
    assert sim.admin.state()["login_attempts"] == {"yhjd01": 1}
    (bundle,) = (tmp_path / "evidence").iterdir()
    html = (bundle / "page.html").read_text(encoding="utf-8")
    assert (bundle / "screenshot.png").stat().st_size > 0
    assert 'type="password"' in html and "wrong-Password-123" not in html  # the system echoed it; we blanked it
    assert stat.S_IMODE((bundle / "page.html").stat().st_mode) == 0o600
    assert not (tmp_path / "state.json").exists()


def test_captcha_stops_the_robot_until_a_clerk_logs_in(make_robot, sim):
    sim.admin.set_knobs(captcha=True)
    robot = make_robot()
    with pytest.raises(SessionExpired) as exc:
        robot.login()
    assert "验证码" in str(exc.value) and "petitionbot login" in str(exc.value)
    assert sim.admin.state()["counters"].get("login_post", 0) == 0  # never guessed
    # The clerk's interactive login (here the solver plays the clerk), then the nightly robot reuses it.
    robot.interactive_login(captcha_solver=lambda _picture, _notice: sim.admin.captcha_answer())
    nightly = make_robot()
    nightly.login()
    assert len(nightly.list_assigned()) > 0
    assert sim.admin.state()["counters"]["login_post"] == 1


def test_saved_session_is_private_and_reused_by_the_next_robot(make_robot, sim, tmp_path):
    make_robot().login()
    state_file = tmp_path / "state.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    before = sim.admin.state()["counters"]
    second = make_robot()
    second.login()
    assert len(second.list_assigned()) > 0
    after = sim.admin.state()["counters"]
    assert after["login_post"] == before["login_post"] == 1
    assert after["login"] == before["login"]  # not even the login page was opened


def test_an_expired_saved_session_means_one_fresh_login(make_robot, sim):
    make_robot().login()
    sim.admin.expire_sessions()
    robot = make_robot()
    robot.login()
    assert sim.admin.state()["counters"]["login_post"] == 2


def test_session_expiring_while_paging_is_survived_with_one_relogin(make_robot, sim, sim_dataset):
    robot = make_robot(page_size=10)
    robot.login()
    calls = sim.admin.state()["counters"].get("api", 0)
    sim.admin.schedule("api", calls + 3, {"op": "expire_sessions"})
    listed = {x.ref for x in robot.list_assigned()}
    assert listed == {p["ref"] for p in sim_dataset["petitions"] if p["assigned_to"] == "YH-JD"}
    state = sim.admin.state()
    assert state["counters"]["login_post"] == 2 and state["counters"]["http_401"] >= 1


def test_session_expiring_while_fetching_is_survived_with_one_relogin(make_robot, sim, sim_dataset):
    robot = make_robot(concurrency=3)
    robot.login()
    refs = [p["ref"] for p in sim_dataset["petitions"] if p["assigned_to"] == "YH-JD"][:24]
    sim.admin.schedule("detail", 6, {"op": "expire_sessions"})
    results = list(robot.fetch(refs))
    assert sorted(r.ref for r in results) == sorted(refs) and all(isinstance(r, Scraped) for r in results)
    assert sim.admin.state()["counters"]["login_post"] == 2  # the lanes shared one re-login


def test_a_session_that_does_not_hold_stops_without_a_login_storm(make_robot, sim):
    # main #1 is the redirect after the login form, main #2 the robot's own first page.
    sim.admin.schedule("main", 2, {"op": "expire_sessions"})
    robot = make_robot()
    with pytest.raises(SessionExpired, match="立即失效"):
        robot.login()
    assert sim.admin.state()["counters"]["login_post"] == 1
