"""``petitionbot run ledger``: sync the Excel tracking book (台账) with the store."""

from __future__ import annotations

import argparse

from flows.deadlines import STATUS_LABELS
from flows.ledger import LedgerResult
from flows.runs import Run
from petitionbot import wiring
from petitionbot.app import EXIT_OK, EXIT_PARTIAL
from petitionbot.commands import add_common, app_from


def register(top, run_flows) -> None:  # noqa: ARG001 - same signature for every command module
    p = run_flows.add_parser("ledger", help="台账：读取信访员的填写并入库，再把最新数据写回 Excel 台账")
    add_common(p)
    p.add_argument("--accept-walkins", action="store_true", dest="accept_walkins",
                   help="确认登记：台账中没有编号的行较多、同步因此停下时，确认它们都是新的来访件并登记")
    p.set_defaults(func=cli)


def report(run: Run, result: LedgerResult) -> str:
    lines = [f"台账同步完成：{len(result.written)} 本已更新，信访员修改入库 {result.edited} 件（{result.fields_changed} 项），"
             f"来访登记新编号 {len(result.imported)} 件，需核对的填写 {result.issues} 处"]
    if result.deadline_status:
        counts = "，".join(f"{label} {result.deadline_status[key]} 件" for key, label in STATUS_LABELS.items()
                          if result.deadline_status.get(key))
        lines.append(f"  期限状态：{counts}")
    for path in result.written:
        lines.append(f"  台账：{path}")
    for path in result.pending:
        lines.append(f"  待更新（台账正被打开）：{path}")
    for path in result.skipped:
        lines.append(f"  无法读取、未覆盖：{path}")
    for path in result.copies:
        lines.append(f"  外发副本：{path}")
    for w in run.warnings[:10]:
        lines.append(f"  注意：{w}")
    if len(run.warnings) > 10:
        lines.append(f"  ……另有 {len(run.warnings) - 10} 条提示，见台账「校验」表和 {run.folder / 'summary.json'}")
    lines.append(f"运行记录：{run.folder}")
    return "\n".join(lines)


def cli(args: argparse.Namespace) -> int:
    done = wiring.run_ledger(app_from(args), accept_walkins=args.accept_walkins)
    print(report(done.run, done.value))
    return EXIT_PARTIAL if done.partial else EXIT_OK
