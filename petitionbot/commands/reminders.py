"""``petitionbot run reminders`` and ``petitionbot deadlines explain REF``.

This is the shell for issue 5: it builds the channels from the config (secrets from the
environment or keyring), wires the letters' 督办单 drafter in, and hands everything to
``flows.reminders.run_reminders``.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from flows.deadlines import build_engine, explain
from flows.runs import Run
from petitionbot import config
from petitionbot.app import EXIT_OK, App


def register(top, run_flows) -> None:
    from petitionbot.cli import add_common

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


def build_channels(settings: config.Settings) -> dict[str, Any]:
    from flows.reminders.channels.dingtalk import DingTalkChannel
    from flows.reminders.channels.email import EmailChannel
    from flows.reminders.channels.wecom import WeComChannel

    r = settings.reminders
    smtp = r.smtp

    def password() -> str | None:
        return config.secret(f"smtp:{smtp.username}", env=smtp.password_env)

    return {
        "email": EmailChannel(host=smtp.host, port=smtp.port, security=smtp.security, username=smtp.username,
                              password=password, sender=smtp.sender, sender_name=smtp.sender_name,
                              timeout=smtp.timeout_seconds, cafile=smtp.cafile),
        "dingtalk": DingTalkChannel(secrets=lambda name: config.secret(name, env=name),
                                    now_ms=lambda: int(time.time() * 1000), timeout=r.http_timeout_seconds),
        "wecom": WeComChannel(timeout=r.http_timeout_seconds),
    }


def supervision_drafter(app: App, run: Any) -> Callable[[str, list[Any]], Path | None] | None:
    """The letters' 督办单 (one row per petition, its overdue steps inside the row), when that
    module is installed; else None (the flow warns)."""
    try:
        from flows.letters import supervision_drafter as drafter
    except ImportError:
        return None
    return drafter(app.store, app.settings, app.clock, run, build_engine(app.settings.deadlines))


def reminders(app: App, *, dry_run: bool = False, now: bool = False) -> tuple[Run, Any]:
    """Run reminders inside a Run (used by the CLI, the scheduler and the demo)."""
    from flows.convert import to_pdf
    from flows.reminders.flow import run_reminders

    engine = build_engine(app.settings.deadlines)
    with app.run("reminders") as run:
        out_dir = run.folder if dry_run else app.workdir / "reminders" / f"{app.clock.today():%Y%m%d}"
        result = run_reminders(
            app.store.petitions(include_withdrawn=False), store=app.store, engine=engine,
            settings=app.settings.reminders, clock=app.clock, channels=build_channels(app.settings),
            out_dir=out_dir, office=app.settings.office, run=run,
            draft_supervision=None if dry_run else supervision_drafter(app, run),
            to_pdf=to_pdf, dry_run=dry_run, now=now)
        run.outputs += [str(p) for p in result.outputs]
        run.extra["reminders"] = {"send_day": result.send_day.isoformat(), "items": len(result.items),
                                  "queued": len(result.queued), "sent": result.sent, "failed": result.failed,
                                  "stuck": result.stuck, "dry_run": dry_run}
    return run, result


def run_reminders_command(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run, result = reminders(app, dry_run=args.dry_run, now=args.now)
    _print(result, args.dry_run)
    for w in run.warnings:
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
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    petition = app.store.get(args.ref)
    if petition is None:
        raise ConfigError(f"没有找到信访件 {args.ref}", hint="请核对编号，或先运行 petitionbot run intake")
    engine = build_engine(app.settings.deadlines)
    print(explain(engine.schedule(petition), app.clock.today(), engine))
    sys.stdout.flush()
    return EXIT_OK
