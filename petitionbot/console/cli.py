"""``petitionbot console`` (serve the 信访工作台) and ``petitionbot console adduser``."""

from __future__ import annotations

import argparse
import getpass
import os
import sys

from core.errors import ConfigError
from petitionbot.console.settings import ROLE_BY_ZH, ROLE_ZH

PASSWORD_ENV = "PETITIONBOT_CONSOLE_PASSWORD"  # for scripts: the new account's password


def register(top, run_flows) -> None:  # noqa: ARG001
    from petitionbot.cli import ChineseParser

    c = top.add_parser("console", help="信访工作台：在浏览器里查看今日情况、信访件，运行流程")
    c.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    c.add_argument("--host", help="监听地址（默认 127.0.0.1，只允许本机访问）")
    c.add_argument("--port", type=int, help="监听端口（默认 8765）")
    sub = c.add_subparsers(dest="console_command", metavar="子命令", parser_class=ChineseParser)
    a = sub.add_parser("adduser", help="新建或重置一个工作台账号（管理员、信访员、领导）")
    a.add_argument("username", metavar="用户名")
    a.add_argument("--role", required=True, choices=[*ROLE_BY_ZH, *ROLE_ZH], help="角色：管理员、信访员或领导")
    a.add_argument("--name", default="", help="显示的姓名（可不填）")
    a.add_argument("--config", default=argparse.SUPPRESS, help="配置文件路径（默认 ./petitionbot.toml）")
    c.set_defaults(func=console_cli)


def console_cli(args: argparse.Namespace) -> int:
    from petitionbot import config

    settings = config.load(args.config)
    if getattr(args, "console_command", None) == "adduser":
        return adduser(settings, args.username, ROLE_BY_ZH.get(args.role, args.role), args.name)
    from petitionbot.console.server import run

    return run(settings, host=args.host, port=args.port)


def adduser(settings, username: str, role: str, display_name: str = "", password: str | None = None) -> int:
    from core.clock import SystemClock
    from flows.store.console import ConsoleStore
    from petitionbot.app import App
    from petitionbot.console import passwords

    username = username.strip()
    if not username or len(username) > 64 or any(ch.isspace() for ch in username):
        raise ConfigError("用户名不能为空、不能含空格，最长 64 个字符")
    if password is None:
        password = os.environ.get(PASSWORD_ENV) or ""
    if not password:
        if not sys.stdin.isatty():
            raise ConfigError("没有提供密码", hint=f"请在终端中运行以便输入密码，或设置环境变量 {PASSWORD_ENV}")
        password = getpass.getpass("新密码：")
        if getpass.getpass("再输入一次：") != password:
            raise ConfigError("两次输入的密码不一致")
    problem = passwords.weakness(password, username)
    if problem:
        raise ConfigError(f"密码不符合要求：{problem}")
    app = App(settings)
    cstore = ConsoleStore(app.store)
    existed = cstore.account(username) is not None
    cstore.add_account(username, role=role, password_hash=passwords.hash_password(password),
                       display_name=display_name, now=SystemClock().now())
    cstore.audit(at=SystemClock().now(), username="（命令行）", action="adduser", detail=f"{username}（{ROLE_ZH[role]}）")
    print(f"{'已重置' if existed else '已创建'}账号 {username}（{ROLE_ZH[role]}）。"
          "登录后请用 petitionbot console 打开工作台。")
    return 0
