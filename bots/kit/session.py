"""What every site's robot does the same way: its lifecycle, the session, URL learning,
one detail's error split, evidence.

A site's robot subclasses :class:`SessionRobot` and supplies its pages: ``_fresh_login`` (one
login, the storage state), ``_is_live`` (is this page past the login?), ``_read_one`` (one
detail) and the port's list and sign methods. The rules kept here are the port's (see
docs/adding-an-upstream.md):

- a saved session is reused while it is live; otherwise one login, never retried on a refused
  password (``LoginFailed``);
- a lost session (``SessionLost``) means one fresh login *shared* by every task that noticed,
  then the same request once more; lost again → ``SessionExpired``; at most
  ``MAX_RELOGINS`` per robot, so a system that keeps dropping sessions causes no login storm;
- in ``fetch``, a business error is that item's ``FetchFailure`` and the iterator goes on; a
  system error stops the run, with evidence;
- nothing from Playwright leaves the robot (``map_error``).

Everything runs on the :class:`bots.kit.browser.Browser` loop; the public methods are
synchronous.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote

from loguru import logger

from bots.kit.browser import Browser, capture_evidence, close_context, map_error
from bots.kit.http import SessionLost, check_response
from bots.kit.options import Retry, RobotOptions, read_state, write_state
from core.errors import (
    BusinessError,
    NotOurs,
    PetitionbotError,
    SessionExpired,
    SystemError_,
    UpstreamDown,
    Withdrawn,
)
from core.ports import FetchFailure, Scraped, Site

T = TypeVar("T")
MAX_RELOGINS = 3  # per robot: a server that keeps dropping sessions must not cause a login storm
_REF_SENTINEL = "\x00REF\x00"


@dataclass(frozen=True)
class Words:
    """How a site's robot names things in its (Chinese) messages."""

    system: str  # 上级系统 / 热线平台
    item: str  # 信访件 / 工单
    lists: str  # 待办列表 / 工单列表
    relogin_hint: str  # what a person does when the session keeps failing


def refused(status: int, ref: str, words: Words, what: str, *, unexpected: type[PetitionbotError]) -> None:
    """A detail or action answered with ``status``: 403 → NotOurs (reassigned), 404 → Withdrawn
    (the upstream took it back), any other non-2xx → ``unexpected``."""
    if status == 403:
        raise NotOurs(f"{words.system}拒绝访问：该{words.item}不属于本单位（可能已改派）", ref=ref)
    if status == 404:
        raise Withdrawn(f"{words.system}中没有该{words.item}（可能已被撤回）", ref=ref)
    if not 200 <= status < 300:
        raise unexpected(f"{what}失败（HTTP {status}）", ref=ref)


