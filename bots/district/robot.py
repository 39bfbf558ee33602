"""DistrictRobot: the ``core.ports.Robot`` port for the district's petition web system.

Shape of a run: one *control* context (lists, 签收) and, while fetching, ``concurrency``
*lanes*, each a context with one page, pulling refs from a shared queue. All of it runs as
coroutines on the :class:`bots.browser.Browser` loop; the public methods are synchronous.
Login happens in an untraced context (see login.py); its cookies are handed to the others.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
import weakref
from collections.abc import Awaitable, Callable, Iterator, Sequence
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import quote, urljoin

from loguru import logger

from bots.browser import Browser, capture_evidence, close_context, map_error
from bots.district import download, labels, pages
from bots.district.login import fresh_login, interactive_login
from bots.district.options import Retry, RobotOptions, read_state, write_state
from core.errors import (
    BusinessError,
    LayoutChanged,
    MalformedPetition,
    NotOurs,
    PetitionbotError,
    SessionExpired,
    SystemError_,
    UpstreamDown,
    Withdrawn,
)
from core.ports import CaptchaSolver, FetchFailure, Listing, Scraped, ScrapedAttachment
from core.refs import same_ref

__all__ = ["DistrictRobot", "RobotOptions", "interactive_login"]

T = TypeVar("T")
_END = object()
MAX_PAGES = 2000
MAX_WALKS = 3  # re-reads of a list whose rows moved while we paged
MAX_RELOGINS = 3  # per robot: a server that keeps dropping sessions must not cause a login storm
_REF_SENTINEL = "\x00REF\x00"


class DistrictRobot:
    def __init__(self, options: RobotOptions, *, browser: Browser | None = None):
        self.options = options
        self.retry = Retry(options)
        self._browser = browser
        self._own_browser = browser is None
        self._storage: dict[str, Any] | None = None
        self._gen = 0  # bumped at each login; lanes compare it to know their cookies are stale
        self._relogins = 0
        self._control: tuple[Any, Any] | None = None
        self._detail_urls: dict[str, str] = {}
        self._template: str | None = None
        self._evidence = 0
        self._login_lock: asyncio.Lock | None = None
        self._cancel = threading.Event()
        self.contexts_opened = 0  # lane contexts, recycled every ``recycle_every`` details
        self._page_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()

    @property
    def stats(self) -> dict[str, int]:
        """Counts for the run summary: no personal data, no refs."""
        return {"relogins": self._relogins, "retries": self.retry.count, "contexts": self.contexts_opened,
                "evidence": self._evidence}

    # -- lifecycle -------------------------------------------------------------------------
    def __enter__(self) -> DistrictRobot:
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
        if self._browser is None:
            raise SystemError_("机器人未启动：请用 with DistrictRobot(...) as robot: 使用")
        return self._browser.run(self._guard(coro))

    async def _guard(self, coro: Awaitable[T]) -> T:
        try:
            return await coro
        except PetitionbotError:
            raise
        except pages.SessionLost as exc:
            raise SessionExpired("上级系统会话失效", hint="请重新运行；如仍失败请运行 petitionbot login") from exc
        except Exception as exc:  # noqa: BLE001 - nothing from Playwright may leave bots/
            raise map_error(exc, "操作上级系统") from exc

    # -- the port --------------------------------------------------------------------------
    def login(self) -> None:
        self._run(self._login())

    def list_assigned(self) -> list[Listing]:
        return self._run(self._list_assigned())

    def sign(self, ref: str) -> bool:
        return self._run(self._sign(ref))

    def fetch(self, refs: Sequence[str]) -> Iterator[Scraped | FetchFailure]:
        wanted = list(dict.fromkeys(refs))
        if not wanted:
            return
        self._run(self._prepare_fetch(wanted))
        out: queue.Queue[Any] = queue.Queue(maxsize=max(4, 2 * self.options.concurrency))
        self._cancel.clear()
        assert self._browser is not None
        fut = self._browser.submit(self._fetch_all(wanted, out))
        try:
            while True:
                item = out.get()
                if item is _END:
                    break
                if isinstance(item, BaseException):
                    raise item
                yield item
        finally:
            # The caller may stop early: lanes finish the item in hand, close their contexts and
            # stop; cancelling outright would return before their contexts are closed.
            self._cancel.set()
            try:
                fut.result(timeout=2 * self.options.timeout_ms / 1000 + 10)
            except concurrent.futures.TimeoutError:
                fut.cancel()
            except BaseException:  # noqa: BLE001 - already reported through the queue
                pass

    def interactive_login(self, *, captcha_solver: CaptchaSolver | None = None, timeout_s: float = 300) -> None:
        """``petitionbot login``: the clerk logs in (captcha) in this robot's browser, which is
        visible when ``options.headless`` is False; the session is saved to ``state_path``.
        With ``captcha_solver`` (the console) the browser stays headless: see login.py."""
        interactive_login(self.options, captcha_solver=captcha_solver, timeout_s=timeout_s,
                          browser=self._need_browser())

    # -- login -----------------------------------------------------------------------------
    async def _login(self) -> None:
        try:
            await self._login_once()
        except UpstreamDown:
            # The login contexts are gone by now: show what the upstream answers, for the record.
            await self._evidence_of_unreachable("login-upstream-down")
            raise

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

    async def _login_once(self) -> None:
        saved = read_state(self.options.state_path)
        if saved is not None and await self._open_control(saved):
            logger.info("沿用已保存的上级系统会话")
            return
        state = await self.retry.run("登录上级系统", lambda: fresh_login(
            self._need_browser(), self.options, evidence_dir=self._evidence_dir()))
        write_state(self.options.state_path, state)
        self._gen += 1
        if not await self._open_control(state):
            raise SessionExpired("登录成功后会话立即失效", hint="请稍后重试；如仍失败请联系上级系统管理员")
        logger.info("已登录上级系统")

    async def _open_control(self, state: dict[str, Any]) -> bool:
        """Open the control context on ``state``; True if it is a live session."""
        if self._control is not None:
            await close_context(self._control[0])
            self._control = None
        ctx = await self._need_browser().new_context(storage_state=state, trace=self.options.trace,
                                                     timeout_ms=self.options.timeout_ms)
        page = await ctx.new_page()
        page.on("dialog", lambda dialog: dialog.accept())  # 签收's confirm() and the alert after it
        try:
            async def open_checked() -> None:
                # Checked inside the retry: a 429/5xx on the first page after a good login is
                # retried here, instead of failing the login it followed.
                pages.check_response(await page.goto(self.options.url, wait_until="domcontentloaded"), "打开上级系统")

            await self.retry.run("打开上级系统", open_checked)
            live = await pages.login_form(page) is None
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
        """One fresh login after the session expired, shared by every lane that noticed."""
        if self._login_lock is None:
            self._login_lock = asyncio.Lock()
        async with self._login_lock:
            if self._gen != seen_gen:
                return  # another lane already logged in again
            if self._relogins >= MAX_RELOGINS:
                raise SessionExpired("上级系统会话反复失效", hint="请稍后重新运行；如仍失败请运行 petitionbot login")
            self._relogins += 1
            logger.warning("上级系统会话已过期，重新登录（第 {} 次）", self._relogins)
            state = await self.retry.run("重新登录上级系统", lambda: fresh_login(
                self._need_browser(), self.options, evidence_dir=self._evidence_dir()))
            write_state(self.options.state_path, state)
            self._storage = state
            self._gen += 1
            if self._control is not None:
                await self._control[0].add_cookies(state["cookies"])

    async def _with_relogin(self, what: str, op: Callable[[], Awaitable[T]]) -> T:
        await self._ensure_login()
        seen = self._gen
        try:
            try:
                return await self.retry.run(what, op)
            except pages.SessionLost:
                await self._relogin(seen)
                try:
                    return await self.retry.run(what, op)
                except pages.SessionLost as exc:
                    raise SessionExpired(f"{what}：重新登录后会话仍然失效",
                                         hint="请稍后重新运行；如仍失败请运行 petitionbot login") from exc
        except SystemError_ as exc:
            ctx, page = self._control if self._control else (None, None)
            await self._keep_evidence(page, ctx, what)
            raise exc

    # -- lists -----------------------------------------------------------------------------
    async def _list_assigned(self) -> list[Listing]:
        found: dict[str, Listing] = {}
        for pattern in (labels.MENU_SIGN, labels.MENU_HANDLE):
            await self._with_relogin("读取待办列表", lambda p=pattern: self._collect(p, found))
        logger.info("待签收和待办理列表共 {} 件", len(found))
        return list(found.values())

    async def _collect(self, pattern: str, found: dict[str, Listing]) -> None:
        for _ in range(MAX_WALKS):
            rows_seen, totals = await self._walk(pattern, found)
            if len(set(totals)) == 1 and (totals[0] is None or rows_seen == totals[0]):
                return
            # Rows moved (added, withdrawn, signed) while we paged: walk again; the union keeps
            # everything already seen, so a row that slid onto an earlier page is caught now.
            logger.info("列表在翻页期间发生变化，重新读取")
        logger.warning("列表在 {} 次读取中都在变化，按已读到的结果继续", MAX_WALKS)

    async def _walk(self, pattern: str, found: dict[str, Listing]) -> tuple[int, list[int | None]]:
        assert self._control is not None
        _, page = self._control
        t = self.options.timeout_ms
        resp = await page.goto(self.options.url, wait_until="load")
        pages.check_page(resp, "打开上级系统")
        if await pages.login_form(page) is not None:
            raise pages.SessionLost()
        frame = await pages.open_list(page, pattern, t)
        await pages.set_page_size(page, frame, self.options.page_size, t)
        rows_seen, totals, last_page = 0, [], 0
        for _ in range(MAX_PAGES):
            rows, current, count, total = await pages.read_list(frame)
            if current <= last_page:
                raise LayoutChanged(f"列表页（{pages.path_of(frame.url)}）翻页后页码没有前进（仍为第 {current} 页）")
            last_page = current
            for row in rows:
                ref = row["ref"].strip()
                found[ref] = Listing(ref=ref, title=row.get("title", ""), status=row.get("status", "").strip(),
                                     assigned_on=row.get("assigned_on", "").strip(),
                                     due_on=row.get("due_on", "").strip())
                if row.get("href"):
                    self._learn_url(ref, row["href"])
            rows_seen += len(rows)
            totals.append(total)
            if current >= count:
                return rows_seen, totals
            await pages.next_page(page, frame, t)
        raise LayoutChanged("列表页数异常（超过上限）")

    def _learn_url(self, ref: str, href: str) -> None:
        self._detail_urls[ref] = href
        if self._template is None and ref.isalnum():
            encoded = quote(ref, safe="-_.!~*'()")
            if href.count(encoded) == 1:
                self._template = href.replace(encoded, _REF_SENTINEL)

    def _detail_url(self, ref: str) -> str | None:
        if ref in self._detail_urls:
            return self._detail_urls[ref]
        if self._template is None:
            return None
        return self._template.replace(_REF_SENTINEL, quote(ref, safe="-_.!~*'()"))

    # -- details ---------------------------------------------------------------------------
    async def _prepare_fetch(self, refs: list[str]) -> None:
        await self._ensure_login()
        if self._template is None and any(r not in self._detail_urls for r in refs):
            await self._discover_urls()

    async def _discover_urls(self) -> None:
        """Learn where details live from the first page of each list (cheaper than a full listing)."""
        for pattern in (labels.MENU_SIGN, labels.MENU_HANDLE):
            if self._template is not None:
                return
            await self._with_relogin("读取待办列表", lambda p=pattern: self._first_page(p))

    async def _first_page(self, pattern: str) -> None:
        assert self._control is not None
        _, page = self._control
        resp = await page.goto(self.options.url, wait_until="load")
        pages.check_page(resp, "打开上级系统")
        if await pages.login_form(page) is not None:
            raise pages.SessionLost()
        frame = await pages.open_list(page, pattern, self.options.timeout_ms)
        for row in (await pages.read_list(frame))[0]:
            if row.get("href"):
                self._learn_url(row["ref"].strip(), row["href"])

    async def _fetch_all(self, refs: list[str], out: queue.Queue[Any]) -> None:
        work: asyncio.Queue[str] = asyncio.Queue()
        for ref in refs:
            work.put_nowait(ref)
        lanes = [asyncio.create_task(self._lane(work, out)) for _ in range(min(self.options.concurrency, len(refs)))]
        try:
            await asyncio.gather(*lanes)
        except BaseException as exc:  # noqa: BLE001 - handed to the consumer thread below
            for lane in lanes:
                lane.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)
            if not isinstance(exc, asyncio.CancelledError):
                err = exc if isinstance(exc, PetitionbotError) else map_error(exc, "读取信访件")
                await self._put(out, err)
            return
        await self._put(out, _END)

    async def _put(self, out: queue.Queue[Any], item: Any) -> None:
        loop = asyncio.get_running_loop()

        def put() -> None:
            while not self._cancel.is_set():
                try:
                    out.put(item, timeout=0.2)
                    return
                except queue.Full:
                    continue

        await loop.run_in_executor(None, put)

    async def _lane(self, work: asyncio.Queue[str], out: queue.Queue[Any]) -> None:
        ctx = page = None
        done, gen = 0, self._gen
        try:
            while not self._cancel.is_set():
                batch = []
                while len(batch) < max(1, self.options.per_page):
                    try:
                        batch.append(work.get_nowait())
                    except asyncio.QueueEmpty:
                        break
                if not batch:
                    return
                if ctx is None or done >= self.options.recycle_every:
                    if ctx is not None:
                        await close_context(ctx)  # a fresh context keeps a long run's memory flat
                    ctx = await self._need_browser().new_context(
                        storage_state=self._storage, trace=self.options.trace, snapshots=False,
                        timeout_ms=self.options.timeout_ms)
                    page = await ctx.new_page()
                    self.contexts_opened += 1
                    done, gen = 0, self._gen
                if gen != self._gen:
                    await ctx.add_cookies(self._storage["cookies"])  # type: ignore[index]
                    gen = self._gen
                results = await asyncio.gather(*(self._fetch_one(ctx, page, ref) for ref in batch),
                                               return_exceptions=True)
                done += len(batch)
                # Hand over what was fetched before raising what was not: nothing fetched is lost.
                for item in results:
                    if not isinstance(item, BaseException):
                        await self._put(out, item)
                for item in results:
                    if isinstance(item, BaseException):
                        raise item
        finally:
            if ctx is not None:
                await close_context(ctx)

    async def _fetch_one(self, ctx: Any, page: Any, ref: str) -> Scraped | FetchFailure:
        url = self._detail_url(ref)
        if url is None:
            return FetchFailure(ref, NotOurs("本单位的待办列表中没有该信访件", ref=ref))
        seen = self._gen
        try:
            try:
                return await self.retry.run("读取信访件详情", lambda: self._read_one(ctx, page, ref, url))
            except pages.SessionLost:
                await self._relogin(seen)
                await ctx.add_cookies(self._storage["cookies"])  # type: ignore[index]
                try:
                    return await self.retry.run("读取信访件详情", lambda: self._read_one(ctx, page, ref, url))
                except pages.SessionLost as exc:
                    raise SessionExpired("重新登录后会话仍然失效", ref=ref) from exc
        except BusinessError as exc:
            exc.ref = exc.ref or ref
            return FetchFailure(ref, exc)
        except SystemError_ as exc:
            exc.ref = exc.ref or ref
            await self._keep_evidence(page, ctx, f"detail-{ref}")
            raise

    async def _read_one(self, ctx: Any, page: Any, ref: str, url: str) -> Scraped:
        data = await self._load_detail(ctx, page, ref, url)
        fields: dict[str, str] = data["fields"]
        if not same_ref(fields["ref"], ref):  # the list and the detail may write brackets or case differently
            raise MalformedPetition("详情页显示的信访件编号与所请求的不一致", ref=ref)
        fields.pop("attachments", None)
        if "assigned_to" in fields:
            fields["assigned_to"] = pages.unit_code(fields["assigned_to"])
        attachments: list[ScrapedAttachment] = []
        for att in data["attachments"]:
            href = urljoin(url, att["href"])
            try:
                # Retried on its own: a throttled download must not re-read the detail page.
                attachments.append(await self.retry.run(
                    "下载附件", lambda href=href, name=att["name"]: download.fetch(ctx, href, name, self.options)))
            except UpstreamDown as exc:
                # The detail page answered a moment ago: one file that keeps failing is this item's
                # problem, not the run's. The petition is stored with the file marked missing and
                # intake asks for it again on the next run.
                logger.warning("{} 的一个附件多次下载失败，先登记信访件，附件下次再取：{}", ref, exc.message)
                attachments.append(ScrapedAttachment(name=att["name"], error=exc.message, retry=True))
        return Scraped(ref=ref, fields=fields, petitioners=data["petitioners"], attachments=attachments)

    async def _load_detail(self, ctx: Any, page: Any, ref: str, url: str) -> dict[str, Any]:
        """The detail page's labelled values.

        Fast path: fetch the HTML with the context's request API (same cookies) and let the
        browser parse it with DOMParser, inert: no scripts run, no stylesheet is fetched, one
        round trip. A navigation costs Chromium ~35 ms of CPU; on 2 cores that decides whether
        500 details fit in 30 s and whether concurrency pays off. The page is
        server-rendered, so nothing is lost; should a layout ever build it with scripts, the
        labels will be missing and we fall back to a real navigation before giving up.
        """
        resp = await ctx.request.get(url, max_redirects=0, timeout=self.options.timeout_ms,
                                     fail_on_status_code=False)
        try:
            pages.check_response(resp, "读取信访件详情")
            status = resp.status
            html = await resp.text() if status == 200 else ""
        finally:
            await resp.dispose()
        if status == 403:
            raise NotOurs("上级系统拒绝访问：该信访件不属于本单位", ref=ref)
        if status == 404:
            raise Withdrawn("上级系统中没有该信访件（可能已被撤回）", ref=ref)
        if status != 200:
            raise MalformedPetition(f"详情页无法打开（HTTP {status}）", ref=ref)
        # Details sharing a page overlap on the network only: parsing, and the rare fallback
        # navigation that would destroy a neighbour's execution context, take turns.
        async with self._page_locks.setdefault(page, asyncio.Lock()):
            data = await pages.read_detail(page, html)
            if "ref" not in data["fields"]:
                resp = await page.goto(url, wait_until="domcontentloaded")
                pages.check_response(resp, "读取信访件详情")
                data = await pages.read_detail(page)
                if not data["fields"] and await pages.login_form(page) is not None:
                    raise pages.SessionLost()
        missing = [k for k in labels.REQUIRED_FIELDS if k not in data["fields"]]
        if missing:
            raise LayoutChanged(f"详情页（{pages.path_of(url)}）找不到这些栏目：{labels.field_names(missing)}", ref=ref)
        return data

    # -- 签收 -------------------------------------------------------------------------------
    async def _sign(self, ref: str) -> bool:
        await self._ensure_login()
        if self._detail_url(ref) is None:
            await self._discover_urls()
        url = self._detail_url(ref)
        if url is None:
            raise NotOurs("本单位的待办列表中没有该信访件，无法签收", ref=ref)
        signed = await self._with_relogin("签收", lambda: self._sign_once(ref, url))
        if signed:
            logger.info("已签收 {}", ref)
        return signed

    async def _sign_once(self, ref: str, url: str) -> bool:
        assert self._control is not None
        ctx, page = self._control
        fields = await self._open_detail(page, ref, url)
        button = pages.sign_button(page)
        if not await button.count():
            if fields.get("status", "").strip() == labels.WAITING_STATUS:
                raise LayoutChanged("详情页显示待签收，却找不到“签收”按钮", ref=ref)
            return False
        async with page.expect_response(lambda r: r.request.method == "POST") as info:
            await button.first.click()  # the dialog handler accepts the confirm()
        resp = await info.value
        pages.check_response(resp, "签收")
        if resp.status >= 400:
            raise NotOurs(f"上级系统拒绝签收（HTTP {resp.status}）", ref=ref)
        # Check on a second page: the first one is busy with the system's own reload.
        check = await ctx.new_page()
        try:
            after = await self._open_detail(check, ref, url)
        finally:
            await check.close()
        if after.get("status", "").strip() == labels.WAITING_STATUS:
            raise LayoutChanged("点击签收后状态仍为待签收", ref=ref)
        return True

    async def _open_detail(self, page: Any, ref: str, url: str) -> dict[str, str]:
        resp = await page.goto(url, wait_until="domcontentloaded")
        pages.check_response(resp, "打开信访件")
        if resp is not None and resp.status == 403:
            raise NotOurs("上级系统拒绝访问：该信访件不属于本单位", ref=ref)
        if resp is not None and resp.status == 404:
            raise Withdrawn("上级系统中没有该信访件（可能已被撤回）", ref=ref)
        fields = (await pages.read_detail(page))["fields"]
        if not fields:
            if await pages.login_form(page) is not None:
                raise pages.SessionLost()
            raise LayoutChanged(f"详情页（{pages.path_of(url)}）找不到任何信访件栏目（按“信访件编号”“标题”等标签文字查找）",
                                ref=ref)
        return fields

    # -- helpers ---------------------------------------------------------------------------
    def _need_browser(self) -> Browser:
        if self._browser is None:
            raise SystemError_("机器人未启动")
        return self._browser

    def _evidence_dir(self) -> Path | None:
        if self.options.evidence_dir is None or self._evidence >= self.options.max_evidence:
            return None
        self._evidence += 1
        return Path(self.options.evidence_dir)

    async def _keep_evidence(self, page: Any, ctx: Any, label: str) -> None:
        folder = await capture_evidence(page, ctx, self._evidence_dir(), label, trace=self.options.trace,
                                        secrets=(self.options.password,))
        if folder is not None:
            logger.info("已保存失败现场：{}", folder)
