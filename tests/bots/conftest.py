"""One Chromium for every robot test; each test gets fresh robots on the reset simulator."""

from __future__ import annotations

import pytest

from bots.district import DistrictRobot, RobotOptions
from bots.kit.browser import Browser


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
def make_robot(sim, sim_password, browser, tmp_path, sleeps):
    robots: list[DistrictRobot] = []

    def make(**overrides) -> DistrictRobot:
        options = dict(url=sim.url, username="yhjd01", password=sim_password, state_path=tmp_path / "state.json",
                       evidence_dir=tmp_path / "evidence", timeout_ms=5_000, retries=3, sleep=sleeps.append)
        options.update(overrides)
        robot = DistrictRobot(RobotOptions(**options), browser=browser)
        robots.append(robot.__enter__())
        return robot

    yield make
    for robot in robots:
        robot.__exit__(None, None, None)
