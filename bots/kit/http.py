"""What an upstream's HTTP answers mean, for every site: expiry, throttling, server errors.

The rules (the port's, stated in docs/adding-an-upstream.md): a 401, or a redirect to a URL
containing "login", is a lost session (:class:`SessionLost`, internal to the robot, which logs
in again once); 429 and every 5xx are transient (retried with backoff, honouring Retry-After,
then ``UpstreamDown`` naming the status). What a 403 or 404 means for one item is the robot's
call (``NotOurs`` / ``Withdrawn``), since only it knows which request it made.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from playwright.async_api import Page, Response

from core.errors import TransientError


class SessionLost(Exception):
    """The upstream sent us to its login page: the session expired (internal to the robot)."""




def check_response(resp: Response | None, what: str) -> None:
    """Raise for an answer that is not a page we can read: expiry, throttling, server errors."""
    if resp is None:
        return
    status = resp.status
    if status == 401 or (300 <= status < 400 and "login" in (resp.headers.get("location") or "").lower()):
        raise SessionLost()
    if status == 429 or status >= 500:
        retry_after = _retry_after(resp.headers.get("retry-after"))
        text = "访问过于频繁" if status == 429 else "上级系统出错"
        raise TransientError(f"{what}：{text}（HTTP {status}）", retry_after=retry_after)


def check_page(resp: Response | None, what: str) -> None:
    """For a page that is only ever a page (menu, list frame): any error status is the upstream
    failing (retried, then UpstreamDown naming the status), never a layout change."""
    check_response(resp, what)
    if resp is not None and resp.status >= 400:
        raise TransientError(f"{what}：上级系统出错（HTTP {resp.status}）")


_NAV_STATUS_JS = """() => { const e = performance.getEntriesByType('navigation')[0];
  return e && e.responseStatus ? e.responseStatus : 0; }"""


async def check_frames(page: Page, what: str) -> None:
    """An error page inside a frame (the menu frame answered 500) before any layout verdict: the
    browser loads frames itself, so their HTTP status is read from the frame's navigation entry."""
    for frame in page.frames:
        try:
            status = int(await frame.evaluate(_NAV_STATUS_JS) or 0)
        except Exception:  # noqa: BLE001 - a frame navigating away has no status to offer
            continue
        if status >= 400 and status != 401:
            raise TransientError(f"{what}：上级系统出错（{path_of(frame.url)} 返回 HTTP {status}）")


def path_of(url: str) -> str:
    """The page's path, for messages: which page, without a query that may carry a ref."""
    return urlsplit(url).path or "/"


def _retry_after(value: str | None) -> float | None:
    try:
        return max(float(value), 0.0) if value else None
    except ValueError:
        return None  # an HTTP date: rare for this system; fall back to our own backoff
