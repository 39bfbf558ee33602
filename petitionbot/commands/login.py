"""``petitionbot login``: a visible browser for the clerk to log in (captcha), session saved."""

from __future__ import annotations

import argparse

from petitionbot import wiring
from petitionbot.commands import add_common, app_from


def register(top, run_flows) -> None:  # noqa: ARG001
    p = top.add_parser("login", help="打开浏览器窗口由工作人员登录（有验证码时使用），保存登录状态供夜间运行")
    add_common(p, as_of=False)
    p.add_argument("--upstream", metavar="名称", help="登录哪一个上游（配置 [[upstream]] 的 name；默认第一个）")
    p.set_defaults(func=cli)


def cli(args: argparse.Namespace) -> int:
    entry = wiring.login(app_from(args), upstream=args.upstream)
    print(f"已登录上游“{entry.name}”，登录状态已保存。夜间任务将使用该状态运行。")
    return 0
