"""Find and launch Chromium, make contexts, trace them, keep evidence on failure, and map
Playwright's errors into ``core.errors``.

Playwright's sync API is bound to the thread that started it, so :class:`Browser` runs the
async API on a private event loop in a daemon thread; sync callers hand it coroutines with
:meth:`Browser.run` / :meth:`Browser.submit`. Many pages can then work concurrently on one
loop while the robot's public methods stay plain synchronous calls.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import os
import re
import shutil
import threading
import time
import zipfile
from collections.abc import Coroutine, Iterable
from pathlib import Path
from typing import Any, TypeVar

from playwright.async_api import BrowserContext, Page, async_playwright
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from core.errors import ConfigError, LayoutChanged, PetitionbotError, SystemError_, TransientError
from core.privacy import scrub_patterns

T = TypeVar("T")

LAUNCH_ARGS = ["--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]
CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# Images, fonts and media never carry data the robot reads; skipping them saves a request each.
BLOCKED = re.compile(r"\.(png|jpe?g|gif|webp|bmp|ico|svg|woff2?|ttf|otf|mp3|mp4)(\?.*)?$", re.IGNORECASE)
NETWORK_HINTS = ("net::ERR_", "ECONNREFUSED", "ECONNRESET", "socket hang up", "Connection closed", "EPIPE")


def find_chromium(configured: str | None = None) -> str | None:
    """The Chromium to launch: the configured one, else the system's, else None (Playwright's own)."""
    if configured:
        if not (os.path.isfile(configured) and os.access(configured, os.X_OK)):
            raise ConfigError(f"配置的浏览器路径不存在或不可执行：{configured}", hint="检查 browser.executable_path")
        return configured
    for path in CANDIDATES:
        if os.path.isfile(path) and os.access(path, os.X_OK):
            return path
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    return found


def launch_args() -> list[str]:
    # Chromium refuses its sandbox as root (containers, some servers); elsewhere keep it.
    return LAUNCH_ARGS + (["--no-sandbox"] if hasattr(os, "geteuid") and os.geteuid() == 0 else [])


def map_error(exc: BaseException, what: str) -> PetitionbotError:
    """A Playwright (or asyncio) failure as one of ours. ``what`` says, in Chinese, what was being done."""
    if isinstance(exc, PetitionbotError):
        return exc
    if isinstance(exc, (PlaywrightTimeout, asyncio.TimeoutError)):
        return TransientError(f"{what}超时：上级系统响应太慢")
    if isinstance(exc, PlaywrightError):
        text = str(exc)
        if any(h in text for h in NETWORK_HINTS):
            return TransientError(f"{what}失败：无法连接上级系统（{_first_line(text)}）")
        if "strict mode violation" in text or "waiting for locator" in text:
            found = re.search(r"(?:locator|get_by_\w+)\((.{1,80}?)\)", text)
            element = f"：{found.group(1)}" if found else ""
            return LayoutChanged(f"{what}失败：页面上找不到或无法唯一确定要操作的元素{element}（页面结构与预期不符）")
        if "Target" in text and "closed" in text:
            return TransientError(f"{what}失败：浏览器页面意外关闭")
        return SystemError_(f"{what}失败：浏览器操作出错（{_first_line(text)}）")
    return SystemError_(f"{what}失败：{type(exc).__name__}")


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0][:200] if text.strip() else ""


class Browser:
    """One Chromium, driven by async Playwright on a private loop thread. Reusable by several robots."""

    def __init__(self, *, executable_path: str | None = None, headless: bool = True):
        self.executable_path = find_chromium(executable_path)
        self.headless = headless
        self.loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self.loop.run_forever, name="petitionbot-browser", daemon=True)
        self._thread.start()
        self._pw: Any = None
        self.browser: Any = None
        try:
            self.run(self._start())
        except BaseException:
            self._stop_loop()
            raise

    async def _start(self) -> None:
        try:
            self._pw = await async_playwright().start()
            self.browser = await self._pw.chromium.launch(
                executable_path=self.executable_path, headless=self.headless, args=launch_args())
        except PlaywrightError as exc:
            if self._pw is not None:
                await self._pw.stop()
            raise ConfigError(f"无法启动浏览器：{_first_line(str(exc))}",
                              hint="安装 chromium 或在配置中指定 browser.executable_path") from exc

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return self.submit(coro).result(timeout)

    def submit(self, coro: Coroutine[Any, Any, T]) -> concurrent.futures.Future[T]:
        return asyncio.run_coroutine_threadsafe(coro, self.loop)

    async def new_context(self, *, storage_state: dict[str, Any] | None = None, block: bool = True,
                          trace: bool = True, snapshots: bool = True, timeout_ms: int = 30_000) -> BrowserContext:
        ctx = await self.browser.new_context(storage_state=storage_state, service_workers="block",
                                             locale="zh-CN", accept_downloads=False)
        ctx.set_default_timeout(timeout_ms)
        ctx.set_default_navigation_timeout(timeout_ms)
        if block:
            await ctx.route(BLOCKED, lambda route: route.abort())
        if trace:
            # Snapshots make a trace useful but cost ~40 ms of browser CPU per action; the detail
            # lanes turn them off (their evidence has a screenshot and the HTML anyway).
            await ctx.tracing.start(snapshots=snapshots, screenshots=False, sources=False)
        return ctx

    def close(self) -> None:
        if self.browser is not None:
            try:
                self.run(self._close(), timeout=30)
            except Exception:  # noqa: BLE001 - closing a dead browser must not mask the real error
                pass
        self._stop_loop()

    async def _close(self) -> None:
        try:
            await self.browser.close()
        finally:
            await self._pw.stop()

    def _stop_loop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self._thread.join(timeout=10)

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


# The trace saves started from each context (shielded from their lane's cancellation, below): the
# context is not closed, and its failure does not leave the robot, before they are done.
_SAVING: dict[int, list[asyncio.Future]] = {}


async def close_context(ctx: BrowserContext) -> None:
    """Close a context, dropping its trace (traces are kept only on failure), once the evidence
    being saved from it is complete."""
    pending = _SAVING.pop(id(ctx), [])
    if pending:
        await asyncio.gather(*pending, return_exceptions=True)
    try:
        await ctx.tracing.stop()
    except PlaywrightError:
        pass  # tracing was not started (login contexts) or the context is already gone
    try:
        await ctx.close()
    except PlaywrightError:
        pass


_BLANK_PASSWORDS_JS = """() => {
  const doc = document.documentElement.cloneNode(true);
  doc.querySelectorAll('input[type=password]').forEach(e => { e.setAttribute('value', ''); e.value = ''; });
  return '<!DOCTYPE html>\\n' + doc.outerHTML;
}"""


# Headers that carry a live session or credentials: never kept in a saved trace.
SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization", "x-csrf-token"})
REDACTED = "******"


def _scrub_value(value: Any) -> Any:
    """Headers, cookie lists and post data of a trace event, without their secrets."""
    if isinstance(value, list):
        return [_scrub_value(v) for v in value]
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "cookies" and isinstance(item, list):
            out[key] = []  # HAR's parsed cookie lists (request and response)
        elif (key == "value" and str(value.get("name", "")).lower() in SECRET_HEADERS
              and isinstance(item, str)):
            out[key] = REDACTED  # {"name": "Cookie", "value": ...} in a HAR header list
        elif key.lower() in SECRET_HEADERS and isinstance(item, str):
            out[key] = REDACTED  # {"cookie": ...} header maps in API request events
        else:
            out[key] = _scrub_value(item)
    return out


def _scrub_lines(data: bytes) -> bytes:
    lines = []
    for line in data.split(b"\n"):
        if line.strip():
            try:
                line = json.dumps(_scrub_value(json.loads(line)), ensure_ascii=False).encode()
            except ValueError:
                pass  # not JSON: left as is, the secret values are still replaced below
        lines.append(line)
    return b"\n".join(lines)


def scrub_trace(path: Path, secrets: Iterable[str] = (), *, dest: Path | None = None) -> None:
    """Rewrite a Playwright trace zip (in place, or into ``dest``) without session cookies, authorization headers
    and the given secret values (password, cookie values), in every member (network log, action
    log, captured resources). Playwright records request headers, cookies included, in the
    trace's network log; a trace kept as evidence must not hand over a live session."""
    words = sorted({s.encode() for s in secrets if s and len(s) >= 4}, key=len, reverse=True)
    dest = dest or path
    tmp = dest.with_name(dest.name + ".tmp")
    with zipfile.ZipFile(path) as src:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as raw, zipfile.ZipFile(raw, "w", zipfile.ZIP_DEFLATED) as dst:
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith((".network", ".trace")):
                    data = _scrub_lines(data)
                for word in words:
                    data = data.replace(word, REDACTED.encode())
                dst.writestr(info, data, compress_type=zipfile.ZIP_DEFLATED)
    os.replace(tmp, dest)


