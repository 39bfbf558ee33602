"""Robot options, the saved session file and the retry policy."""

from __future__ import annotations

import asyncio
import json
import os
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from loguru import logger

from core.errors import PetitionbotError, TransientError, UpstreamDown

T = TypeVar("T")


@dataclass
class RobotOptions:
    url: str  # the upstream's address, e.g. http://127.0.0.1:8765
    username: str
    password: str
    state_path: Path | None = None  # saved session (Playwright storage state), mode 0600, reused across runs
    evidence_dir: Path | None = None  # where screenshots, HTML and traces of failures go
    headless: bool = True
    concurrency: int = 4  # detail pages fetched in parallel
    # Details in flight per page: parsing is an inert DOMParser call that does not touch the
    # page's document, so two details can share a page and keep the network busy while the
    # browser parses (more pages would cost memory and CPU on a 2-core machine instead).
    per_page: int = 2
    attachment_max_bytes: int = 20 * 1024 * 1024
    timeout_ms: int = 15_000  # per page load or action
    retries: int = 3  # extra attempts after the first, for transient failures only
    backoff_s: float = 0.5  # first backoff; doubles each retry, capped at backoff_max_s
    backoff_max_s: float = 30.0
    retry_after_max_s: float = 300.0  # a Retry-After beyond this is waited only this long
    sleep: Callable[[float], None] | None = None  # injectable for tests; default sleeps on the robot's loop
    clock: Callable[[], float] | None = None  # monotonic seconds, injectable with ``sleep`` (see Retry)
    executable_path: str | None = None
    recycle_every: int = 200  # details per browser context before it is replaced (flat memory)
    page_size: int | None = None  # None: the largest the list offers
    trace: bool = True  # Playwright trace per context, saved only on failure
    max_evidence: int = 10  # evidence bundles per run, so a bad day cannot fill the disk

    def __repr__(self) -> str:  # never print the password
        return f"RobotOptions(url={self.url!r}, username={self.username!r}, password='***', ...)"


def read_state(path: Path | None) -> dict[str, Any] | None:
    if path is None or not Path(path).is_file():
        return None
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None  # a damaged file is just "no session": we log in again and overwrite it
    return data if isinstance(data, dict) and isinstance(data.get("cookies"), list) else None


def write_state(path: Path | None, state: dict[str, Any]) -> None:
    """Write the session file readable by its owner only (it holds a live session cookie)."""
    if path is None:
        return
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump(state, f)
    os.chmod(tmp, 0o600)  # O_CREAT's mode does not apply when the file already existed
    os.replace(tmp, path)


class Retry:
    """Bounded exponential backoff that honours Retry-After; only TransientError is retried.

    A Retry-After speaks for the whole upstream, not for one request: once a lane is told to wait,
    every lane of the session holds until then before its next attempt, instead of each finding
    out by a refusal of its own. A request already in flight is not called back."""

    def __init__(self, options: RobotOptions):
        self.options = options
        self.count = 0  # retries done, for the run summary
        self._hold_until = 0.0
        self._slept = 0.0  # recorded sleeps pass no real time: with no clock given, they are the clock

    def delay(self, attempt: int, exc: TransientError) -> float:
        if exc.retry_after is not None:
            return min(exc.retry_after, self.options.retry_after_max_s)
        return min(self.options.backoff_s * (2**attempt), self.options.backoff_max_s)

    def now(self) -> float:
        if self.options.clock is not None:
            return self.options.clock()
        return self._slept if self.options.sleep is not None else time.monotonic()

    async def sleep(self, seconds: float) -> None:
        if self.options.sleep is None:
            await asyncio.sleep(seconds)
        else:
            await asyncio.get_running_loop().run_in_executor(None, self.options.sleep, seconds)
            self._slept += seconds

    async def hold(self) -> None:
        """Wait out the upstream's last Retry-After, if it has not passed."""
        wait = self._hold_until - self.now()
        if wait > 0:
            await self.sleep(wait)

    async def run(self, what: str, op: Callable[[], Awaitable[T]]) -> T:
        from bots.kit.browser import map_error
        from bots.kit.http import SessionLost

        for attempt in range(self.options.retries + 1):
            await self.hold()
            try:
                try:
                    return await op()
                except (PetitionbotError, SessionLost, asyncio.CancelledError):
                    raise
                except Exception as raw:  # noqa: BLE001 - Playwright's errors become ours here
                    raise map_error(raw, what) from raw
            except TransientError as exc:
                if attempt >= self.options.retries:
                    raise UpstreamDown(f"{what}：重试 {self.options.retries} 次后仍失败（{exc.message}）",
                                       ref=exc.ref, hint="上级系统可能故障，请稍后再运行") from exc
                self.count += 1
                delay = self.delay(attempt, exc)
                if exc.retry_after is None:
                    # the message names the step already ("读取信访件详情：上级系统出错（HTTP 500）")
                    logger.warning("{}，{:g} 秒后重试（第 {} 次）", exc.message, delay, attempt + 1)
                    await self.sleep(delay)
                else:  # waited by hold() at the top of the loop, with every other lane's next attempt
                    logger.warning("{}，上级系统要求等待，全部通道暂停 {:g} 秒后重试（第 {} 次）",
                                   exc.message, delay, attempt + 1)
                    self._hold_until = max(self._hold_until, self.now() + delay)
        raise AssertionError("unreachable")
