"""``petitionbot run intake``: pull newly assigned petitions from the upstream systems."""

from __future__ import annotations

import argparse

from flows.runs import Run
from petitionbot import wiring
from petitionbot.commands import add_common, app_from, finish, run_footer


def register(top, run_flows) -> None:  # noqa: ARG001
    p = run_flows.add_parser("intake", help="取件：登录上游系统，拉取新交办的信访件及附件")
    add_common(p)
    p.add_argument("--sign", action="store_true", help="同时签收待签收的信访件")
    p.add_argument("--upstream", metavar="名称", help="只从这一个上游取件（配置 [[upstream]] 的 name；默认全部）")
    p.set_defaults(func=cli)


def report(run: Run) -> str:
    c = run.counts
    head = "取件完成但有个别失败" if c.failed else "取件完成"
    lines = [f"{head}：上游列表 {c.listed} 件，新件 {c.new}，更新 {c.updated}，无变化 {c.unchanged}，失败 {c.failed}"
             + (f"，签收 {c.signed}" if c.signed else "")]
    for f in run.failures[:10]:
        # A petition stored without one of its files is registered: only the file is retried.
        what = "上游" if f.get("upstream") else "附件未齐" if f.get("stored") else "未入库"
        lines.append(f"  {what} {f['ref']}：{f['reason']}")
    if len(run.failures) > 10:
        lines.append(f"  ……另有 {len(run.failures) - 10} 件，见 {run.folder / 'summary.json'}")
    return "\n".join(lines + run_footer(run))


def cli(args: argparse.Namespace) -> int:
    result = wiring.run_intake(app_from(args), sign=True if args.sign else None, upstream=args.upstream)
    return finish(result.run, report(result.run))
