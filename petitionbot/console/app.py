"""The console's ASGI app: page modules, static files, sessions, security headers, access log.

A page module lists its routes in ``ROUTES`` (and its menu entries in ``NAV``); adding a page
is one line in ``PAGE_MODULES``.
"""

from __future__ import annotations

import importlib
import time
from typing import Any

from loguru import logger
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Mount
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from core.clock import SystemClock
from core.ports import Clock
from petitionbot.console.web import Console, NavItem, error_page

PAGE_MODULES = [
    "petitionbot.console.pages_auth",
    "petitionbot.console.pages_today",
    "petitionbot.console.pages_petitions",
    "petitionbot.console.pages_admin",
    "petitionbot.console.pages_runs",
    "petitionbot.console.pages_upstream",
    "petitionbot.console.pages_overdue",
    "petitionbot.console.pages_analysis",
    "petitionbot.console.pages_doctor",
]

SESSION_COOKIE = "pb_session"
# No inline script or style anywhere: htmx is told not to inject its indicator styles (meta
# htmx-config), charts read their data from JSON in data- attributes.
CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
       "connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'; object-src 'none'")
SECURITY_HEADERS = [
    (b"content-security-policy", CSP.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]


def create_app(app: Any, *, clock: Clock | None = None, secret: str, tls: bool | None = None,
               modules: list[str] | None = None) -> Starlette:
    """The console over petitionbot's ``app`` (its config, store and workdir). ``clock`` drives the
    idle timeout and the lockout (tests inject one); ``secret`` signs the session cookies."""
    routes: list[BaseRoute] = []
    nav: list[NavItem] = []
    for name in modules or PAGE_MODULES:
        module = importlib.import_module(name)
        routes.extend(module.ROUTES)
        nav.extend(getattr(module, "NAV", []))
    static = StaticFiles(packages=[("petitionbot.console", "static")])
    routes.append(Mount("/static", app=static, name="static"))
    console = Console(app, clock=clock or SystemClock(), secret=secret, nav=nav)
    use_tls = console.settings.tls if tls is None else tls
    idle = console.settings.idle_minutes * 60
    web = Starlette(
        routes=routes,
        middleware=[
            Middleware(AccessLog),
            Middleware(SecurityHeaders),
            # The cookie is signed (itsdangerous) and carries no personal data: the user name, the
            # account's epoch, the last-seen time and the CSRF token. Idle expiry runs on the
            # console's clock (web.current_user); max_age only bounds a forgotten cookie.
            Middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                       max_age=max(idle, 8 * 3600), same_site="strict", https_only=use_tls),
        ],
        exception_handlers={404: _not_found, 405: _not_found},
    )
    web.state.console = console
    return web


async def _not_found(request: Request, exc: Exception) -> Response:
    return error_page(request, 404, "页面不存在。")


class SecurityHeaders:
    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        static = scope["path"].startswith("/static/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers.extend(SECURITY_HEADERS)
                # Pages hold personal data: never kept by the browser or a proxy. Vendored files may be.
                headers.append((b"cache-control", b"private, max-age=3600" if static else b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)


class AccessLog:
    """One line per request: method, path (never the query string), status, milliseconds.

    Personal data never reaches a URL (searches are POSTed, refs are not personal), and the query
    string is left out anyway; uvicorn's own access log, which prints it, is switched off."""

    def __init__(self, app: ASGIApp):
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = {"code": 500}

        async def record(message: Message) -> None:
            if message["type"] == "http.response.start":
                status["code"] = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, record)
        finally:
            ms = (time.perf_counter() - started) * 1000
            logger.bind(access=True).info("工作台 {} {} {} {:.0f}ms", scope["method"], scope["path"], status["code"], ms)
