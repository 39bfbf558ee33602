"""Logging in to an upstream that asks for a captcha, from a web page: the robot's headless
browser opens the login page, the clerk sees the captcha as that browser sees it, types the code,
and the robot submits it and keeps the session for the nightly runs. No desktop, no window.

One :class:`CaptchaLogin` per upstream entry; its worker thread runs the robot's
``interactive_login`` with :meth:`_solve` as the captcha solver, which publishes the picture and
blocks until the clerk answers (or gives up, or ``timeout_s`` passes). The page's requests wait
on a condition for the next state instead of polling.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from loguru import logger

from core.errors import LoginFailed, PetitionbotError
from core.privacy import redactor

# idle -> opening -> waiting <-> submitting -> done | failed
STATE_ZH = {"idle": "未开始", "opening": "正在打开上级系统登录页", "waiting": "请输入验证码",
            "submitting": "正在提交", "done": "登录成功", "failed": "登录失败"}


@dataclass
class Snapshot:
    state: str
    version: int
    notice: str  # the upstream's words about the last code, or why it failed
    has_picture: bool
    user: str
    finished: str  # when it ended (done/failed)

    @property
    def state_zh(self) -> str:
        return STATE_ZH.get(self.state, self.state)

    @property
    def busy(self) -> bool:
        return self.state in ("opening", "waiting", "submitting")


class CaptchaLogin:
    def __init__(self, robot_factory: Callable[[], AbstractContextManager[Any]], *, timeout_s: float = 300,
                 now: Callable[[], datetime] = datetime.now):
        self._factory = robot_factory
        self._timeout_s = timeout_s
        self._now = now
        self._cond = threading.Condition()
        self._state, self._version = "idle", 0
        self._notice, self._picture, self._code = "", b"", ""
        self._user, self._finished = "", ""
        self._cancelled = False

    def snapshot(self) -> Snapshot:
        with self._cond:
            return Snapshot(self._state, self._version, self._notice, bool(self._picture), self._user, self._finished)

    def picture(self) -> bytes:
        with self._cond:
            return self._picture if self._state == "waiting" else b""

    def start(self, user: str) -> bool:
        """Open the login page in the background; False when a login is already under way."""
        with self._cond:
            if self._state in ("opening", "waiting", "submitting"):
                return False
            self._set("opening", notice="", picture=b"")
            self._user, self._finished, self._cancelled = user, "", False
        threading.Thread(target=self._work, name="console-upstream-login", daemon=True).start()
        return True

    def answer(self, code: str) -> bool:
        with self._cond:
            if self._state != "waiting":
                return False
            self._code = code.strip()
            self._set("submitting", picture=b"")
            return True

    def cancel(self) -> None:
        with self._cond:
            self._cancelled = True
            self._cond.notify_all()

    def wait_past(self, version: int, timeout: float) -> Snapshot:
        """Wait until the state changes from ``version`` (or ``timeout`` seconds), then describe it."""
        with self._cond:
            self._cond.wait_for(lambda: self._version != version, timeout=timeout)
        return self.snapshot()

    def _set(self, state: str, *, notice: str | None = None, picture: bytes | None = None) -> None:
        self._state = state
        self._version += 1
        if notice is not None:
            self._notice = notice
        if picture is not None:
            self._picture = picture
        self._cond.notify_all()

    def _solve(self, picture: bytes, notice: str) -> str:
        with self._cond:
            self._set("waiting", notice=redactor(notice), picture=picture)
            answered = self._cond.wait_for(lambda: self._state != "waiting" or self._cancelled,
                                           timeout=self._timeout_s)
            if self._cancelled:
                raise LoginFailed("已取消登录")
            if not answered:
                raise LoginFailed("等待输入验证码超时", hint="请重新点击“开始登录”")
            return self._code

    def _work(self) -> None:
        try:
            with self._factory() as robot:
                robot.interactive_login(captcha_solver=self._solve, timeout_s=self._timeout_s)
        except PetitionbotError as exc:
            logger.warning("控制台上游登录失败：{}", exc)
            self._finish("failed", redactor(str(exc)))
        except Exception as exc:  # noqa: BLE001 - the page must learn that the attempt ended
            logger.exception("控制台上游登录异常")
            self._finish("failed", redactor(f"{type(exc).__name__}: {exc}"))
        else:
            logger.info("控制台上游登录成功（{}），会话已保存", self._user)
            self._finish("done", "")

    def _finish(self, state: str, notice: str) -> None:
        with self._cond:
            self._finished = f"{self._now():%Y-%m-%d %H:%M:%S}"
            self._set(state, notice=notice, picture=b"")
