"""``petitionbot login``: a visible browser for the clerk to log in (captcha), session saved."""

from __future__ import annotations

import argparse

from petitionbot.app import App
from petitionbot.robots import make_robot


def register(top, run_flows) -> None:  # noqa: ARG001
    from petitionbot.cli import add_common

    p = top.add_parser("login", help="打开浏览器窗口由工作人员登录（有验证码时使用），保存登录状态供夜间运行")
    add_common(p, as_of=False)
    p.set_defaults(func=cli)


def cli(args: argparse.Namespace) -> int:
    app = App.from_args(args.config)
    robot = make_robot(app.settings, password=app.upstream_password(),
                       evidence_dir=app.workdir / "runs" / "login-evidence", headless=False)
    with robot:
        robot.interactive_login()  # type: ignore[attr-defined]
    print("登录成功，登录状态已保存。夜间任务将使用该状态运行。")
    return 0
