"""Each half of the trace scrub on its own, in real Chromium against a real HTTP server.

Evidence traces are scrubbed twice over: structurally (``Cookie``/``Set-Cookie``/``Authorization``
headers blanked, HAR cookie lists emptied, whatever their values) and by value (the context's
live cookie values and the password replaced in every file, wherever a page echoed them). Each
half would hide the other's absence in an end-to-end test, so each gets a test where only it
can succeed: header values the scrub is never told about, and a cookie value echoed into a page
body where no header structure is."""

from __future__ import annotations

import asyncio
import json
import threading
import zipfile
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bots.kit import browser as kit
from bots.kit.browser import REDACTED, capture_evidence, close_context, scrub_trace

SESSION = "c0ffee-sess-7f3a9c1e5b"  # the live session cookie
BEARER = "Bearer tok-91d2e8a4c7"
CSRF = "csrf-5e6f7a8b9c0d"


class Upstream(BaseHTTPRequestHandler):
    def log_message(self, *args):  # quiet
        pass

    def do_GET(self):  # noqa: N802 - stdlib API
        if self.path.startswith("/login"):
            body, headers = "<p>已登录</p>", {"Set-Cookie": f"SID={SESSION}; Path=/; HttpOnly"}
        else:
            # An old JSP system rewrites links with the session id, and prints it in a hidden field.
            body = (f'<a href="/list;jsessionid={SESSION}">待办理</a>'
                    f'<input type="hidden" name="sid" value="{SESSION}">')
            headers = {}
        data = f"<!DOCTYPE html><html><body>{body}</body></html>".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        self.wfile.write(data)


@pytest.fixture(scope="module")
def upstream():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Upstream)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()


async def _browse(browser, url):
    ctx = await browser.new_context(trace=True, block=False)
    page = await ctx.new_page()
    await page.goto(f"{url}/login")
    await page.set_extra_http_headers({"Authorization": BEARER, "X-CSRF-Token": CSRF})
    await page.goto(f"{url}/home")
    return ctx, page


def _members(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist()}


def _headers(members: dict[str, bytes]):
    """Every (name, value) header pair and every HAR cookie list in the trace's network log."""
    pairs, cookie_lists = [], []

    def walk(v):
        if isinstance(v, dict):
            if isinstance(v.get("name"), str) and "value" in v:
                pairs.append((v["name"].lower(), v["value"]))
            for k, item in v.items():
                if k == "cookies" and isinstance(item, list):
                    cookie_lists.append(item)
                walk(item)
        elif isinstance(v, list):
            for item in v:
                walk(item)

    for name, data in members.items():
        if name.endswith(".network"):
            for line in data.splitlines():
                if line.strip():
                    walk(json.loads(line))
    return pairs, cookie_lists


def test_headers_and_cookie_lists_are_removed_by_structure_alone(browser, upstream, tmp_path):
    """No secret value is passed: only the structural half can blank these."""
    async def go():
        ctx, _page = await _browse(browser, upstream)
        await ctx.tracing.stop(path=tmp_path / "raw.zip")
        await close_context(ctx)

    browser.run(go())
    raw_pairs, raw_lists = _headers(_members(tmp_path / "raw.zip"))
    recorded = {n for n, v in raw_pairs if v and v != REDACTED}
    assert {"cookie", "set-cookie", "authorization", "x-csrf-token"} <= recorded  # the trace did record them
    assert any(raw_lists)

    scrub_trace(tmp_path / "raw.zip", secrets=(), dest=tmp_path / "trace.zip")

    pairs, lists = _headers(_members(tmp_path / "trace.zip"))
    secret = [(n, v) for n, v in pairs if n in ("cookie", "set-cookie", "authorization", "x-csrf-token")]
    assert secret and all(v == REDACTED for _n, v in secret), secret
    assert not any(lists)
    network = b"".join(d for n, d in _members(tmp_path / "trace.zip").items() if n.endswith(".network"))
    for value in (BEARER.encode(), CSRF.encode(), f"SID={SESSION}".encode()):
        assert value not in network


def test_live_cookie_values_are_removed_wherever_a_page_echoed_them(browser, upstream, tmp_path):
    """The session id sits in a link and a hidden field of the page: no header structure to
    blank. Only the replacement of the context's live cookie values can remove it, from the
    saved HTML and from every member of the trace."""
    async def go():
        ctx, page = await _browse(browser, upstream)
        try:
            return await capture_evidence(page, ctx, tmp_path / "evidence", "echo", trace=True, secrets=())
        finally:
            await close_context(ctx)

    folder = browser.run(go())
    assert folder is not None and (folder / "page.html").exists() and (folder / "trace.zip").exists()
    html = (folder / "page.html").read_text(encoding="utf-8")
    assert f"jsessionid={REDACTED}" in html  # the page really carried it, and it was replaced
    found = [str(p) for p in folder.rglob("*") if p.is_file() and SESSION.encode() in p.read_bytes()]
    found += [n for n, d in _members(folder / "trace.zip").items() if SESSION.encode() in d]
    assert not found, found
    assert any(n.endswith(".network") for n in _members(folder / "trace.zip"))


def test_a_lane_cancelled_while_its_trace_is_saved_leaves_a_whole_scrubbed_trace(browser, upstream, tmp_path):
    """Two lanes fail at once: the second failure cancels the first lane while its evidence trace
    is being saved. The save goes on (shielded), and closing the context waits for it, so the
    error that leaves the robot finds a whole trace.zip in the bundle and no raw trace (a race
    the hotline robot's changed-layout test once lost)."""
    async def go():
        ctx, _page = await _browse(browser, upstream)
        lane = asyncio.ensure_future(capture_evidence(None, ctx, tmp_path / "evidence", "lane", trace=True))
        while id(ctx) not in kit._SAVING and not lane.done():
            await asyncio.sleep(0)
        lane.cancel()
        with pytest.raises(asyncio.CancelledError):
            await lane
        await close_context(ctx)

    browser.run(go())
    (folder,) = list((tmp_path / "evidence").iterdir())
    names = {p.name for p in folder.iterdir()}
    assert "trace.zip" in names and ".trace-raw.zip" not in names, names
    assert SESSION.encode() not in (folder / "trace.zip").read_bytes()
