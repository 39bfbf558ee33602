"""The HTTP side of the simulator: routing, cookies, sessions and fault injection.

Both layouts' path families are always routed; the current layout decides how pages look.
"""

from __future__ import annotations

import hmac
import json
import random
import socket
import sys
import time
from base64 import b64decode
from http.cookies import SimpleCookie
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from petitionbot.sim import admin, faults
from petitionbot.sim import dataset as ds
from petitionbot.sim.captcha import svg
from petitionbot.sim.layouts import V1, V2, by_name
from petitionbot.sim.state import Session, SimState
from petitionbot.sim.views_auth import CSS, LOGO, error_page, login_page, main_page, menu_page, welcome_page
from petitionbot.sim.views_detail import attachment_size, detail_page
from petitionbot.sim.views_list import V2_SORT_KEYS, api_json, list_page

COOKIE = "SIMSESSIONID"
LOOPBACK = ("127.0.0.1", "::1", "::ffff:127.0.0.1")

ROUTES = {}
for _lay in (V1, V2):
    ROUTES.update({
        _lay.login: "login", _lay.captcha: "captcha", _lay.main: "main", _lay.menu: "menu",
        _lay.list_sign: "list_sign", _lay.list_handle: "list_handle", _lay.api: "api",
        _lay.detail: "detail", _lay.sign: "sign", _lay.download: "download",
    })
