"""DistrictRobot: the ``core.ports.Robot`` port for the district's petition web system.

Shape of a run: one *control* context (lists, 签收) and, while fetching, ``concurrency``
*lanes*, each a context with one page, pulling refs from a shared queue. All of it runs as
coroutines on the :class:`bots.kit.browser.Browser` loop; the public methods are synchronous.
Login happens in an untraced context (see login.py); its cookies are handed to the others.
"""

from __future__ import annotations

import asyncio
import threading
import weakref
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urljoin

from loguru import logger

from bots.district import labels, pages
from bots.district.login import fresh_login, interactive_login
from bots.kit import download
from bots.kit.browser import close_context, map_error
from bots.kit.http import SessionLost, check_page, check_response, path_of
from bots.kit.options import RobotOptions
from bots.kit.session import SessionRobot, Words, refused
from bots.kit.stream import Emit, stream
from core.errors import (
    LayoutChanged,
    MalformedPetition,
    NotOurs,
    PetitionbotError,
    UpstreamDown,
)
from core.ports import CaptchaSolver, FetchFailure, Listing, Scraped, ScrapedAttachment, Site
from core.refs import same_ref

__all__ = ["DistrictRobot", "RobotOptions", "interactive_login"]

MAX_PAGES = 2000
MAX_WALKS = 3  # re-reads of a list whose rows moved while we paged

SITE = Site(
    name="district",
    label="区信访系统",
    to_sign=frozenset({"待签收"}),
    # 已办结 and 已存档 end the matter; the other statuses seen in real exports are still open.
    closed=frozenset({"已办结", "已存档"}),
    withdrawn=frozenset({"已撤回"}),
    open=frozenset({"已签收待办理", "待办理", "退回待办理", "已受理待送达", "已处理待送达", "待送达", "已送达待处理", "待审核",
                    "待补充材料", "已延期申请"}),
    forms={f: f for f in ("来信", "来访", "网上信访", "电话")},
    purposes={p: p for p in ("求决", "申诉", "检举控告", "建议意见", "其他")},
    ref_pattern=r"[A-Z]{2}\d{8,}",
    date_formats=("%Y-%m-%d",),
    statutory=True,
)

class DistrictRobot(SessionRobot):
    site = SITE
    words = Words(system="上级系统", item="信访件", lists="待办列表",
                  relogin_hint="请稍后重新运行；如仍失败请运行 petitionbot login")

    def __init__(self, options: RobotOptions, *, browser: Any = None):
        super().__init__(options, browser=browser)
        self._page_locks: weakref.WeakKeyDictionary[Any, asyncio.Lock] = weakref.WeakKeyDictionary()

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
        # The caller may stop early: lanes finish the item in hand, close their contexts and stop.
        yield from stream(self._need_browser(), lambda emit, cancel: self._fetch_all(wanted, emit, cancel),
                          maxsize=max(4, 2 * self.options.concurrency),
                          drain_timeout_s=2 * self.options.timeout_ms / 1000 + 10)

    def interactive_login(self, *, captcha_solver: CaptchaSolver | None = None, timeout_s: float = 300) -> None:
        """``petitionbot login``: the clerk logs in (captcha) in this robot's browser, which is
        visible when ``options.headless`` is False; the session is saved to ``state_path``.
        With ``captcha_solver`` (the console) the browser stays headless: see login.py."""
        interactive_login(self.options, captcha_solver=captcha_solver, timeout_s=timeout_s,
                          browser=self._need_browser())

    # -- the session (the kit's, with this site's login page) ------------------------------
    async def _fresh_login(self) -> dict[str, Any]:
        return await fresh_login(self._need_browser(), self.options, evidence_dir=self._evidence_dir())

    async def _is_live(self, page: Any) -> bool:
        return await pages.login_form(page) is None

    def _prepare_control(self, page: Any) -> None:
        page.on("dialog", lambda dialog: dialog.accept())  # 签收's confirm() and the alert after it

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
        check_page(resp, "打开上级系统")
        if await pages.login_form(page) is not None:
            raise SessionLost()
        frame = await pages.open_list(page, pattern, t)
        await pages.set_page_size(page, frame, self.options.page_size, t)
        rows_seen, totals, last_page = 0, [], 0
        for _ in range(MAX_PAGES):
            rows, current, count, total = await pages.read_list(frame)
            if current <= last_page:
                raise LayoutChanged(f"列表页（{path_of(frame.url)}）翻页后页码没有前进（仍为第 {current} 页）")
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
        check_page(resp, "打开上级系统")
        if await pages.login_form(page) is not None:
            raise SessionLost()
        frame = await pages.open_list(page, pattern, self.options.timeout_ms)
        for row in (await pages.read_list(frame))[0]:
            if row.get("href"):
                self._learn_url(row["ref"].strip(), row["href"])

    async def _fetch_all(self, refs: list[str], emit: Emit, cancel: threading.Event) -> None:
        work: asyncio.Queue[str] = asyncio.Queue()
        for ref in refs:
            work.put_nowait(ref)
        lanes = [asyncio.create_task(self._lane(work, emit, cancel))
                 for _ in range(min(self.options.concurrency, len(refs)))]
        try:
            await asyncio.gather(*lanes)
        except BaseException as exc:
            for lane in lanes:
                lane.cancel()
            await asyncio.gather(*lanes, return_exceptions=True)
            if isinstance(exc, PetitionbotError | asyncio.CancelledError):
                raise
            raise map_error(exc, "读取信访件") from exc

    async def _lane(self, work: asyncio.Queue[str], emit: Emit, cancel: threading.Event) -> None:
        ctx = page = None
        done, gen = 0, self._gen
        try:
            while not cancel.is_set():
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
                        await emit(item)
                for item in results:
                    if isinstance(item, BaseException):
                        raise item
        finally:
            if ctx is not None:
                await close_context(ctx)

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
            check_response(resp, "读取信访件详情")
            status = resp.status
            html = await resp.text() if status == 200 else ""
        finally:
            await resp.dispose()
        refused(status, ref, self.words, "打开详情页", unexpected=MalformedPetition)
        # Details sharing a page overlap on the network only: parsing, and the rare fallback
        # navigation that would destroy a neighbour's execution context, take turns.
        async with self._page_locks.setdefault(page, asyncio.Lock()):
            data = await pages.read_detail(page, html)
            if "ref" not in data["fields"]:
                resp = await page.goto(url, wait_until="domcontentloaded")
                check_response(resp, "读取信访件详情")
                data = await pages.read_detail(page)
                if not data["fields"] and await pages.login_form(page) is not None:
                    raise SessionLost()
        missing = [k for k in labels.REQUIRED_FIELDS if k not in data["fields"]]
        if missing:
            raise LayoutChanged(f"详情页（{path_of(url)}）找不到这些栏目：{labels.field_names(missing)}", ref=ref)
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
        check_response(resp, "签收")
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
        check_response(resp, "打开信访件")
        if resp is not None and resp.status in (403, 404):
            refused(resp.status, ref, self.words, "打开信访件", unexpected=LayoutChanged)
        fields = (await pages.read_detail(page))["fields"]
        if not fields:
            if await pages.login_form(page) is not None:
                raise SessionLost()
            raise LayoutChanged(f"详情页（{path_of(url)}）找不到任何信访件栏目（按“信访件编号”“标题”等标签文字查找）",
                                ref=ref)
        return fields