def _redact(data: bytes, secrets: Iterable[str]) -> bytes:
    for word in sorted({s.encode() for s in secrets if s and len(s) >= 4}, key=len, reverse=True):
        data = data.replace(word, REDACTED.encode())
    return data


def _private_file(path: Path, data: bytes) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(data)


async def _save_trace(ctx: BrowserContext, folder: Path, secrets: list[str]) -> None:
    """Save the context's trace chunk, scrubbed, as ``folder/trace.zip``; the raw chunk never
    survives this call (deleted whether the scrub worked or not)."""
    raw = folder / ".trace-raw.zip"
    try:
        # Save this chunk and start the next: the context goes on working after the failure.
        await ctx.tracing.stop_chunk(path=raw)
        await ctx.tracing.start_chunk()
    except PlaywrightError:
        pass
    finally:
        if raw.exists():
            try:
                os.chmod(raw, 0o600)
                scrub_trace(raw, secrets, dest=folder / "trace.zip")
            except (OSError, zipfile.BadZipFile):
                pass  # better no trace than a leaking one
            finally:
                raw.unlink(missing_ok=True)


async def capture_evidence(page: Page | None, ctx: BrowserContext | None, evidence_dir: Path | None,
                           label: str, *, trace: bool = True, secrets: Iterable[str] = ()) -> Path | None:
    """Screenshot, HTML of the page and each frame (password values blanked) and the context's
    trace chunk, into ``evidence_dir/<time>-<label>/`` (folder 0700, files 0600). The trace is
    scrubbed of cookies and authorization headers, and ``secrets`` (the password) and the
    context's cookie values are replaced in every file. Never raises: evidence is best effort."""
    if evidence_dir is None:
        return None
    hidden = [s for s in secrets if s]
    source = ctx if ctx is not None else (page.context if page is not None else None)
    if source is not None:
        try:
            hidden += [c["value"] for c in await source.cookies() if len(c.get("value") or "") >= 8]
        except PlaywrightError:
            pass
    # The label may carry a ref, and a hostile ref may carry an ID or phone number: the folder name
    # is listed in summaries and in the operator's failure mail.
    safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", scrub_patterns(label))[:60] or "failure"
    folder = Path(evidence_dir) / f"{time.strftime('%Y%m%d-%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}-{safe}"
    try:
        # mkdir's mode applies to the leaf only: make the evidence folder itself private too.
        Path(evidence_dir).mkdir(parents=True, exist_ok=True, mode=0o700)
        os.chmod(evidence_dir, 0o700)
        folder.mkdir(exist_ok=True, mode=0o700)
    except OSError:
        return None
    if page is not None and not page.is_closed():
        try:
            _private_file(folder / "screenshot.png", await page.screenshot(full_page=True, timeout=5_000))
        except PlaywrightError:
            pass
        for i, frame in enumerate(page.frames):
            try:
                html = await frame.evaluate(_BLANK_PASSWORDS_JS)
            except PlaywrightError:
                continue
            name = "page.html" if i == 0 else f"frame-{i}.html"
            _private_file(folder / name, _redact(f"<!-- {frame.url} -->\n{html}".encode(), hidden))
    if trace and ctx is not None:
        # Shielded: a lane that fails while another lane's failure cancels it must still finish
        # the scrub; cancelled half-way, the raw trace (cookies and all) would stay on disk. The
        # cancelled lane does not wait for it: close_context does.
        saving = asyncio.ensure_future(_save_trace(ctx, folder, hidden))
        _SAVING.setdefault(id(ctx), []).append(saving)
        await asyncio.shield(saving)
    return folder