ROUTES[V1.welcome] = ROUTES[V2.welcome] = "welcome"


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], state: SimState, admin_token: str):
        super().__init__(address, Handler)
        self.state = state
        self.admin_token = admin_token

    def handle_error(self, request: Any, client_address: Any) -> None:
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, TimeoutError)):
            return  # a client that hung up (robot timeout, closed browser) is not a server fault
        super().handle_error(request, client_address)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive: Chromium reuses connections, as with a real server
    disable_nagle_algorithm = True  # headers and body go out in two writes; Nagle would hold the second ~40 ms
    server: SimServer
    server_version = "Apache-Coyote/1.1"
    sys_version = ""

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - stdlib signature
        pass  # quiet: query strings carry refs, and test output stays readable

    # -- plumbing --------------------------------------------------------------------------
    @property
    def state(self) -> SimState:
        return self.server.state

    def _send(self, status: int, body: bytes | str, ctype: str = "text/html; charset=utf-8",
              headers: dict[str, str] | None = None, *, head_only: bool = False) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        for k, v in (headers or {}).items():
            self.send_header(k, v)
        self.end_headers()
        if not head_only and self.command != "HEAD":
            self.wfile.write(data)

    def _json(self, status: int, obj: Any, headers: dict[str, str] | None = None) -> None:
        self._send(status, json.dumps(obj, ensure_ascii=False), "application/json; charset=utf-8", headers)

    def _redirect(self, location: str, cookie: str | None = None) -> None:
        headers = {"Location": location}
        if cookie:
            headers["Set-Cookie"] = f"{COOKIE}={cookie}; Path=/; HttpOnly; SameSite=Lax"
        self._send(302, "", headers=headers)

    def _cookie(self) -> str | None:
        raw = self.headers.get("Cookie")
        if not raw:
            return None
        jar = SimpleCookie()
        try:
            jar.load(raw)
        except Exception:  # noqa: BLE001 - a garbled cookie header is just "no session"
            return None
        return jar[COOKIE].value if COOKIE in jar else None

    def _body(self) -> bytes:
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n > 0 else b""

    def _form(self) -> dict[str, str]:
        return {k: v[0] for k, v in parse_qs(self._body().decode("utf-8", "replace")).items()}

    # -- entry points ----------------------------------------------------------------------
    def do_GET(self) -> None:  # noqa: N802 - stdlib API
        self._dispatch()

    def do_HEAD(self) -> None:  # noqa: N802
        self._dispatch()

    def do_POST(self) -> None:  # noqa: N802
        self._dispatch()

    def do_PATCH(self) -> None:  # noqa: N802
        self._dispatch()

    def do_DELETE(self) -> None:  # noqa: N802
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path, query = url.path, {k: v[0] for k, v in parse_qs(url.query).items()}
        if path.startswith("/_admin/"):
            return self._admin(path)
        delay, fault = faults.decide(self.state, path)
        if delay:
            time.sleep(delay)  # the knob's whole point: a slow or stalled upstream
        if fault is not None:
            return self._fault(fault)
        try:
            self._route(path, query)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (timeout in the robot): nothing to answer

    def _fault(self, fault: faults.Fault) -> None:
        if fault.kind == "close":
            self.close_connection = True
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            return
        if fault.kind == "503":
            return self._send(503, error_page(503, "系统正在维护，请稍后再试。"), headers={"Retry-After": "30"})
        if fault.kind == "429":
            return self._send(429, error_page(429, "访问过于频繁，请稍后再试。"),
                              headers={"Retry-After": str(fault.retry_after)})
        return self._send(500, error_page(500, "系统繁忙，请稍后再试。"))

    def _admin(self, path: str) -> None:
        if self.client_address[0] not in LOOPBACK:
            return self._json(403, {"error": "管理接口只允许本机访问"})
        token = self.headers.get("X-Admin-Token", "")
        if not hmac.compare_digest(token.encode(), self.server.admin_token.encode()):
            return self._json(401, {"error": "管理令牌错误"})
        raw = self._body()
        try:
            body = json.loads(raw) if raw else None
            status, result = admin.handle(self.state, self.command, path, body)
        except admin.AdminError as exc:
            status, result = exc.status, {"error": str(exc)}
        except (ValueError, KeyError, TypeError) as exc:
            status, result = 400, {"error": f"请求格式错误：{exc}"}
        self._json(status, result)

    # -- pages -----------------------------------------------------------------------------
    def _route(self, path: str, query: dict[str, str]) -> None:
        lay = by_name(self.state.knobs["layout"])
        if path.startswith("/static/"):
            self.state.count("static")
            if path == "/static/app.css":
                return self._send(200, CSS, "text/css", {"Cache-Control": "max-age=3600"})
            if path == "/static/logo.png":
                return self._send(200, LOGO, "image/png", {"Cache-Control": "max-age=3600"})
            return self._send(404, error_page(404, "资源不存在"))
        if path in ("/", "/index.jsp"):
            s = self.state.session(self._cookie())
            return self._redirect(lay.main if s and s.authenticated else lay.login)
        if path == "/logout":
            token = self._cookie()
            if token:
                with self.state.lock:
                    self.state.sessions.pop(token, None)
            return self._redirect(lay.login)
        name = ROUTES.get(path)
        if name is None:
            return self._send(404, error_page(404, "您访问的页面不存在。"))
        for action in self.state.count(name if not name.startswith("list_") else "list_page"):
            admin.run_action(self.state, action)
        if name == "login":
            return self._login(lay, path)
        if name == "captcha":
            s = self.state.session(self._cookie())
            return self._send(200, svg(s.captcha if s else "0000"), "image/svg+xml", {"Cache-Control": "no-store"})
        s = self.state.session(self._cookie())
        if s is None or not s.authenticated:
            return self._expired(lay, name)
        getattr(self, f"_page_{name}")(lay, s, path, query)

    def _expired(self, lay: Any, name: str) -> None:
        self.state.count("http_401")
        if name == "api" or self.path.startswith(V1.sign):  # the JS callers expect JSON, not a page
            return self._json(401, {"code": 401, "msg": "登录超时，请重新登录"})
        return self._redirect(f"{lay.login}?expired=1")

    def _login(self, lay: Any, path: str) -> None:
        s = self.state.session(self._cookie())
        if s is None or s.authenticated:
            s = self.state.new_session()
        cookie = f"{COOKIE}={s.token}; Path=/; HttpOnly; SameSite=Lax"
        captcha = self.state.captcha
        if self.command != "POST":
            if captcha:
                self.state.new_captcha(s)
            notice = "登录已超时，请重新登录。" if "expired=1" in self.path else ""
            return self._send(200, login_page(lay, csrf=s.csrf, captcha=captcha, notice=notice),
                              headers={"Set-Cookie": cookie})
        self.state.count("login_post")
        form = self._form()
        username = form.get("username") or form.get("loginName") or ""
        password = form.get("password") or form.get("loginPwd") or ""
        csrf = form.get("csrf_token") or form.get("_token") or ""

        def again(error: str, echo: str = "") -> None:
            if captcha:
                self.state.new_captcha(s)
            self._send(200, login_page(lay, csrf=s.csrf, captcha=captcha, error=error, username=username,
                                       password_echo=echo), headers={"Set-Cookie": cookie})

        if not hmac.compare_digest(csrf.encode(), s.csrf.encode()):
            return again("页面已过期，请刷新后重新登录。")
        if captcha and (form.get("captcha") or form.get("yzm") or "").strip() != s.captcha:
            return again("验证码错误。")
        fresh = self.state.authenticate(s, username, password)
        if fresh is None:
            return again("用户名或密码错误。", echo=password)
        self._redirect(lay.main, cookie=fresh.token)

    def _page_main(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        self._send(200, main_page(lay, f"{self.state.units.get(s.unit, s.unit)} {s.username}"))

    def _page_menu(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        counts = {w: self.state.query(s.unit, w, page=1, size=1, sort="", order="")[0] for w in ("sign", "handle")}
        self._send(200, menu_page(lay, counts))

    def _page_welcome(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        self._send(200, welcome_page(lay))

    def _page_list_sign(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        self._send(200, list_page(lay, "sign"))

    def _page_list_handle(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        self._send(200, list_page(lay, "handle"))

    def _page_api(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        v1 = path == V1.api
        which = query.get("type") if v1 else {"dqs": "sign", "dbl": "handle"}.get(query.get("lx", ""), "")
        if which not in ("sign", "handle"):
            return self._json(400, {"code": 400, "msg": "参数错误"})
        try:
            page = max(int(query.get("page" if v1 else "pageNo", 1)), 1)
            size = min(max(int(query.get("size" if v1 else "pageSize", 10)), 1), 100)
        except ValueError:
            return self._json(400, {"code": 400, "msg": "参数错误"})
        sort = query.get("sort", "") if v1 else V2_SORT_KEYS.get(query.get("orderBy", ""), "")
        order = query.get("order" if v1 else "orderDir", "desc")
        total, rows = self.state.query(s.unit, which, page=page, size=size, sort=sort, order=order)
        self._json(200, api_json("v1" if v1 else "v2", total, page, size, rows))

    def _owned(self, s: Session, ref: str) -> dict[str, Any] | None:
        """The petition, or None after answering 404 / 403 as the system does."""
        p = self.state.find(ref)
        if p is None:
            self.state.count("http_404")
            self._send(404, error_page(404, "该信访件不存在或已被撤回。"))
            return None
        if ds.text(p.get("assigned_to")) != s.unit:
            self.state.count("http_403")
            self._send(403, error_page(403, "无权查看该信访件：不属于本单位办理范围。"))
            return None
        return p

    def _page_detail(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        p = self._owned(s, query.get("ref", query.get("xfjbh", "")))
        if p is not None:
            self._send(200, detail_page(lay, p, csrf=s.csrf, units=self.state.units),
                       headers={"Cache-Control": "no-store"})

    def _page_sign(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        if self.command != "POST":
            return self._send(405, error_page(405, "请求方式错误"))
        form = self._form()
        ref = form.get("ref", form.get("xfjbh", ""))
        if not hmac.compare_digest((form.get("csrf_token") or form.get("_token") or "").encode(), s.csrf.encode()):
            return self._send(403, error_page(403, "请求已失效，请刷新页面后重试。"))
        if self._owned(s, ref) is None:
            return
        signed = self.state.sign(ref)
        if path == V1.sign:
            return self._json(200, {"ok": True, "already": not signed})
        self._redirect(f"{V2.detail}?xfjbh={quote(ref, safe='')}")

    def _page_download(self, lay: Any, s: Session, path: str, query: dict[str, str]) -> None:
        k_ref, k_idx = V1.download_params if path == V1.download else V2.download_params
        ref = query.get(k_ref, "")
        p = self._owned(s, ref)
        if p is None:
            return
        atts = p.get("attachments") if isinstance(p.get("attachments"), list) else []
        try:
            att = atts[int(query.get(k_idx, "-1"))]
            assert isinstance(att, dict)
        except (ValueError, IndexError, AssertionError):
            return self._send(404, error_page(404, "附件不存在。"))
        name = ds.text(att.get("name")) or "附件"
        if ref in (self.state.knobs.get("broken_attachments") or []):
            self.state.count("http_500")
            return self._send(500, error_page(500, "附件服务出错，请稍后再试。"))
        if isinstance(att.get("base64"), str):
            try:
                data = b64decode(att["base64"])
            except ValueError:
                data = b""
        else:
            data = random.Random(f"{ref}:{query.get(k_idx)}:{name}").randbytes(attachment_size(att))
        ascii_name = "".join(c if c.isascii() and c.isprintable() and c not in '"\\;' else "_" for c in name)
        disposition = f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
        media_type = ds.text(att.get("media_type"))
        if not media_type.isprintable() or not media_type.isascii():  # never let data split a header
            media_type = "application/octet-stream"
        self._send(200, data, media_type or "application/octet-stream",
                   {"Content-Disposition": disposition})
