"""What every page module uses: the Console context, users and roles, ``guard``, CSRF, ``page``.

A page module writes::

    from petitionbot.console.web import VIEW, NavItem, guard, page

    @guard(VIEW)
    def today(request):
        return page(request, "today.html", title="今日", ...)

    ROUTES = [Route("/", today)]
    NAV = [NavItem("今日", "/", VIEW, order=10)]

and is named once in ``app.PAGE_MODULES``. ``guard`` is the only way a route is reached: it
checks the session (idle timeout on the console's clock), the role, and on every POST the CSRF
token (form field ``csrf_token`` or the ``X-CSRF-Token`` header that htmx sends), then runs the
handler in a worker thread with the parsed form in ``request.state.form``.
"""

from __future__ import annotations

import functools
import hmac
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from core.ports import Clock
from flows.store.console import ConsoleStore
from petitionbot.console.settings import ROLE_ZH, ConsoleSettings

VIEW = frozenset({"admin", "clerk", "leader"})  # read the dashboard and the lists
ACT = frozenset({"clerk"})  # trigger flows, confirm suggestions, record decisions
ADMIN = frozenset({"admin"})  # accounts, the audit log, doctor, the settings view
CSRF_FIELD, CSRF_HEADER = "csrf_token", "x-csrf-token"
SAFE_METHODS = ("GET", "HEAD")


@dataclass(frozen=True)
class NavItem:
    label: str
    path: str
    roles: frozenset[str]
    order: int = 50


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: str

    @property
    def role_zh(self) -> str:
        return ROLE_ZH.get(self.role, self.role)

    @property
    def can_act(self) -> bool:
        return self.role in ACT

    @property
    def sees_personal(self) -> bool:
        """Names, ID and phone numbers in full: the clerks who work the cases."""
        return self.role == "clerk"


class Console:
    """Everything a request handler needs, built once per server."""

    def __init__(self, app: Any, *, clock: Clock, secret: str, nav: list[NavItem] | None = None):
        self.app = app  # petitionbot's App (config, store, workdir, clock): what the flows run with
        self.clock = clock
        self.secret = secret
        self.nav: list[NavItem] = nav or []
        self.cstore = ConsoleStore(app.store)
        self._choices: tuple[float, dict[str, list[str]]] | None = None
        self.templates = Environment(loader=PackageLoader("petitionbot.console", "templates"),
                                     autoescape=select_autoescape(default=True, default_for_string=True),
                                     trim_blocks=True, lstrip_blocks=True)

    @property
    def settings(self) -> ConsoleSettings:
        return self.app.settings.console

    @property
    def store(self) -> Any:
        return self.app.store

    def choices(self) -> dict[str, list[str]]:
        """The list's drop-down values, read at most once a minute (new units and categories are rare)."""
        now = time.monotonic()
        if self._choices is None or now - self._choices[0] > 60:
            self._choices = (now, self.cstore.choices())
        return self._choices[1]

    def audit(self, user: User | str, action: str, *, ref: str = "", detail: str = "") -> None:
        name = user.username if isinstance(user, User) else user
        self.cstore.audit(at=self.clock.now(), username=name, action=action, ref=ref, detail=detail)


def console_of(request: Request) -> Console:
    return request.app.state.console


# -- sessions ---------------------------------------------------------------------------------
def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not token:
        token = request.session["csrf"] = secrets.token_urlsafe(32)
    return token


def csrf_ok(request: Request, form: Any) -> bool:
    expected = request.session.get("csrf") or ""
    given = request.headers.get(CSRF_HEADER) or (form.get(CSRF_FIELD) if form is not None else "") or ""
    return bool(expected) and hmac.compare_digest(str(given).encode(), expected.encode())


def start_session(request: Request, account: dict[str, Any], now: float) -> None:
    request.session.clear()  # a new session id for the logged-in state: nothing carried over
    request.session.update({"u": account["username"], "e": account["epoch"], "seen": now,
                            "csrf": secrets.token_urlsafe(32)})


def current_user(request: Request) -> tuple[User | None, str]:
    """The logged-in user, or None and why not ("" no session, "idle" timed out, "gone")."""
    console = console_of(request)
    name = request.session.get("u")
    if not name:
        return None, ""
    now = console.clock.now().timestamp()
    seen = float(request.session.get("seen") or 0)
    if now - seen > console.settings.idle_minutes * 60:
        request.session.clear()
        return None, "idle"
    account = console.cstore.account(name)
    if account is None or account["disabled"] or account["epoch"] != request.session.get("e"):
        request.session.clear()
        return None, "gone"
    request.session["seen"] = now
    return User(account["username"], account["display_name"] or account["username"], account["role"]), ""


def guard(roles: frozenset[str]) -> Callable[[Callable[[Request], Response]], Callable[[Request], Any]]:
    def wrap(handler: Callable[[Request], Response]) -> Callable[[Request], Any]:
        @functools.wraps(handler)
        async def endpoint(request: Request) -> Response:
            user, why = await run_in_threadpool(current_user, request)
            if user is None:
                return to_login(request, why)
            form = None
            if request.method not in SAFE_METHODS:
                form = await request.form()
                if not csrf_ok(request, form):
                    return error_page(request, 403, "请求缺少有效的安全令牌（CSRF），已拒绝。请刷新页面后重试。", user=user)
            if user.role not in roles:
                return error_page(request, 403, f"您的角色（{user.role_zh}）无权进行此操作。", user=user)
            request.state.user = user
            request.state.form = form
            return await run_in_threadpool(handler, request)

        endpoint.guarded_roles = roles  # type: ignore[attr-defined]  # the route audit test reads it
        return endpoint

    return wrap


def to_login(request: Request, why: str = "") -> Response:
    target = "/login" + ("?expired=1" if why == "idle" else "")
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": target})
    return RedirectResponse(target, status_code=303)


# -- rendering --------------------------------------------------------------------------------
def render(request: Request, template: str, *, status_code: int = 200, **context: Any) -> HTMLResponse:
    console = console_of(request)
    user = context.pop("user", None) or getattr(request.state, "user", None)
    nav = [n for n in sorted(console.nav, key=lambda n: (n.order, n.path)) if user and user.role in n.roles]
    html = console.templates.get_template(template).render(
        request=request, user=user, nav=nav, csrf=csrf_token(request), path=request.url.path,
        office=console.app.settings.office, **context)
    return HTMLResponse(html, status_code=status_code)


def page(request: Request, template: str, **context: Any) -> HTMLResponse:
    """A page, or only its ``#main`` block when htmx asks for a fragment (``HX-Target: main``)."""
    return render(request, template, **context)


def error_page(request: Request, status: int, message: str, *, user: User | None = None) -> HTMLResponse:
    return render(request, "error.html", status_code=status, title="出错了" if status != 403 else "无权访问",
                  message=message, status=status, user=user)


def form_value(request: Request, name: str, default: str = "") -> str:
    form = getattr(request.state, "form", None)
    value = form.get(name) if form is not None else None
    return str(value).strip() if value is not None else default
