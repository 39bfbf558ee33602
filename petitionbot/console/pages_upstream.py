"""上游登录: when an upstream asks for a captcha, the clerk logs the robot in from this page.

The robot's own headless browser opens the upstream's login page and fills in the user name and
password (the clerk never sees or types the password); the page shows the captcha exactly as
that browser sees it; the clerk types the code; the robot submits it and keeps the session for
the nightly runs. Nothing runs on the server's desktop.
"""

from __future__ import annotations

import threading
from contextlib import contextmanager
from typing import Any

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.errors import PetitionbotError
from core.ports import InteractiveLogin
from petitionbot.console.captcha_login import CaptchaLogin
from petitionbot.console.web import ACT, NavItem, console_of, error_page, guard, page

WAIT_S = 60.0  # how long a click waits for the robot's next step before the page shows "正在……"
_lock = threading.Lock()


def entries(settings: Any) -> list[Any]:
    """The configured upstream entries (one ``[upstream]`` table or several ``[[upstream]]``)."""
    return list(settings.upstream)


def entry_name(entry: Any) -> str:
    return getattr(entry, "name", "") or entry.site


def _robot_factory(console: Any, entry: Any) -> Any:
    @contextmanager
    def robot() -> Any:
        from petitionbot import wiring

        app = console.app
        # Headless: the captcha is shown on this page, not in a window on the server.
        bot = wiring.make_robot(app, entry, evidence_dir=app.dirs.login_evidence, headless=True)
        if not isinstance(bot, InteractiveLogin):
            raise PetitionbotError(f"{entry_name(entry)} 的机器人不支持人工登录")
        with bot:
            yield bot
    return robot


def login_of(console: Any, name: str) -> CaptchaLogin | None:
    entry = next((e for e in entries(console.app.settings) if entry_name(e) == name), None)
    if entry is None:
        return None
    with _lock:
        logins = console.__dict__.setdefault("_captcha_logins", {})
        if name not in logins:
            logins[name] = CaptchaLogin(_robot_factory(console, entry), now=console.clock.now)
        return logins[name]


def _label(console: Any, entry: Any) -> str:
    return console.app.registries.site(entry.site).label


@guard(ACT)
def upstream(request: Request) -> Response:
    console = console_of(request)
    rows = []
    for entry in entries(console.app.settings):
        name = entry_name(entry)
        login = login_of(console, name)
        rows.append({"name": name, "label": _label(console, entry), "url": entry.url, "username": entry.username,
                     "snap": login.snapshot() if login else None})
    return page(request, "upstream.html", title="上游登录", rows=rows)


def _wait_and_show(request: Request, login: CaptchaLogin, version: int) -> Response:
    login.wait_past(version, timeout=WAIT_S)
    return RedirectResponse("/upstream", status_code=303)


@guard(ACT)
def start(request: Request) -> Response:
    console = console_of(request)
    login = login_of(console, request.path_params["name"])
    if login is None:
        return error_page(request, 404, "没有这个上游系统。")
    user = request.state.user
    version = login.snapshot().version
    if login.start(user.display_name or user.username):
        console.audit(user, "上游登录开始", detail=request.path_params["name"])
        version += 1  # past "opening": wait for the captcha, or the end
    return _wait_and_show(request, login, version)


@guard(ACT)
def answer(request: Request) -> Response:
    console = console_of(request)
    login = login_of(console, request.path_params["name"])
    if login is None:
        return error_page(request, 404, "没有这个上游系统。")
    code = (request.state.form.get("code") or "").strip()
    if not code:
        return RedirectResponse("/upstream", status_code=303)
    version = login.snapshot().version
    if login.answer(code):
        console.audit(request.state.user, "上游登录提交验证码", detail=request.path_params["name"])
        version += 1  # past "submitting"
    return _wait_and_show(request, login, version)


@guard(ACT)
def cancel(request: Request) -> Response:
    login = login_of(console_of(request), request.path_params["name"])
    if login is not None:
        version = login.snapshot().version
        login.cancel()
        login.wait_past(version, timeout=WAIT_S)
    return RedirectResponse("/upstream", status_code=303)


@guard(ACT)
def picture(request: Request) -> Response:
    login = login_of(console_of(request), request.path_params["name"])
    data = login.picture() if login else b""
    if not data:
        return Response(status_code=404)
    return Response(data, media_type="image/png", headers={"Cache-Control": "no-store"})


ROUTES = [
    Route("/upstream", upstream),
    Route("/upstream/{name}/start", start, methods=["POST"]),
    Route("/upstream/{name}/code", answer, methods=["POST"]),
    Route("/upstream/{name}/cancel", cancel, methods=["POST"]),
    Route("/upstream/{name}/captcha.png", picture),
]
NAV = [NavItem("上游登录", "/upstream", ACT, order=60)]
