"""Page objects for the district system, written against visible labels and texts.

Every function takes Playwright objects and returns plain values; the robot turns failures
into ``core.errors``. Nothing here keeps state between calls.
"""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Frame, Page, Response

from bots.district import labels
from bots.kit.http import SessionLost, check_frames, check_page, path_of
from bots.kit.readers import DETAIL_JS, LIST_JS
from core.errors import LayoutChanged

__all__ = ["SessionLost"]


PAGER_RE = re.compile(r"第\s*(\d+)\s*/\s*(\d+)\s*页")
TOTAL_RE = re.compile(r"共\s*(\d+)\s*条")
LOGIN_ERROR_RE = re.compile(r"[^\n]*(错误|不正确|失败|锁定|过期)[^\n]*")
_INPUTS = ("input:not([type=hidden]):not([type=password]):not([type=submit]):not([type=button])"
           ":not([type=checkbox]):not([type=radio])")


# -- login ---------------------------------------------------------------------------------
_LOGIN_FORM_JS = """() => {
  const f = [...document.forms].find(f => f.querySelector('input[type=password]'));
  if (!f) return null;
  const inputs = [...f.querySelectorAll(INPUTS)];
  const isCap = i => /验证码|captcha|yzm|checkcode/i.test([i.name, i.id, i.placeholder,
      (i.labels && i.labels[0] && i.labels[0].textContent) || ''].join(' '));
  return {user: inputs.findIndex(i => !isCap(i)), captcha: inputs.findIndex(isCap)};
}""".replace("INPUTS", repr(_INPUTS))


async def login_form(page: Page) -> dict[str, int] | None:
    """Where the login form's fields are, or None when the page shows no login form."""
    for frame in page.frames:
        try:
            found = await frame.evaluate(_LOGIN_FORM_JS)
        except Exception:  # noqa: BLE001 - a frame navigating away has no form to offer
            continue
        if found is not None:
            return {**found, "frame": page.frames.index(frame)}
    return None


async def submit_login(page: Page, form: dict[str, int], username: str, password: str,
                       captcha: str | None = None) -> Response | None:
    frame = page.frames[form["frame"]]
    f = frame.locator("form").filter(has=frame.locator("input[type=password]")).first
    if form["user"] < 0:
        raise LayoutChanged("登录页找不到用户名输入框")
    await f.locator(_INPUTS).nth(form["user"]).fill(username)
    await f.locator("input[type=password]").first.fill(password)
    if captcha is not None and form["captcha"] >= 0:
        await f.locator(_INPUTS).nth(form["captcha"]).fill(captcha)
    submit = f.locator("button[type=submit], input[type=submit], button:not([type])").first
    async with page.expect_navigation(wait_until="domcontentloaded") as nav:
        await submit.click()
    return await nav.value


async def login_error(page: Page) -> str:
    text = await page.evaluate("() => document.body ? document.body.innerText : ''")
    m = LOGIN_ERROR_RE.search(text)
    return m.group(0).strip()[:100] if m else ""


# -- frames and menu -----------------------------------------------------------------------
def _is_list_xhr(frame: Frame):
    def pred(resp: Response) -> bool:
        kind = resp.request.resource_type
        # The list's data request, or the frame's own page when it came back as an error page
        # (then no data request follows: waiting for one would only end in a timeout).
        return resp.frame == frame and (kind in ("xhr", "fetch") or (kind == "document" and resp.status >= 400))
    return pred


async def open_list(page: Page, menu_pattern: str, timeout_ms: int) -> Frame:
    """Click a menu entry in whichever frame holds the menu; return the frame the list loads in."""
    pattern = re.compile(menu_pattern)
    name = labels.MENU_NAMES.get(menu_pattern, menu_pattern)
    for frame in page.frames:
        link = frame.get_by_role("link", name=pattern)
        if await link.count():
            link = link.first
            break
    else:
        await check_frames(page, f"打开“{name}”菜单")
        raise LayoutChanged(f"主页面（{path_of(page.url)}）的菜单中找不到“{name}”链接（按链接文字“{name}”查找）")
    target = await link.get_attribute("target") or ""
    content = page.frame(name=target) if target else None
    if content is None:
        raise LayoutChanged(f"菜单链接“{name}”没有指向内容框架（链接的 target 为“{target}”）")
    async with page.expect_response(_is_list_xhr(content), timeout=timeout_ms) as info:
        await link.click()
    check_page(await info.value, f"读取“{name}”列表")
    await wait_rendered(content)
    return content


