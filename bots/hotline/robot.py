"""HotlineRobot: the ``core.ports.Robot`` port for the 12345 hotline work-order platform.

Shape of a run: one *control* context (the workbench, its iframe lists, 接单) and, while
fetching, one *work* context per ``recycle_every`` orders whose request API reads details
(``concurrency`` at a time) and downloads the one attachment each; the HTML is parsed inert
in one page. Login happens in an untraced context (the 口令 never lands in a trace); its
cookies are handed to the others. Everything runs on the :class:`bots.kit.browser.Browser` loop;
the public methods are synchronous.

The session, URL learning, one detail's error split and evidence are the kit's
(``bots.kit.session``); what is left here is this platform's pages and words.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urljoin

from loguru import logger

from bots.hotline import labels, pages
from bots.kit import download
from bots.kit.browser import Browser, capture_evidence, close_context, map_error
from bots.kit.http import SessionLost, check_response
from bots.kit.options import RobotOptions
from bots.kit.session import SessionRobot, Words, refused
from bots.kit.stream import Emit, stream
from core.errors import (
    LayoutChanged,
    LoginFailed,
    MalformedPetition,
    NotOurs,
    PetitionbotError,
    UpstreamDown,
)
from core.ports import FetchFailure, Listing, Scraped, ScrapedAttachment, Site

__all__ = ["HotlineRobot", "RobotOptions"]

MAX_PAGES = 2000
MAX_WALKS = 3  # re-reads of a list whose rows moved while we paged
_LABEL_OF = {key: label for label, key in labels.FIELD_LABELS.items()}
RELOGIN_HINT = "请稍后重新运行；如仍失败请联系热线平台管理员"


async def fresh_login(browser: Browser, options: RobotOptions, *,
                      evidence_dir: Callable[[], Path | None]) -> dict[str, Any]:
    """One login attempt; the storage state. A refused 口令 is never retried (the platform
    locks a 工号 after a few wrong ones). ``evidence_dir`` is asked only when evidence is
    kept, so a good login does not use up the run's evidence budget."""
    ctx = await browser.new_context(trace=False, timeout_ms=options.timeout_ms)
    page = await ctx.new_page()
    try:
        check_response(await page.goto(options.url, wait_until="domcontentloaded"), "打开登录页")
        if not await pages.on_login_page(page):
            return await ctx.storage_state()  # already logged in (a single sign-on cookie)
        check_response(await pages.submit_login(page, options.username, options.password), "提交登录")
        if await pages.on_login_page(page):
            reason = await pages.login_error(page) or "登录后仍停留在登录页"
            await capture_evidence(page, None, evidence_dir(), "login-failed", trace=False, secrets=(options.password,))
            raise LoginFailed(f"登录热线平台失败：{reason}", hint="请核对工号和口令；为免工号被锁定，机器人不会自动重试")
        return await ctx.storage_state()
    except (PetitionbotError, SessionLost):
        raise
    except Exception as exc:  # noqa: BLE001 - map Playwright's errors at the boundary
        raise map_error(exc, "登录热线平台") from exc
    finally:
        await close_context(ctx)


SITE = Site(
    name="hotline",
    label="12345热线",
    to_sign=frozenset({labels.WAITING_STATUS}),  # 待接单: 接单 is this platform's 签收
    # 已办结待回访: the street's part is done (the platform calls the citizen back); 已回访 ends it.
    # 退单: we sent it back as not ours, so no deadline of ours runs either.
    closed=frozenset({"已办结", "已办结待回访", "已回访", "退单"}),
    withdrawn=frozenset({"撤单", "改派"}),
    open=frozenset({"处理中"}),
    # 来源渠道: a call is a phone petition; the platform's web, WeChat and app channels are online.
    forms={"电话": "电话", "网站": "网上信访", "微信": "网上信访", "APP": "网上信访"},
    # 诉求类型 → 信访目的: 举报 is an accusation, so the caller is never named outside the ledger.
    purposes={"举报": "检举控告", "投诉": "求决", "求助": "求决", "建议": "建议意见", "咨询": "其他"},
    ref_pattern=r"[A-Z]{2}-12345-\d{8}-\d{4}",
    date_formats=("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"),
    statutory=False,  # a work order follows its own 办理时限, not the petition statutes
)


