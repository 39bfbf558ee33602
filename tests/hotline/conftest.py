"""The hotline simulator and robot: one Chromium and one simulator per session, reset per test.

Fixture names follow tests/bots (``browser``, ``sleeps``, ``make_robot``) so that both suites
can later become parametrisations of one robot contract suite.
"""

from __future__ import annotations

import pytest

from bots.hotline import HotlineRobot, RobotOptions
from bots.kit.browser import Browser
from petitionbot.sim.hotline import HotlineHandle, start_hotline
from petitionbot.sim.hotline.generate import generate_orders
from tests.hotline.webclient import HotlineClient

ME = "YH-JD"
ME_NAME = "余杭街道"
USER = "YH0231"
OPEN = ("待接单", "处理中")  # the two tabs the robot walks
PAGE_SIZE = 5  # small pages: every list needs several


@pytest.fixture(scope="session")
def hotline_dataset() -> dict:
    """40 work orders of the last 8 days (3 another unit's), 10 % hostile values; never mutate it."""
    return generate_orders(40, 11, hostile_share=0.1, other_unit_count=3, days=8)


@pytest.fixture(scope="session")
def hotline_password(hotline_dataset) -> str:
    return hotline_dataset["units"][0]["users"][0]["password"]


@pytest.fixture(scope="session")
def hotline_server(hotline_dataset):
    handle = start_hotline(hotline_dataset, port=0, page_size=PAGE_SIZE)
    yield handle
    handle.stop()


@pytest.fixture
def hotline(hotline_server, hotline_dataset) -> HotlineHandle:
    """The session's hotline simulator, reset to ``hotline_dataset`` with default knobs."""
    hotline_server.reset(hotline_dataset)
    return hotline_server


@pytest.fixture
def client(hotline, hotline_password) -> HotlineClient:
    c = HotlineClient(hotline.url)
    assert c.login(USER, hotline_password).status == 302
    return c


def own(dataset: dict, statuses: tuple[str, ...] | None = None) -> list[dict]:
    return [o for o in dataset["orders"] if o["assigned_to"] == ME and (statuses is None or o["status"] in statuses)]


@pytest.fixture(scope="session")
def browser():
    b = Browser()
    yield b
    b.close()


@pytest.fixture
def sleeps() -> list[float]:
    """Backoff delays the robots asked for; recorded instead of slept."""
    return []


@pytest.fixture
def make_robot(hotline, hotline_password, browser, tmp_path, sleeps):
    robots: list[HotlineRobot] = []

    def make(**overrides) -> HotlineRobot:
        options = dict(url=hotline.url, username=USER, password=hotline_password, state_path=tmp_path / "state.json",
                       evidence_dir=tmp_path / "evidence", timeout_ms=5_000, retries=3, sleep=sleeps.append)
        options.update(overrides)
        robot = HotlineRobot(RobotOptions(**options), browser=browser)
        robots.append(robot.__enter__())
        return robot

    yield make
    for robot in robots:
        robot.__exit__(None, None, None)
