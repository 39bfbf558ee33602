"""The retry policy alone (one class, a hand-held clock, no browser): a Retry-After holds every lane
of the session; a plain backoff holds only the lane that failed."""

from __future__ import annotations

import asyncio

import pytest
from loguru import logger

from bots.kit.options import Retry, RobotOptions
from core.errors import TransientError, UpstreamDown


class Clock:
    """Time stands still unless the test moves it, so which lane sleeps does not depend on threads."""

    def __init__(self) -> None:
        self.t = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.t

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def retry(clock: Clock) -> Retry:
    return Retry(RobotOptions(url="", username="", password="", retries=2, backoff_s=0.5,
                              sleep=clock.sleep, clock=clock))


def refused_once(error: TransientError, refused: asyncio.Event):
    calls = []

    async def op() -> str:
        calls.append(1)
        if len(calls) == 1:
            refused.set()
            raise error
        return "A"
    return op


async def two_lanes(retry: Retry, error: TransientError) -> list[str]:
    refused = asyncio.Event()

    async def other_lane() -> str:
        await refused.wait()  # its next request is started after lane A was refused

        async def op() -> str:
            return "B"
        return await retry.run("B", op)
    return await asyncio.gather(retry.run("A", refused_once(error, refused)), other_lane())


def test_a_retry_after_holds_the_next_attempt_of_every_lane(retry: Retry, clock: Clock) -> None:
    said: list[str] = []
    sink = logger.add(said.append, format="{message}")
    try:
        assert asyncio.run(two_lanes(retry, TransientError("读取信访件详情：访问过于频繁（HTTP 429）", retry_after=7))) == ["A", "B"]
    finally:
        logger.remove(sink)
    assert clock.sleeps == [7.0, 7.0]  # lane A before its retry, lane B before its first request
    assert retry.count == 1
    # the operator's log says why the run paused, and for how long
    assert [m.strip() for m in said] == ["读取信访件详情：访问过于频繁（HTTP 429），上级系统要求等待，全部通道暂停 7 秒后重试（第 1 次）"]


def test_once_the_hold_has_passed_nobody_waits(retry: Retry, clock: Clock) -> None:
    asyncio.run(two_lanes(retry, TransientError("HTTP 429", retry_after=7)))
    clock.t = 7.0

    async def op() -> str:
        return "C"
    assert asyncio.run(retry.run("C", op)) == "C" and clock.sleeps == [7.0, 7.0]


def test_a_plain_backoff_holds_only_the_lane_that_failed(retry: Retry, clock: Clock) -> None:
    assert asyncio.run(two_lanes(retry, TransientError("HTTP 500"))) == ["A", "B"]
    assert clock.sleeps == [0.5]


def test_a_retry_after_beyond_the_cap_holds_only_as_long_as_the_cap(clock: Clock) -> None:
    retry = Retry(RobotOptions(url="", username="", password="", retries=1, retry_after_max_s=30,
                               sleep=clock.sleep, clock=clock))

    async def op() -> str:
        raise TransientError("HTTP 503", retry_after=3600)
    with pytest.raises(UpstreamDown, match="重试 1 次后仍失败"):
        asyncio.run(retry.run("登录", op))
    assert clock.sleeps == [30.0]