_RENDERED_JS = """() => ![...document.querySelectorAll('td')].some(td => td.colSpan > 1 && td.textContent.includes('加载中'))"""


async def wait_rendered(frame: Frame) -> None:
    await frame.wait_for_function(_RENDERED_JS)


async def list_action(page: Page, frame: Frame, action: Any, timeout_ms: int) -> None:
    """Do something that reloads the list (page size, next page) and wait for the new rows."""
    async with page.expect_response(_is_list_xhr(frame), timeout=timeout_ms) as info:
        await action()
    check_page(await info.value, "读取列表")
    await wait_rendered(frame)


async def set_page_size(page: Page, frame: Frame, wanted: int | None, timeout_ms: int) -> None:
    """Pick the largest page size on offer (not above ``wanted`` when given)."""
    selects = await frame.evaluate(
        "() => [...document.querySelectorAll('select')].map(s => ({v: s.value, o: [...s.options].map(o => o.value)}))")
    for i, sel in enumerate(selects):
        sizes = [int(o) for o in sel["o"] if o.isdigit()]
        if not sizes or len(sizes) != len(sel["o"]):
            continue
        fitting = [n for n in sizes if wanted is None or n <= wanted] or [min(sizes)]
        best = str(max(fitting))
        if sel["v"] != best:
            loc = frame.locator("select").nth(i)
            await list_action(page, frame, lambda loc=loc, best=best: loc.select_option(best), timeout_ms)
        return





async def read_list(frame: Frame) -> tuple[list[dict[str, str]], int, int, int | None]:
    """(rows, current page, page count, total or None) as the list shows them."""
    data = await frame.evaluate(LIST_JS, {k: list(v) for k, v in labels.LIST_LABELS.items()})
    where = f"列表页（{path_of(frame.url)}）"
    if not data["found"]:
        raise LayoutChanged(f"{where}找不到信访件编号列（按表头文字查找：{'、'.join(labels.LIST_LABELS['ref'])}）")
    pager = PAGER_RE.search(data["text"])
    if pager is None:
        raise LayoutChanged(f"{where}找不到分页信息（按“第 x/y 页”的文字查找）")
    total = TOTAL_RE.search(data["text"])
    return data["rows"], int(pager.group(1)), int(pager.group(2)), int(total.group(1)) if total else None


async def next_page(page: Page, frame: Frame, timeout_ms: int) -> None:
    button = frame.locator("button, a").filter(has_text=re.compile(labels.NEXT_PAGE)).first
    if not await button.count():
        raise LayoutChanged(f"列表页（{path_of(frame.url)}）找不到“下一页”按钮（按按钮文字“下一页”查找）")
    await list_action(page, frame, button.click, timeout_ms)


# -- detail --------------------------------------------------------------------------------



_DETAIL_SPEC = {
    "fields": {k: list(v) for k, v in labels.FIELD_LABELS.items()},
    "people": {k: list(v) for k, v in labels.PETITIONER_LABELS.items()},
}


async def read_detail(page: Page, html: str | None = None) -> dict[str, Any]:
    """The labelled values of the loaded page, or of ``html`` parsed inertly in ``page``."""
    return await page.evaluate(DETAIL_JS, {**_DETAIL_SPEC, "html": html})


def sign_button(page: Page) -> Any:
    return page.get_by_role("button", name=re.compile(labels.SIGN_BUTTON))


UNIT_CODE_RE = re.compile(r"[（(]\s*([A-Za-z0-9_-]+)\s*[)）]\s*$")


def unit_code(shown: str) -> str:
    """"余杭街道（YH-JD）" -> "YH-JD"; a bare code stays as it is."""
    m = UNIT_CODE_RE.search(shown)
    return m.group(1) if m else shown.strip()
