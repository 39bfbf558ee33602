"""Page objects for the 12345 platform, written against visible labels and texts.

Plain values out, Playwright objects in, no state kept. The HTTP-answer rules (expiry,
throttling, server errors) are the kit's (``bots.kit.http``).
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Frame, Page, Response

from bots.hotline import labels
from bots.kit.http import SessionLost, check_response
from bots.kit.readers import DETAIL_JS, LIST_JS
from core.errors import LayoutChanged

FRAME_NAME = "gdFrame"
PAGER_RE = re.compile(r"第\s*(\d+)\s*页\s*/\s*共\s*(\d+)\s*页")
TOTAL_RE = re.compile(r"共\s*(\d+)\s*条")
_LIST_SPEC = {key: [label] for label, key in labels.LIST_LABELS.items()}


# -- login ---------------------------------------------------------------------------------
async def on_login_page(page_or_frame: Page | Frame) -> bool:
    return await page_or_frame.locator("input[type=password]").count() > 0


async def submit_login(page: Page, username: str, password: str) -> Response | None:
    """Type 工号 and 口令 and press 登录; the page's script hashes the 口令 and posts the form."""
    user = page.get_by_label(labels.LOGIN_USER, exact=True)
    secret = page.get_by_label(labels.LOGIN_PASSWORD, exact=True)
    button = page.get_by_role("button", name=re.compile(labels.LOGIN_BUTTON))
    if not (await user.count() and await secret.count() and await button.count()):
        raise LayoutChanged("登录页找不到工号、口令或登录按钮")
    await user.fill(username)
    await secret.fill(password)
    async with page.expect_navigation(wait_until="domcontentloaded") as nav:
        await button.click()
    return await nav.value


async def login_error(page: Page) -> str:
    alert = page.get_by_role("alert")
    text = (await alert.first.inner_text()).strip() if await alert.count() else ""
    return text[:100]


# -- lists ---------------------------------------------------------------------------------
async def _navigated(frame: Frame, action: Any, what: str) -> None:
    """Run ``action`` (a click) and wait for ``frame``'s new document; raise on what it says."""
    async with frame.expect_navigation(wait_until="domcontentloaded") as nav:
        await action()
    check_response(await nav.value, what)
    if await on_login_page(frame):
        raise SessionLost()  # the platform sent the frame to its login page


async def open_tab(page: Page, pattern: str) -> Frame:
    """Click a 工单管理 tab; return the iframe the list loaded in."""
    link = page.get_by_role("link", name=re.compile(pattern))
    if not await link.count():
        raise LayoutChanged("找不到待接单/处理中菜单")
    target = await link.first.get_attribute("target") or FRAME_NAME
    # Through the element, not page.frame(name): right after a navigation the frame tree can
    # lag behind the parsed document, and the element waits for its frame to be attached.
    holder = page.locator(f'iframe[name="{target}"]')
    if not await holder.count():
        raise LayoutChanged("找不到工单列表所在的框架")
    frame = await (await holder.first.element_handle()).content_frame()
    if frame is None:
        raise LayoutChanged("找不到工单列表所在的框架")
    await _navigated(frame, link.first.click, "读取工单列表")
    return frame


async def read_list(frame: Frame) -> tuple[list[dict[str, str]], int, int, int | None]:
    """(rows, current page, page count, total or None) as the list shows them."""
    data = await frame.evaluate(LIST_JS, _LIST_SPEC)
    if not data["found"]:
        raise LayoutChanged("工单列表找不到工单编号列")
    pager = PAGER_RE.search(data["text"])
    if pager is None:
        raise LayoutChanged("工单列表找不到分页信息（第 x 页 / 共 y 页）")
    total = TOTAL_RE.search(data["text"])
    return data["rows"], int(pager[1]), int(pager[2]), int(total[1]) if total else None


async def next_page(frame: Frame) -> None:
    link = frame.get_by_role("link", name=re.compile(r"^\s*下一页\s*$"))
    if not await link.count():
        raise LayoutChanged("工单列表找不到“下一页”链接")
    await _navigated(frame, link.first.click, "读取工单列表")


# -- detail --------------------------------------------------------------------------------
_DETAIL_SPEC = {"fields": {key: [label] for label, key in labels.FIELD_LABELS.items()}, "people": {}}


async def read_detail(page: Page, html: str | None = None) -> dict[str, Any]:
    """The labelled values of the loaded page, or of ``html`` parsed inertly in ``page``:
    ``{"values": {key: text}, "links": [{name, href}]}`` (the attachment's links)."""
    data = await page.evaluate(DETAIL_JS, {**_DETAIL_SPEC, "html": html})
    values = data["fields"]
    values.pop("attachments", None)
    return {"values": values, "links": data["attachments"]}


async def notice(page: Page) -> str:
    """The platform's message after an action (接单成功, or why it refused)."""
    box = page.get_by_role("status")
    return (await box.first.inner_text()).strip() if await box.count() else ""


# -- 接单 -----------------------------------------------------------------------------------
def accept_button(page: Page) -> Any:
    return page.get_by_role("button", name=re.compile(labels.ACCEPT_BUTTON))


async def confirm_accept(page: Page) -> Response | None:
    """Press 接单, then 确定 in the platform's own dialog; the answer to the posted form."""
    await accept_button(page).first.click()
    dialog = page.get_by_role("dialog", name=re.compile(labels.ACCEPT_DIALOG))
    await dialog.wait_for(state="visible")
    confirm = dialog.get_by_role("button", name=re.compile(labels.CONFIRM_BUTTON))
    if not await confirm.count():
        raise LayoutChanged("接单确认框里找不到“确定”按钮")
    async with page.expect_navigation(wait_until="domcontentloaded") as nav:
        await confirm.first.click()
    return await nav.value
