"""The hotline platform over HTTP: routing, its cookies, sessions and fault injection.

The plumbing (threaded server, keep-alive, sending bytes and JSON, reading forms, quiet logs)
is the district simulator's, by inheritance; routing, cookies and pages are the hotline's.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
import time
from base64 import b64decode
from http.cookies import SimpleCookie
from http.server import ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from petitionbot.sim import dataset as ds
from petitionbot.sim import faults
from petitionbot.sim.hotline import admin
from petitionbot.sim.hotline import views as v
from petitionbot.sim.hotline.state import TABS, HotlineState
from petitionbot.sim.server import LOOPBACK, Handler, SimServer
from petitionbot.sim.state import Session

SESSION_COOKIE = "HLSID"
XSRF_COOKIE = "HL_XSRF"

ROUTES = {
    v.LOGIN: "login", f"{v.PREFIX}/logout": "logout", v.WORKBENCH: "workbench", v.HOME: "home",
    v.LIST: "list_page", v.VIEW: "detail", v.ACCEPT: "accept", v.RETURN: "return", v.DOWNLOAD: "download",
}


def file_id(ref: str) -> str:
    """The opaque id the platform gives an order's one attachment (not an index)."""
    return hashlib.sha256(f"fj:{ref}".encode()).hexdigest()[:16]


def login_hash(xsrf: str, password: str) -> str:
    """What the login page's script sends instead of the 口令."""
    return hashlib.sha256(f"{xsrf}:{password}".encode()).hexdigest()


class HotlineServer(SimServer):
    """The district simulator's threaded server (daemon threads, reuse, quiet client hang-ups)
    with the hotline's handler; SimServer's own __init__ fixes the district handler."""

    def __init__(self, address: tuple[str, int], state: HotlineState, admin_token: str):
        ThreadingHTTPServer.__init__(self, address, HotlineHandler)
        self.state = state  # type: ignore[assignment]
        self.admin_token = admin_token


