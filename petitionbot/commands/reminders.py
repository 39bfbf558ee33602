"""``petitionbot run reminders`` and ``petitionbot deadlines explain REF``."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from flows.deadlines import explain
from petitionbot import hooks, wiring
from petitionbot.app import EXIT_OK
from petitionbot.commands import add_common, app_from


def register(top, run_flows) -> None:
    p = run_flows.add_parser("reminders", help="催办督办：按单位发送临期/超期提醒，早上给督办人发超期清单")
    add_common(p)
    p.add_argument("--dry-run", action="store_true", help="只显示将发给谁、发什么，不入发件箱、不发送")
    p.add_argument("--now", action="store_true", help="不等工作时间，立即发送")
    p.set_defaults(func=run_reminders_command)

    d = top.add_parser("deadlines", help="期限：查看某件信访件的期限是怎么算出来的")
    sub = d.add_subparsers(dest="deadlines_command", metavar="子命令")
    sub.required = True
    e = sub.add_parser("explain", help="用中文说明起算日、规则、跳过的休息日和结果")
    add_common(e)
    e.add_argument("ref", metavar="编号", help="信访件编号")
    e.set_defaults(func=explain_command)


def run_reminders_command(args: argparse.Namespace) -> int:
    done = wiring.run_reminders(app_from(args), dry_run=args.dry_run, now=args.now)
    _print(done.value, args.dry_run)
    for w in done.run.warnings:
        print(f"⚠ {w}")
    return EXIT_OK


def _print(result: Any, dry_run: bool) -> None:
    head = "【演练，未入发件箱、未发送】" if dry_run else ""
    print(f"{head}发送日 {result.send_day}：需提醒 {len(result.items)} 项，新生成消息 {len(result.queued)} 条，"
          f"本次发出 {result.sent} 条，失败 {result.failed} 条，滞留 {result.stuck} 条")
    for _key, msg in result.queued:
        extra = f"，附件 {', '.join(Path(a).name for a in msg.attachments)}" if msg.attachments else ""
        to = msg.to if msg.channel == "email" else ["群机器人"]
        print(f"  → [{msg.channel}] {', '.join(to)}{'（抄送 ' + ', '.join(msg.cc) + '）' if msg.cc else ''}："
              f"{msg.subject}{extra}")
    if not dry_run and not result.sending_now and result.queued:
        print("  （不在工作时间：已排队，工作时间内再次运行或到点由定时任务发送）")


def explain_command(args: argparse.Namespace) -> int:
    app = app_from(args)
    petition = app.store.get(args.ref)
    if petition is None:
        raise ConfigError(f"没有找到信访件 {args.ref}", hint="请核对编号，或先运行 petitionbot run intake")
    engine = hooks.deadline_engine(app.settings)
    print(explain(engine.schedule(petition), app.clock.today(), engine))
    sys.stdout.flush()
    return EXIT_OK
