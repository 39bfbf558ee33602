"""Logging in upstream from a web page: the headless robot shows the clerk the captcha as it sees
it, takes the typed code, retries with a new picture after a wrong one, and keeps the session.
Real Chromium, the real simulator demanding a captcha."""

from __future__ import annotations

import io
from contextlib import contextmanager

import pytest
from PIL import Image

from bots.district import DistrictRobot, RobotOptions
from bots.kit.browser import Browser
from petitionbot.console.captcha_login import CaptchaLogin


def _options(sim, password, tmp_path, **more) -> RobotOptions:
    return RobotOptions(url=sim.url, username="yhjd01", password=password, state_path=tmp_path / "state.json",
                        evidence_dir=tmp_path / "evidence", timeout_ms=10_000, retries=1, **more)


@pytest.fixture
def browser():
    b = Browser()
    yield b
    b.close()


def _login(sim, password, tmp_path, browser) -> CaptchaLogin:
    @contextmanager
    def robot():
        with DistrictRobot(_options(sim, password, tmp_path), browser=browser) as r:
            yield r
    return CaptchaLogin(robot, timeout_s=60)


def _looks_like_a_captcha(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    assert 80 <= image.width <= 140 and 25 <= image.height <= 60, image.size  # the picture, not the page
    colours = image.convert("RGB").getcolors(maxcolors=100_000)
    assert colours is not None and len(colours) > 20  # drawn digits and noise, not a blank box
    return image


def test_clerk_solves_the_captcha_through_the_console_and_the_session_is_kept(sim, sim_password, tmp_path, browser):
    sim.admin.set_knobs(captcha=True)
    login = _login(sim, sim_password, tmp_path, browser)
    try:
        assert login.start("wangli")
        assert not login.start("zhaomin")  # one attempt at a time
        snap = login.wait_past(1, timeout=60)
        assert snap.state == "waiting" and snap.notice == "" and snap.has_picture
        first = login.picture()
        _looks_like_a_captcha(first)

        assert login.answer("0000")  # the simulator never draws a 0: always wrong
        snap = login.wait_past(login.snapshot().version, timeout=60)
        assert snap.state == "waiting", snap
        assert "验证码错误" in snap.notice
        second = login.picture()
        _looks_like_a_captcha(second)
        assert second != first  # a new code, a new picture

        assert login.answer(sim.admin.captcha_answer())
        snap = login.wait_past(login.snapshot().version, timeout=60)
        assert snap.state == "done", snap
        assert login.picture() == b""
        assert sim.admin.state()["counters"]["login_post"] == 2

        # The nightly robot reuses the kept session: no login page, no captcha.
        with DistrictRobot(_options(sim, sim_password, tmp_path), browser=browser) as nightly:
            nightly.login()
            assert len(nightly.list_assigned()) > 0
        assert sim.admin.state()["counters"]["login_post"] == 2
    finally:
        login.cancel()


def test_a_wrong_password_is_not_retried_and_the_page_says_why(sim, tmp_path, browser):
    sim.admin.set_knobs(captcha=True)
    login = _login(sim, "wrong-Password-1", tmp_path, browser)
    login.start("wangli")
    login.wait_past(1, timeout=60)
    login.answer(sim.admin.captcha_answer())
    snap = login.wait_past(login.snapshot().version, timeout=60)
    assert snap.state == "failed" and "用户名或密码错误" in snap.notice
    assert sim.admin.state()["login_attempts"] == {"yhjd01": 1}
    assert not (tmp_path / "state.json").exists()


def test_giving_up_ends_the_attempt(sim, sim_password, tmp_path, browser):
    sim.admin.set_knobs(captcha=True)
    login = _login(sim, sim_password, tmp_path, browser)
    login.start("wangli")
    login.wait_past(1, timeout=60)
    version = login.snapshot().version
    login.cancel()
    snap = login.wait_past(version, timeout=60)
    assert snap.state == "failed" and "取消" in snap.notice
    assert sim.admin.state()["counters"].get("login_post", 0) == 0
