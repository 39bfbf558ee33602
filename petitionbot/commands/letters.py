"""``petitionbot run letters`` and ``petitionbot templates check``."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any

from loguru import logger

from flows.model import Petition
from flows.runs import Run
from petitionbot.app import EXIT_FAILED, EXIT_OK, App
from petitionbot.commands import finish, run_footer


def register(top, run_flows) -> None:
    from petitionbot.cli import add_common

    p = run_flows.add_parser("letters", help="起草文书：交办单、受理/不予受理/不再受理/延期办理告知书等")
    add_common(p)
    p.add_argument("--pdf", action="store_true", help="同时用 LibreOffice 生成 PDF")
    p.set_defaults(func=cli)

    t = top.add_parser("templates", help="文书模板工具（检查模板中的占位符）")
    sub = t.add_subparsers(dest="templates_command", metavar="操作")
    sub.required = True
    c = sub.add_parser("check", help="检查文书模板：语法错误、被拆开的占位符、拼错的变量名")
    add_common(c, as_of=False)
    c.add_argument("files", nargs="*", help="只检查这些 .docx 文件（默认检查模板目录中的全部模板）")
    c.set_defaults(func=check_cli)


def deadline_hook(app: App) -> Callable[[Petition], Mapping[str, date | None]] | None:
    """受理期限 / 办结期限 from the deadlines engine, when that module is available."""
    try:
        from flows.deadlines import build_engine

        engine = build_engine(getattr(app.settings, "deadlines", None))
    except Exception as exc:  # noqa: BLE001 - letters still draft without computed deadlines
        logger.warning("未能载入期限计算，文书中的受理期限留空：{}", exc)
        return None

    def deadlines(p: Petition) -> dict[str, date | None]:
        schedule = engine.schedule(p)
        acc, handling = schedule.step("acceptance"), schedule.step("handling")
        return {"受理期限": acc.due if acc else None, "办结期限": handling.due if handling else None}

    return deadlines


def letters(app: App, *, pdf: bool | None = None) -> Run:
    """Run the letters flow inside a Run (used by the CLI, the scheduler and the demo)."""
    from flows.letters import draft_letters

    with app.run("letters") as run:
        draft_letters(app.store, app.settings, app.clock, run,
                      pdf=app.settings.letters.pdf if pdf is None else pdf, deadlines=deadline_hook(app))
    return run


def report(run: Run) -> str:
    t: dict[str, Any] = run.extra.get("letters", {})
    lines = [f"文书起草完成：新起草 {t.get('new', 0)} 份，数据变化另起新版 {t.get('version', 0)} 份，"
             f"无变化 {t.get('unchanged', 0)} 份，PDF {t.get('pdf', 0)} 份，失败 {run.counts.failed} 项"]
    return "\n".join(lines + run_footer(run))


def cli(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run = letters(app, pdf=True if args.pdf else None)
    return finish(run, report(run))


def check_cli(args: argparse.Namespace) -> int:
    from pathlib import Path

    from flows.letters import check_templates
    from petitionbot import config

    settings = config.load(args.config)
    report = check_templates(settings, [Path(f) for f in args.files])
    bad = 0
    for name, problems in report.items():
        if not problems:
            print(f"✓ {name}")
            continue
        bad += 1
        print(f"✗ {name}：发现 {len(problems)} 处问题")
        for problem in problems:
            print(f"    {problem}")
    if bad:
        print(f"共 {len(report)} 个模板，{bad} 个有问题。请按提示在 Word 中修改后再检查一次。")
        return EXIT_FAILED
    print(f"共 {len(report)} 个模板，全部通过检查。")
    return EXIT_OK
