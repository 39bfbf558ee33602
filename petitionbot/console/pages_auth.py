"""Login and logout: argon2 passwords, the lockout after repeated failures, the audit of both."""

from __future__ import annotations

from datetime import datetime, timedelta

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from petitionbot.console import passwords
from petitionbot.console.web import (
    VIEW,
    console_of,
    csrf_ok,
    current_user,
    error_page,
    guard,
    render,
    start_session,
)

UNKNOWN = "（不存在的账号）"  # what the audit log records for a name that is no account


async def login(request: Request) -> Response:
    if request.method == "GET":
        user, _ = await run_in_threadpool(current_user, request)
        if user is not None:
            return RedirectResponse("/", status_code=303)
        note = "长时间未操作，已自动退出，请重新登录。" if request.query_params.get("expired") else ""
        return render(request, "login.html", title="登录", note=note, error="")
    form = await request.form()
    if not csrf_ok(request, form):
        return error_page(request, 403, "登录页已过期（缺少安全令牌），请刷新页面后重新登录。")
    username = str(form.get("username") or "").strip()
    password = str(form.get("password") or "")
    error = await run_in_threadpool(_check, request, username, password)
    if error:
        return render(request, "login.html", title="登录", note="", error=error, username=username[:64],
                      status_code=401)
    return RedirectResponse("/", status_code=303)


def _check(request: Request, username: str, password: str) -> str:
    """"" after a successful login (the session is started), else the Chinese reason shown."""
    console = console_of(request)
    cs = console.settings
    now = console.clock.now()
    account = console.cstore.account(username) if username else None
    if account is not None and account["locked_until"] and datetime.fromisoformat(account["locked_until"]) > now:
        console.audit(username, "login_locked")
        until = datetime.fromisoformat(account["locked_until"])
        return f"该账号因连续 {cs.max_failed_logins} 次登录失败已被锁定，请于 {until:%H:%M} 之后再试，或请管理员解锁。"
    ok = passwords.verify(account["password"] if account else None, password)
    if not ok or account is None or account["disabled"]:
        if account is None:
            console.audit(UNKNOWN, "login_failed")
            return "用户名或密码错误。"
        locked = console.cstore.login_failed(username, max_failures=cs.max_failed_logins,
                                             lock_until=(now + timedelta(minutes=cs.lock_minutes)).isoformat(
                                                 timespec="seconds"))
        console.audit(username, "login_failed", detail="已锁定" if locked else "")
        if locked:
            return f"连续 {cs.max_failed_logins} 次登录失败，该账号已锁定 {cs.lock_minutes} 分钟。"
        return "用户名或密码错误。"
    console.cstore.login_succeeded(username)
    start_session(request, account, now.timestamp())
    console.audit(username, "login")
    return ""


@guard(VIEW)
def logout(request: Request) -> Response:
    console_of(request).audit(request.state.user, "logout")
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


ROUTES = [
    Route("/login", login, methods=["GET", "POST"]),
    Route("/logout", logout, methods=["POST"]),
]
NAV: list = []