class HotlineRobot(SessionRobot):
    site = SITE
    words = Words(system="热线平台", item="工单", lists="工单列表",
                  relogin_hint="请稍后重新运行；如仍失败请联系热线平台管理员")

    # -- the port --------------------------------------------------------------------------
    def list_assigned(self) -> list[Listing]:
        return self._run(self._list_assigned())

    def sign(self, ref: str) -> bool:
        """接单: True if accepted now, False if the order was no longer waiting for it."""
        return self._run(self._accept(ref))

    def fetch(self, refs: Sequence[str]) -> Iterator[Scraped | FetchFailure]:
        wanted = list(dict.fromkeys(refs))
        if not wanted:
            return
        self._run(self._prepare_fetch(wanted))
        yield from stream(self._need_browser(), lambda emit, cancel: self._fetch_all(wanted, emit, cancel),
                          maxsize=2 * self.options.concurrency, drain_timeout_s=2 * self.options.timeout_ms / 1000 + 10)

    # -- the session (the kit's, with this platform's login page) ---------------------------
    async def _fresh_login(self) -> dict[str, Any]:
        return await fresh_login(self._need_browser(), self.options, evidence_dir=self._evidence_dir)

    async def _is_live(self, page: Any) -> bool:
        return not await pages.on_login_page(page)

    # -- lists -----------------------------------------------------------------------------
    async def _list_assigned(self) -> list[Listing]:
        found: dict[str, Listing] = {}
        for pattern in (labels.TAB_ACCEPT, labels.TAB_HANDLING):
            await self._with_relogin("读取工单列表", lambda p=pattern: self._collect(p, found))
        logger.info("待接单和处理中工单共 {} 件", len(found))
        return list(found.values())

    async def _collect(self, pattern: str, found: dict[str, Listing]) -> None:
        for _ in range(MAX_WALKS):
            rows_seen, totals = await self._walk(pattern, found)
            if len(set(totals)) == 1 and (totals[0] is None or rows_seen == totals[0]):
                return
            # Orders moved (dispatched, withdrawn, accepted) while we paged: walk again; the union
            # keeps everything already seen, so an order that slid onto an earlier page is caught.
            logger.info("工单列表在翻页期间发生变化，重新读取")
        logger.warning("工单列表在 {} 次读取中都在变化，按已读到的结果继续", MAX_WALKS)

    async def _walk(self, pattern: str, found: dict[str, Listing], *, first_only: bool = False
                    ) -> tuple[int, list[int | None]]:
        assert self._control is not None
        _, page = self._control
        # "load", not "domcontentloaded": the list frame's own start page must have arrived before
        # a tab is clicked, or on a slow line that start page is what the click's wait sees.
        check_response(await page.goto(self.options.url, wait_until="load"), "打开热线平台")
        if await pages.on_login_page(page):
            raise SessionLost()
        frame = await pages.open_tab(page, pattern)
        rows_seen, totals, last_page = 0, [], 0
        for _ in range(MAX_PAGES):
            rows, current, count, total = await pages.read_list(frame)
            if current <= last_page:
                raise LayoutChanged("翻页后页码没有前进")
            last_page = current
            for row in rows:
                ref = row["ref"].strip()
                found[ref] = Listing(ref=ref, title=row.get("title", ""), status=row.get("status", "").strip(),
                                     assigned_on=row.get("assigned_on", "").strip(), due_on=row.get("due_on", "").strip())
                if row.get("href"):
                    self._learn_url(ref, row["href"])
            rows_seen += len(rows)
            totals.append(total)
            if first_only or current >= count:
                return rows_seen, totals
            await pages.next_page(frame)
        raise LayoutChanged("工单列表页数异常（超过上限）")

    async def _discover_urls(self) -> None:
        """Learn where details live from the first page of each tab (cheaper than a listing)."""
        for pattern in (labels.TAB_ACCEPT, labels.TAB_HANDLING):
            if self._template is not None:
                return
            await self._with_relogin("读取工单列表", lambda p=pattern: self._walk(p, {}, first_only=True))

    # -- details ---------------------------------------------------------------------------
    async def _prepare_fetch(self, refs: list[str]) -> None:
        await self._ensure_login()
        if self._template is None and any(r not in self._detail_urls for r in refs):
            await self._discover_urls()

    async def _fetch_all(self, refs: list[str], emit: Emit, cancel: threading.Event) -> None:
        size = max(1, self.options.recycle_every)
        for start in range(0, len(refs), size):
            if cancel.is_set():
                return
            await self._guard(self._fetch_chunk(refs[start:start + size], emit, cancel), "读取工单")

    async def _fetch_chunk(self, refs: list[str], emit: Emit, cancel: threading.Event) -> None:
        """One fresh work context for these orders (a long run's memory stays flat)."""
        ctx = await self._need_browser().new_context(storage_state=self._storage, trace=self.options.trace,
                                                     snapshots=False, timeout_ms=self.options.timeout_ms)
        self.contexts_opened += 1
        try:
            page = await ctx.new_page()  # only parses fetched HTML, inert; never navigates
            lanes = asyncio.Semaphore(max(1, self.options.concurrency))
            cookies_of = [self._gen]

            async def one(ref: str) -> None:
                async with lanes:
                    if cancel.is_set():
                        return
                    if cookies_of[0] != self._gen:  # another task logged in again meanwhile
                        await ctx.add_cookies(self._storage["cookies"])  # type: ignore[index]
                        cookies_of[0] = self._gen
                    await emit(await self._fetch_one(ctx, page, ref))

            tasks = [asyncio.create_task(one(ref)) for ref in refs]
            try:
                await asyncio.gather(*tasks)
            except BaseException:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                raise
        finally:
            await close_context(ctx)

    async def _read_one(self, ctx: Any, page: Any, ref: str, url: str) -> Scraped:
        # The request API (same cookies) and an inert parse: one round trip, no scripts, no
        # stylesheet; the detail is server-rendered, so nothing is lost against a navigation.
        resp = await ctx.request.get(url, max_redirects=0, timeout=self.options.timeout_ms, fail_on_status_code=False)
        try:
            check_response(resp, "读取工单详情")
            status = resp.status
            html = await resp.text() if status == 200 else ""
        finally:
            await resp.dispose()
        refused(status, ref, self.words, "读取工单详情", unexpected=MalformedPetition)
        data = await pages.read_detail(page, html)
        values: dict[str, str] = data["values"]
        missing = [k for k in labels.REQUIRED_FIELDS if k not in values]
        if missing:
            raise LayoutChanged(f"工单详情找不到这些栏目：{'、'.join(_LABEL_OF[k] for k in missing)}", ref=ref)
        if values["ref"].strip() != ref:
            raise MalformedPetition("详情页显示的工单编号与所请求的不一致", ref=ref)
        fields = {k: v for k, v in values.items() if "." not in k}
        person = {k.split(".", 1)[1]: v for k, v in values.items() if k.startswith("petitioner.")}
        attachments = [await self._download(ctx, urljoin(url, link["href"]), link["name"]) for link in data["links"]]
        return Scraped(ref=ref, fields=fields, petitioners=[person] if any(v.strip() for v in person.values()) else [],
                       attachments=attachments)

    async def _download(self, ctx: Any, href: str, name: str) -> ScrapedAttachment:
        try:
            # Retried on its own: a throttled download must not re-read the detail.
            return await self.retry.run("下载附件", lambda: download.fetch(ctx, href, name, self.options))
        except UpstreamDown as exc:
            # The detail page has just answered, so the platform is up and only this file is
            # not: the order still arrives (its 办理时限 is days away at most), the file marked.
            logger.warning("附件下载失败：{}", exc.message)
            return ScrapedAttachment(name=name, error=f"附件下载失败：{exc.message}", retry=True)

    # -- 接单 -------------------------------------------------------------------------------
    async def _accept(self, ref: str) -> bool:
        await self._ensure_login()
        if self._detail_url(ref) is None:
            await self._discover_urls()
        url = self._detail_url(ref)
        if url is None:
            raise NotOurs("本单位的工单列表中没有该工单，无法接单", ref=ref)
        accepted = await self._with_relogin("接单", lambda: self._accept_once(ref, url))
        if accepted:
            logger.info("已接单 {}", ref)
        return accepted

    async def _accept_once(self, ref: str, url: str) -> bool:
        assert self._control is not None
        _, page = self._control
        before = await self._open_detail(page, ref, url)
        if not await pages.accept_button(page).count():
            if before["values"].get("status", "").strip() == labels.WAITING_STATUS:
                raise LayoutChanged("详情页显示待接单，却找不到“接单”按钮", ref=ref)
            return False
        resp = await pages.confirm_accept(page)
        check_response(resp, "接单")
        refused(resp.status if resp is not None else 200, ref, self.words, "接单", unexpected=LayoutChanged)
        if await pages.on_login_page(page):
            raise SessionLost()
        after = await pages.read_detail(page)
        if after["values"].get("status", "").strip() == labels.WAITING_STATUS:
            raise LayoutChanged("点击接单后状态仍为待接单", ref=ref)
        # Status moved but no success notice: someone else accepted it a moment before us.
        return labels.ACCEPTED_NOTICE in await pages.notice(page)

    async def _open_detail(self, page: Any, ref: str, url: str) -> dict[str, Any]:
        resp = await page.goto(url, wait_until="domcontentloaded")
        check_response(resp, "打开工单")
        refused(resp.status if resp is not None else 200, ref, self.words, "打开工单", unexpected=LayoutChanged)
        if await pages.on_login_page(page):
            raise SessionLost()
        data = await pages.read_detail(page)
        if "ref" not in data["values"]:
            raise LayoutChanged("详情页找不到工单栏目", ref=ref)
        return data

    # -- evidence ------------------------------------------------------------------------
    async def _failure_evidence(self, ctx: Any, page: Any, url: str, ref: str) -> None:
        """The detail as a person would see it (the work page only ever held parsed HTML)."""
        page = await ctx.new_page()
        try:
            try:
                await page.goto(url, wait_until="domcontentloaded", timeout=min(self.options.timeout_ms, 5_000))
            except Exception:  # noqa: BLE001 - the browser's error page is evidence too
                pass
            await self._keep_evidence(page, ctx, f"detail-{ref}")
        finally:
            await page.close()
