"""Logging in: once, in a context that is never traced, so the password never lands in a
trace file; the session leaves as a storage state (cookies) for the working contexts."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bots.district import pages
from bots.kit.browser import Browser, capture_evidence, close_context, map_error
from bots.kit.http import SessionLost, check_response
from bots.kit.options import RobotOptions, write_state
from core.errors import LoginFailed, PetitionbotError, SessionExpired
from core.ports import CaptchaSolver

CAPTCHA_MESSAGE = "上级系统登录需要图片验证码，机器人不能自动登录"
CAPTCHA_HINT = "请先运行 petitionbot login，在弹出的浏览器里输入验证码登录一次，然后重新运行"
CAPTCHA_ATTEMPTS = 5  # a person mistyping a code; after that, something else is wrong
# The captcha picture inside the login form: by its name, else the form's only picture.
_CAPTCHA_IMG = "img[src*=captcha i], img[src*=yzm i], img[alt*=验证码], img[class*=captcha i], img[class*=yzm i]"


async def fresh_login(browser: Browser, options: RobotOptions, *, evidence_dir: Path | None,
                      captcha_solver: Callable[[], str] | None = None) -> dict[str, Any]:
    """One login attempt. Returns the storage state. Never retries a refused password."""
    ctx = await browser.new_context(trace=False, timeout_ms=options.timeout_ms)
    page = await ctx.new_page()
    try:
        resp = await page.goto(options.url, wait_until="domcontentloaded")
        check_response(resp, "打开登录页")
        form = await pages.login_form(page)
        if form is None:
            # Already logged in (e.g. an SSO cookie): nothing to type.
            return await ctx.storage_state()
        captcha = None
        if form["captcha"] >= 0:
            if captcha_solver is None:
                await capture_evidence(page, None, evidence_dir, "captcha", trace=False,
                                       secrets=(options.password,))
                raise SessionExpired(CAPTCHA_MESSAGE, hint=CAPTCHA_HINT)
            captcha = captcha_solver()
        resp = await pages.submit_login(page, form, options.username, options.password, captcha)
        check_response(resp, "提交登录")
        if await pages.login_form(page) is not None:
            reason = await pages.login_error(page) or "登录后仍停留在登录页"
            await capture_evidence(page, None, evidence_dir, "login-failed", trace=False,
                                   secrets=(options.password,))
            raise LoginFailed(f"登录上级系统失败：{reason}", hint="请核对用户名和密码；为免账号被锁定，机器人不会自动重试")
        return await ctx.storage_state()
    except (PetitionbotError, SessionLost):
        raise
    except Exception as exc:  # noqa: BLE001 - map Playwright's errors at the boundary
        raise map_error(exc, "登录上级系统") from exc
    finally:
        await close_context(ctx)


def interactive_login(options: RobotOptions, *, captcha_solver: CaptchaSolver | None = None,
                      timeout_s: float = 300, browser: Browser | None = None) -> None:
    """``petitionbot login``: a visible browser on the login page with the user name and password
    filled in; the clerk types the captcha and clicks 登录; the session is saved to
    ``options.state_path``.

    With ``captcha_solver`` no window is needed (the web console, tests): the solver is shown the
    captcha as this headless browser sees it (a PNG of the picture) and returns the code; a code
    the upstream refuses brings a new picture with the upstream's message, up to
    ``CAPTCHA_ATTEMPTS`` times. A refused password is never retried."""
    own = browser is None
    browser = browser or Browser(executable_path=options.executable_path,
                                 headless=options.headless if captcha_solver else False)
    try:
        state = browser.run(_interactive(browser, options, captcha_solver, timeout_s))
        write_state(options.state_path, state)
    finally:
        if own:
            browser.close()


async def _interactive(browser: Browser, options: RobotOptions, solver: CaptchaSolver | None,
                       timeout_s: float) -> dict[str, Any]:
    ctx = await browser.new_context(trace=False, block=False, timeout_ms=options.timeout_ms)
    page = await ctx.new_page()
    try:
        await page.goto(options.url, wait_until="domcontentloaded")
        form = await pages.login_form(page)
        if form is not None:
            frame = page.frames[form["frame"]]
            f = frame.locator("form").filter(has=frame.locator("input[type=password]")).first
            if form["user"] >= 0:
                await f.locator(pages._INPUTS).nth(form["user"]).fill(options.username)
            await f.locator("input[type=password]").first.fill(options.password)
            if solver is not None:
                return await _solve_headless(page, ctx, options, solver)
        deadline = time.monotonic() + timeout_s
        while await pages.login_form(page) is not None:
            if time.monotonic() > deadline:
                raise SessionExpired("等待手动登录超时", hint="请重新运行 petitionbot login 并在浏览器中完成登录")
            await asyncio.sleep(0.5)  # polling: we wait for a person typing, there is no event to await
        return await ctx.storage_state()
    except PetitionbotError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise map_error(exc, "手动登录") from exc
    finally:
        await close_context(ctx)


async def _solve_headless(page: Any, ctx: Any, options: RobotOptions, solver: CaptchaSolver) -> dict[str, Any]:
    notice = ""
    for _ in range(CAPTCHA_ATTEMPTS):
        form = await pages.login_form(page)
        if form is None:
            return await ctx.storage_state()
        image = await captcha_picture(page, form) if form["captcha"] >= 0 else b""
        # The solver waits for a person: off the browser's loop, which other pages may be using.
        code = await asyncio.to_thread(solver, image, notice)
        resp = await pages.submit_login(page, form, options.username, options.password, code)
        check_response(resp, "提交登录")
        if await pages.login_form(page) is None:
            return await ctx.storage_state()
        notice = await pages.login_error(page) or "登录后仍停留在登录页"
        if "验证码" not in notice:  # the password was refused: retrying could lock the account
            raise LoginFailed(f"登录上级系统失败：{notice}", hint="请核对用户名和密码；为免账号被锁定，机器人不会自动重试")
    raise LoginFailed(f"验证码连续 {CAPTCHA_ATTEMPTS} 次未通过：{notice}", hint="请稍后重新登录")


async def captcha_picture(page: Any, form: dict[str, int]) -> bytes:
    """A PNG of the captcha exactly as this browser shows it (the upstream draws a new code for
    each picture request, so the picture must not be fetched a second time)."""
    frame = page.frames[form["frame"]]
    f = frame.locator("form").filter(has=frame.locator("input[type=password]")).first
    img = f.locator(_CAPTCHA_IMG).first
    if not await img.count():
        img = f.locator("img").first
    target = img if await img.count() else f
    await target.evaluate("e => e.tagName !== 'IMG' || e.complete || new Promise(r => { e.onload = r; e.onerror = r; })")
    return await target.screenshot(type="png")