class HotlineHandler(Handler):
    server: HotlineServer  # type: ignore[assignment]
    server_version = "nginx/1.20.1"

    @property
    def state(self) -> HotlineState:  # type: ignore[override]
        return self.server.state  # type: ignore[return-value]

    def _cookies(self) -> dict[str, str]:
        jar = SimpleCookie()
        try:
            jar.load(self.headers.get("Cookie") or "")
        except Exception:  # noqa: BLE001 - a garbled cookie header is just "no cookies"
            return {}
        return {k: m.value for k, m in jar.items()}

    def _go(self, location: str, *, status: int = 302, cookie: str = "") -> None:
        self._send(status, "", headers={"Location": location, **({"Set-Cookie": cookie} if cookie else {})})

    def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
        self._send(status, v.error_page(status, message), headers=headers)

    # -- entry -----------------------------------------------------------------------------
    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, {k: vals[0] for k, vals in parse_qs(url.query).items()}
        if path.startswith("/_admin/"):
            return self._admin_api(path)
        delay, fault = faults.decide(self.state, path)  # type: ignore[arg-type] - duck-typed state
        targeted = self.state.targeted_fault(path, query.get("gdbh", ""))
        if delay:
            time.sleep(delay)  # the knob's whole point: a slow or stalled platform
        if fault is not None:
            return self._fault(fault)  # the district's answers: close, 503, 429, 500
        if targeted is not None:
            status = int(targeted.get("status", 500))
            retry = {"Retry-After": str(targeted.get("retry_after", 1))} if status in (429, 503) else None
            text = {404: "文件不存在或已被删除。", 429: "请求过于频繁，请稍后再试。"}.get(status, "系统异常，请稍后再试。")
            return self._error(status, text, retry)
        try:
            self._route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout in the robot): nothing to answer

    def _admin_api(self, path: str) -> None:
        if self.client_address[0] not in LOOPBACK:
            return self._json(403, {"error": "管理接口只允许本机访问"})
        if not hmac.compare_digest(self.headers.get("X-Admin-Token", "").encode(), self.server.admin_token.encode()):
            return self._json(401, {"error": "管理令牌错误"})
        raw = self._body()
        try:
            status, result = admin.handle(self.state, self.command, path, json.loads(raw) if raw else None)
        except admin.AdminError as exc:
            status, result = exc.status, {"error": str(exc)}
        except (ValueError, KeyError, TypeError) as exc:
            status, result = 400, {"error": f"请求格式错误：{exc}"}
        self._json(status, result)

    def _route(self, path: str, query: dict[str, str]) -> None:
        if path == v.CSS_PATH:
            self.state.count("static")
            return self._send(200, v.CSS, "text/css; charset=utf-8", {"Cache-Control": "max-age=3600"})
        if path == "/":
            return self._go(f"{v.PREFIX}/")  # the cookies live under /gdpt: decide there
        if path in (v.PREFIX, f"{v.PREFIX}/"):
            s = self.state.session(self._cookies().get(SESSION_COOKIE))
            return self._go(v.WORKBENCH if s and s.username else v.LOGIN)
        name = ROUTES.get(path)
        if name is None:
            return self._error(404, "您访问的页面不存在。")
        for action in self.state.count(name):
            admin.run_action(self.state, action)
        if name == "login":
            return self._login(query)
        if name == "logout":
            token = self._cookies().get(SESSION_COOKIE)
            with self.state.lock:
                self.state.sessions.pop(token or "", None)
            return self._go(v.LOGIN)
        s = self.state.session(self._cookies().get(SESSION_COOKIE))
        if s is None or not s.username:
            self.state.count("http_401")
            return self._go(f"{v.LOGIN}?timeout=1")
        getattr(self, f"_page_{name}")(s, query)

    # -- login -----------------------------------------------------------------------------
    def _login(self, query: dict[str, str]) -> None:
        xsrf = self._cookies().get(XSRF_COOKIE) or secrets.token_urlsafe(18)
        cookie = f"{XSRF_COOKIE}={xsrf}; Path={v.PREFIX}; SameSite=Strict"  # readable: double-submit
        if self.command != "POST":
            self.state.count("login_page")
            notice = "登录超时，请重新登录。" if query.get("timeout") == "1" else ""
            return self._send(200, v.login_page(xsrf=xsrf, message=notice), headers={"Set-Cookie": cookie})
        self.state.count("login_post")
        form = self._form()
        username = form.get("gh", "").strip()
        if not form.get("_xsrf") or not hmac.compare_digest(form["_xsrf"].encode(), xsrf.encode()):
            return self._send(200, v.login_page(xsrf=xsrf, message="页面已失效，请刷新后重新登录。", username=username),
                              headers={"Set-Cookie": cookie})
        password = self.state.password_of(username)
        ok = password is not None and hmac.compare_digest(form.get("klHash", "").encode(),
                                                          login_hash(xsrf, password).encode())
        fresh = self.state.attempt(username, ok)
        if fresh is None:
            left = max(self.state.lockout_after - self.state.failed_in_a_row[username], 0)
            message = f"工号或口令错误，还可尝试 {left} 次。" if left else "该工号已被锁定，请联系管理员解锁。"
            return self._send(200, v.login_page(xsrf=xsrf, message=message, username=username),
                              headers={"Set-Cookie": cookie})
        self._go(v.WORKBENCH, cookie=f"{SESSION_COOKIE}={fresh.token}; Path={v.PREFIX}; HttpOnly; SameSite=Lax")

    # -- pages -----------------------------------------------------------------------------
    def _counts(self, s: Session) -> dict[str, int]:
        return {tab: self.state.tab_rows(s.unit, tab, page=1, size=1)[0] for tab in TABS}

    def _page_workbench(self, s: Session, query: dict[str, str]) -> None:
        label = f"{self.state.units.get(s.unit, s.unit)} · 工号 {s.username}"
        self._send(200, v.workbench_page(label, self._counts(s)))

    def _page_home(self, s: Session, query: dict[str, str]) -> None:
        self._send(200, v.home_page(self._counts(s)))

    def _page_list_page(self, s: Session, query: dict[str, str]) -> None:
        tab = query.get("tab", "djd")
        if tab not in TABS:
            return self._error(400, "参数错误。")
        try:
            page_no = max(int(query.get("p", "1")), 1)
        except ValueError:
            return self._error(400, "参数错误。")
        size = max(int(self.state.knobs.get("page_size") or 10), 1)
        total, rows = self.state.tab_rows(s.unit, tab, page=page_no, size=size)
        self._send(200, v.list_page(tab, rows, page_no=page_no, size=size, total=total),
                   headers={"Cache-Control": "no-store"})

    def _owned(self, s: Session, ref: str) -> dict[str, Any] | None:
        """The order, or None after answering 404 (撤单) / 403 (改派) as the platform does."""
        o = self.state.find(ref)
        if o is None:
            self.state.count("http_404")
            self._error(404, "工单不存在或已被热线平台撤回。")
            return None
        if ds.text(o.get("assigned_to")) != s.unit:
            self.state.count("http_403")
            self._error(403, "无权查看：该工单已改派其他承办单位。")
            return None
        return o

    def _xsrf_for_page(self) -> tuple[str, dict[str, str]]:
        xsrf = self._cookies().get(XSRF_COOKIE)
        if xsrf:
            return xsrf, {}
        xsrf = secrets.token_urlsafe(18)
        return xsrf, {"Set-Cookie": f"{XSRF_COOKIE}={xsrf}; Path={v.PREFIX}; SameSite=Strict"}

    def _page_detail(self, s: Session, query: dict[str, str]) -> None:
        ref = query.get("gdbh", "")
        o = self._owned(s, ref)
        if o is None:
            return
        xsrf, headers = self._xsrf_for_page()
        html = v.detail_page(o, xsrf=xsrf, units=self.state.units, fid=file_id(ref), notice=query.get("msg", ""),
                             broken=self.state.knobs.get("layout") == "broken")
        self._send(200, html, headers={"Cache-Control": "no-store", **headers})

    def _posted(self, s: Session) -> tuple[str, dict[str, str]] | None:
        """(ref, form) of a checked POST, or None after answering."""
        if self.command != "POST":
            self._error(405, "请求方式错误。")
            return None
        form = self._form()
        xsrf = self._cookies().get(XSRF_COOKIE, "")
        if not xsrf or not hmac.compare_digest(form.get("_xsrf", "").encode(), xsrf.encode()):
            self._error(400, "请求已失效（令牌不符），请刷新页面后重试。")
            return None
        ref = form.get("gdbh", "")
        return (ref, form) if self._owned(s, ref) is not None else None

    def _page_accept(self, s: Session, query: dict[str, str]) -> None:
        posted = self._posted(s)
        if posted is None:
            return
        ref, _ = posted
        done = self.state.accept(ref)
        self._go(f"{v.VIEW}?gdbh={quote(ref, safe='')}&msg={'accepted' if done else 'state'}", status=303)

    def _page_return(self, s: Session, query: dict[str, str]) -> None:
        posted = self._posted(s)
        if posted is None:
            return
        ref, form = posted
        reason = form.get("reason", "").strip()
        if not reason:
            return self._go(f"{v.VIEW}?gdbh={quote(ref, safe='')}&msg=reason", status=303)
        done = self.state.send_back(ref, reason)
        self._go(f"{v.VIEW}?gdbh={quote(ref, safe='')}&msg={'returned' if done else 'state'}", status=303)

    def _page_download(self, s: Session, query: dict[str, str]) -> None:
        ref = query.get("gdbh", "")
        o = self._owned(s, ref)
        if o is None:
            return
        att = o.get("attachment")
        if not isinstance(att, dict) or query.get("fid") != file_id(ref):
            return self._error(404, "文件不存在或已被删除。")
        name = ds.text(att.get("name")) or "附件"
        if isinstance(att.get("text"), str):
            data = att["text"].encode("utf-8")
        elif isinstance(att.get("base64"), str):
            try:
                data = b64decode(att["base64"])
            except ValueError:
                data = b""
        else:
            data = random.Random(f"{ref}:{name}").randbytes(v.attachment_size(att))
        ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
        media_type = ds.text(att.get("media_type"))
        if not media_type.isprintable() or not media_type.isascii():  # never let data split a header
            media_type = "application/octet-stream"
        self._send(200, data, media_type or "application/octet-stream", {
            "Content-Disposition": f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"})
