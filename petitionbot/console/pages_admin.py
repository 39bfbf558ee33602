"""管理: accounts, the audit log and the console's settings, for the administrator only."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from petitionbot.console.settings import ROLE_ZH
from petitionbot.console.web import ADMIN, NavItem, console_of, guard, page

ACTION_ZH = {"login": "登录", "login_failed": "登录失败", "login_locked": "登录被拒（账号锁定）", "logout": "退出",
             "view_personal": "查看个人信息", "edit": "修改", "download_attachment": "下载附件",
             "download_letter": "下载文书", "trigger": "运行流程", "adduser": "新建/重置账号"}


@guard(ADMIN)
def admin(request: Request) -> Response:
    console = console_of(request)
    now = console.clock.now().isoformat(timespec="seconds")
    accounts = [{**a, "role_zh": ROLE_ZH.get(a["role"], a["role"]),
                 "locked": bool(a["locked_until"]) and a["locked_until"] > now} for a in console.cstore.accounts()]
    audit = [{**r, "action_zh": ACTION_ZH.get(r["action"], r["action"])} for r in console.cstore.audit_rows(limit=200)]
    cs = console.settings
    settings = [("监听地址", f"{cs.host}:{cs.port}"), ("TLS", "已配置" if cs.tls else "未配置"),
                ("允许明文 HTTP", "是" if cs.allow_plain_http else "否"), ("无操作自动退出", f"{cs.idle_minutes} 分钟"),
                ("登录失败锁定", f"连续 {cs.max_failed_logins} 次，锁定 {cs.lock_minutes} 分钟"),
                ("可见检举控告人身份的角色", "、".join(ROLE_ZH[r] for r in cs.accuser_visible_to) or "无"),
                ("工作目录", str(console.app.workdir))]
    return page(request, "admin.html", title="管理", accounts=accounts, audit=audit, settings=settings)


ROUTES = [Route("/admin", admin)]
NAV = [NavItem("管理", "/admin", ADMIN, order=90)]
