"""The demo's way into the console: an account on the demo's data and how to open it."""

from __future__ import annotations

import contextlib
import io
import secrets
from datetime import date
from pathlib import Path
from typing import Any

DEMO_USER = "demo"


def demo_account(settings: Any, config_path: Path, as_of: date) -> list[str]:
    """Create (or reset) the demo's clerk account; the lines telling how to open the console."""
    from petitionbot.console.cli import adduser

    password = "Xf-" + secrets.token_hex(6)  # a fresh one each demo: the account is the demo's only
    with contextlib.redirect_stdout(io.StringIO()):
        adduser(settings, DEMO_USER, "clerk", "演示信访员", password=password)
    cs = settings.console
    return [
        "信访工作台（在浏览器里看今天的情况、信访件、运行记录、超期清单和分析）：",
        f"  PETITIONBOT_AS_OF={as_of.isoformat()} petitionbot console --config {config_path}",
        f"  然后在浏览器打开 http://{cs.host}:{cs.port}/ ，用户名 {DEMO_USER}，密码 {password}",
        "  （模拟系统已随演示结束而停止，工作台里“取件”会提示连不上上级系统；其余功能都可使用）",
    ]