class SessionRobot:
    """The site-agnostic half of a robot (see the module docstring)."""

    site: Site
    words: Words

    def __init__(self, options: RobotOptions, *, browser: Browser | None = None):
        self.options = options
        self.retry = Retry(options)
        self._browser = browser
        self._own_browser = browser is None
        self._storage: dict[str, Any] | None = None
        self._gen = 0  # bumped at each login; work contexts compare it to know their cookies are stale
        self._relogins = 0
        self._control: tuple[Any, Any] | None = None
        self._detail_urls: dict[str, str] = {}
        self._template: str | None = None
        self._evidence = 0
        self._login_lock: asyncio.Lock | None = None
        self.contexts_opened = 0  # work contexts, recycled every ``recycle_every`` details

    @property
    def stats(self) -> dict[str, int]:
        """Counts for the run summary: no personal data, no refs."""
        return {"relogins": self._relogins, "retries": self.retry.count, "contexts": self.contexts_opened,
                "evidence": self._evidence}

    # -- what a site supplies --------------------------------------------------------------
    async def _fresh_login(self) -> dict[str, Any]:
        """One login attempt in an untraced context; the storage state."""
        raise NotImplementedError

    async def _is_live(self, page: Any) -> bool:
        """True when ``page`` (just opened on the start URL) is past the login."""
        raise NotImplementedError

    def _prepare_control(self, page: Any) -> None:
        """Hook for the control page (e.g. accept the site's confirm() dialogs)."""

    async def _read_one(self, ctx: Any, page: Any, ref: str, url: str) -> Scraped:
        raise NotImplementedError

    async def _failure_evidence(self, ctx: Any, page: Any, url: str, ref: str) -> None:
        await self._keep_evidence(page, ctx, f"detail-{ref}")

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> Any:
        if self._browser is None:
            self._browser = Browser(executable_path=self.options.executable_path, headless=self.options.headless)
        return self

    def __exit__(self, *exc: object) -> None:
        if self._browser is None:
            return
        if self._control is not None:
            try:
                self._browser.run(close_context(self._control[0]), timeout=30)
            except Exception:  # noqa: BLE001 - shutting down; the run's own error matters more
                pass
            self._control = None
        if self._own_browser:
            self._browser.close()
            self._browser = None

    def _run(self, coro: Awaitable[T]) -> T:
        return self._need_browser().run(self._guard(coro))

    async def _guard(self, coro: Awaitable[T], what: str = "") -> T:
        try:
            return await coro
        except PetitionbotError:
            raise
        except SessionLost as exc:
            raise SessionExpired(f"{self.words.system}会话失效", hint=self.words.relogin_hint) from exc
        except Exception as exc:  # noqa: BLE001 - nothing from Playwright may leave bots/
            raise map_error(exc, what or f"操作{self.words.system}") from exc

    def login(self) -> None:
        self._run(self._login())

    # -- the session -----------------------------------------------------------------------
    async def _login(self) -> None:
        try:
            saved = read_state(self.options.state_path)
            if saved is not None and await self._open_control(saved):
                logger.info("沿用已保存的{}会话", self.words.system)
                return
            state = await self.retry.run(f"登录{self.words.system}", self._fresh_login)
            write_state(self.options.state_path, state)
            self._gen += 1
            if not await self._open_control(state):
                raise SessionExpired("登录成功后会话立即失效", hint=self.words.relogin_hint)
            logger.info("已登录{}", self.words.system)
        except UpstreamDown:
            # The login contexts are gone by now: show what the upstream answers, for the record.
            await self._evidence_of_unreachable("login-upstream-down")
            raise

    async def _open_control(self, state: dict[str, Any]) -> bool:
        """Open the control context on ``state``; True if it is a live session."""
        if self._control is not None:
            await close_context(self._control[0])
            self._control = None
        ctx = await self._need_browser().new_context(storage_state=state, trace=self.options.trace,
                                                     timeout_ms=self.options.timeout_ms)
        page = await ctx.new_page()
        self._prepare_control(page)
        try:
            async def open_checked() -> None:
                # Inside the retry: a 429/5xx on the first page after a good login is retried
                # here, instead of failing the login it followed.
                check_response(await page.goto(self.options.url, wait_until="domcontentloaded"),
                               f"打开{self.words.system}")

            await self.retry.run(f"打开{self.words.system}", open_checked)
            live = await self._is_live(page)
        except BaseException:
            await close_context(ctx)
            raise
        if not live:
            await close_context(ctx)
            return False
        self._storage = state
        self._control = (ctx, page)
        return True

    async def _ensure_login(self) -> None:
        if self._control is None:
            await self._login()

    async def _relogin(self, seen_gen: int) -> None:
        """One fresh login after the session expired, shared by every task that noticed."""
        if self._login_lock is None:
            self._login_lock = asyncio.Lock()
        async with self._login_lock:
            if self._gen != seen_gen:
                return  # another task already logged in again
            if self._relogins >= MAX_RELOGINS:
                raise SessionExpired(f"{self.words.system}会话反复失效", hint=self.words.relogin_hint)
            self._relogins += 1
            logger.warning("{}会话已过期，重新登录（第 {} 次）", self.words.system, self._relogins)
            state = await self.retry.run(f"重新登录{self.words.system}", self._fresh_login)
            write_state(self.options.state_path, state)
            self._storage = state
            self._gen += 1
            if self._control is not None:
                await self._control[0].add_cookies(state["cookies"])

    async def _once_more(self, what: str, op: Callable[[], Awaitable[T]], seen: int,
                         ctx: Any = None, ref: str | None = None) -> T:
        """``op`` under the retry policy; a lost session: one shared re-login, then once more."""
        try:
            return await self.retry.run(what, op)
        except SessionLost:
            await self._relogin(seen)
            if ctx is not None:
                await ctx.add_cookies(self._storage["cookies"])  # type: ignore[index]
            try:
                return await self.retry.run(what, op)
            except SessionLost as exc:
                raise SessionExpired(f"{what}：重新登录后会话仍然失效", ref=ref,
                                     hint=self.words.relogin_hint) from exc

    async def _with_relogin(self, what: str, op: Callable[[], Awaitable[T]]) -> T:
        await self._ensure_login()
        try:
            return await self._once_more(what, op, self._gen)
        except SystemError_:
            ctx, page = self._control if self._control else (None, None)
            await self._keep_evidence(page, ctx, what)
            raise

    # -- where details live ----------------------------------------------------------------
    def _learn_url(self, ref: str, href: str) -> None:
        """Remember a row's detail link; the first link that holds its ref once becomes the
        template for refs never listed (fetch must work without a listing first)."""
        self._detail_urls[ref] = href
        encoded = quote(ref, safe="-_.!~*'()")
        if self._template is None and ref and href.count(encoded) == 1:
            self._template = href.replace(encoded, _REF_SENTINEL)

    def _detail_url(self, ref: str) -> str | None:
        if ref in self._detail_urls:
            return self._detail_urls[ref]
        if self._template is None:
            return None
        return self._template.replace(_REF_SENTINEL, quote(ref, safe="-_.!~*'()"))

    # -- one detail ------------------------------------------------------------------------
    async def _fetch_one(self, ctx: Any, page: Any, ref: str) -> Scraped | FetchFailure:
        """One detail, or this item's FetchFailure; a system error is raised (with evidence)."""
        url = self._detail_url(ref)
        if url is None:
            # Never listed and no URL pattern learnt: not ours, without asking the server.
            return FetchFailure(ref, NotOurs(f"本单位的{self.words.lists}中没有该{self.words.item}", ref=ref))
        what = f"读取{self.words.item}详情"
        try:
            return await self._once_more(what, lambda: self._read_one(ctx, page, ref, url), self._gen, ctx, ref)
        except BusinessError as exc:
            exc.ref = exc.ref or ref
            return FetchFailure(ref, exc)
        except SystemError_ as exc:
            exc.ref = exc.ref or ref
            await self._failure_evidence(ctx, page, url, ref)
            raise

    # -- helpers ---------------------------------------------------------------------------
    def _need_browser(self) -> Browser:
        if self._browser is None:
            raise SystemError_(f"机器人未启动：请用 with {type(self).__name__}(...) as robot: 使用")
        return self._browser

    def _evidence_dir(self) -> Path | None:
        """Where the next evidence bundle goes; None once the run's budget is used up."""
        if self.options.evidence_dir is None or self._evidence >= self.options.max_evidence:
            return None
        self._evidence += 1
        return Path(self.options.evidence_dir)

    async def _keep_evidence(self, page: Any, ctx: Any, label: str) -> None:
        folder = await capture_evidence(page, ctx, self._evidence_dir(), label, trace=self.options.trace,
                                        secrets=(self.options.password,))
        if folder is not None:
            logger.info("已保存失败现场：{}", folder)

    async def _evidence_of_unreachable(self, label: str) -> None:
        evidence_dir = self._evidence_dir()
        if evidence_dir is None:
            return
        ctx = await self._need_browser().new_context(trace=False, timeout_ms=min(self.options.timeout_ms, 5_000))
        try:
            page = await ctx.new_page()
            try:
                await page.goto(self.options.url, wait_until="domcontentloaded")
            except Exception:  # noqa: BLE001 - the browser's error page is the evidence
                pass
            folder = await capture_evidence(page, None, evidence_dir, label, trace=False,
                                            secrets=(self.options.password,))
            if folder is not None:
                logger.info("已保存失败现场：{}", folder)
        finally:
            await close_context(ctx)
