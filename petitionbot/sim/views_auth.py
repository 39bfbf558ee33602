"""Login, frame layout, menu and error pages."""

from __future__ import annotations

from html import escape

from petitionbot.sim.layouts import Layout

SYSTEM_NAME = "余杭区信访事项交办系统"


def shell(title: str, body: str, *, css_class: str = "", head: str = "") -> str:
    return (
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
        f"<title>{escape(title)}</title><link rel=\"stylesheet\" href=\"/static/app.css\">{head}</head>"
        f"<body class=\"{css_class}\">{body}</body></html>"
    )


def login_page(lay: Layout, *, csrf: str, captcha: bool, error: str = "", username: str = "",
               password_echo: str = "", notice: str = "") -> str:
    # The system echoes the typed password back into the form after a failed attempt, as some
    # old JSP systems do: the robot's evidence must blank it before saving the page.
    msg = f'<div class="msg">{escape(error or notice)}</div>' if (error or notice) else ""
    if lay.name == "v1":
        cap = (f'<p><label for="captcha">验证码</label><input id="captcha" name="captcha" autocomplete="off">'
               f'<img src="{lay.captcha}" alt="验证码" class="captcha-img"></p>') if captcha else ""
        body = (
            f'<div class="login-box"><img src="/static/logo.png" alt=""><h1>{SYSTEM_NAME}</h1>{msg}'
            f'<form method="post" action="{lay.login}" id="loginForm">'
            f'<input type="hidden" name="csrf_token" value="{escape(csrf)}">'
            f'<p><label for="username">用户名</label><input id="username" name="username" value="{escape(username)}"></p>'
            f'<p><label for="password">密码</label><input id="password" type="password" name="password" '
            f'value="{escape(password_echo)}"></p>{cap}'
            '<p><button type="submit" id="btnLogin">登录</button></p></form></div>'
        )
    else:
        cap = (f'<div class="xf-row"><input name="yzm" placeholder="请输入验证码" autocomplete="off">'
               f'<img src="{lay.captcha}" class="xf-yzm"></div>') if captcha else ""
        body = (
            f'<div class="xf-login"><div class="xf-title">{SYSTEM_NAME}（新版）</div>{msg}'
            f'<form method="post" action="{lay.login}" class="xf-form">'
            f'<input type="hidden" name="_token" value="{escape(csrf)}">'
            f'<div class="xf-row"><input name="loginName" placeholder="请输入账号" value="{escape(username)}"></div>'
            f'<div class="xf-row"><input type="password" name="loginPwd" placeholder="请输入密码" '
            f'value="{escape(password_echo)}"></div>{cap}'
            '<div class="xf-row"><input type="submit" class="xf-btn-primary" value="登 录"></div></form></div>'
        )
    return shell(f"{SYSTEM_NAME} - 登录", body, css_class="login")


def main_page(lay: Layout, user_label: str) -> str:
    if lay.name == "v1":
        return (
            "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">"
            f"<title>{SYSTEM_NAME}</title></head>"
            f'<frameset cols="190,*" border="1"><frame name="menu" src="{lay.menu}" scrolling="no">'
            f'<frame name="content" src="{lay.welcome}"></frameset></html>'
        )
    body = (
        f'<div class="xf-top">{SYSTEM_NAME} <span class="xf-user">{escape(user_label)}</span></div>'
        f'<div class="xf-wrap"><iframe id="leftNav" name="navFrame" src="{lay.menu}" width="200" height="800"></iframe>'
        f'<iframe id="rightMain" name="mainFrame" src="{lay.welcome}" width="1000" height="800"></iframe></div>'
    )
    return shell(SYSTEM_NAME, body)


def menu_page(lay: Layout, counts: dict[str, int]) -> str:
    if lay.name == "v1":
        body = (
            '<ul class="menu">'
            f'<li><a href="{lay.list_sign}" target="content">待签收</a></li>'
            f'<li><a href="{lay.list_handle}" target="content">待办理</a></li>'
            '<li><a href="#" onclick="alert(\'暂未开放\');return false;">已办结</a></li>'
            '<li><a href="/logout" target="_top">退出</a></li></ul>'
        )
    else:
        body = (
            '<div class="xf-nav"><div class="xf-nav-title">信访业务</div>'
            f'<a class="xf-nav-item" href="{lay.list_sign}" target="mainFrame">待签收件（{counts.get("sign", 0)}）</a>'
            f'<a class="xf-nav-item" href="{lay.list_handle}" target="mainFrame">待办理件（{counts.get("handle", 0)}）</a>'
            '<a class="xf-nav-item" href="/logout" target="_top">安全退出</a></div>'
        )
    return shell("菜单", body, css_class="menu")


def welcome_page(lay: Layout) -> str:
    if lay.name == "v1":
        return shell("首页", '<p class="welcome">欢迎使用信访事项交办系统。请从左侧菜单选择业务。</p>')
    return shell("首页", '<div class="xf-welcome">欢迎使用信访事项交办系统（新版）。请从左侧菜单选择业务。</div>')


def error_page(status: int, message: str) -> str:
    titles = {403: "无权访问", 404: "页面不存在", 429: "访问过于频繁", 500: "系统错误", 503: "系统维护中"}
    title = titles.get(status, "错误")
    body = f'<div class="error-page"><h2>{status} {title}</h2><p>{escape(message)}</p><a href="/">返回首页</a></div>'
    return shell(title, body, css_class="error")


CSS = b"""body{font-family:"Microsoft YaHei",sans-serif;font-size:13px;margin:8px}
table{border-collapse:collapse}td,th{border:1px solid #bcd;padding:3px 6px}
.msg{color:#c00}.error-page h2{color:#c00}.loading{color:#888}"""

# A 1x1 transparent PNG: the logo the robot blocks anyway.
LOGO = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100e221bc330000000049454e44ae426082"
)
