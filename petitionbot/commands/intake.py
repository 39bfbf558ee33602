"""``petitionbot run intake``: pull newly assigned petitions from the upstream system."""

from __future__ import annotations

import argparse

from flows.intake import IntakeOptions, run_intake
from flows.runs import Run
from petitionbot.app import App
from petitionbot.commands import finish, run_footer
from petitionbot.robots import make_robot


def register(top, run_flows) -> None:  # noqa: ARG001
    from petitionbot.cli import add_common

    p = run_flows.add_parser("intake", help="取件：登录上游系统，拉取新交办的信访件及附件")
    add_common(p)
    p.add_argument("--sign", action="store_true", help="同时签收待签收的信访件")
    p.set_defaults(func=cli)


def intake(app: App, *, sign: bool | None = None) -> Run:
    """Run intake inside a Run (used by the CLI, the scheduler and the demo)."""
    password = app.upstream_password()
    with app.run("intake") as run:
        robot = make_robot(app.settings, password=password, evidence_dir=run.evidence_dir)
        options = IntakeOptions(attachments_dir=app.workdir / "attachments",
                                sign=app.settings.require_upstream().sign if sign is None else sign)
        try:
            with robot:
                run_intake(robot, app.store, run, options)
        finally:
            run.extra["robot"] = robot.stats  # retries, re-logins, recycled contexts: where a night went
    return run


def report(run: Run) -> str:
    c = run.counts
    head = "取件完成但有个别失败" if c.failed else "取件完成"
    lines = [f"{head}：上游列表 {c.listed} 件，新件 {c.new}，更新 {c.updated}，无变化 {c.unchanged}，失败 {c.failed}"
             + (f"，签收 {c.signed}" if c.signed else "")]
    for f in run.failures[:10]:
        # A petition stored without one of its files is registered: only the file is retried.
        lines.append(f"  {'附件未齐' if f.get('stored') else '未入库'} {f['ref']}：{f['reason']}")
    if len(run.failures) > 10:
        lines.append(f"  ……另有 {len(run.failures) - 10} 件，见 {run.folder / 'summary.json'}")
    return "\n".join(lines + run_footer(run))


def cli(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run = intake(app, sign=True if args.sign else None)
    return finish(run, report(run))
