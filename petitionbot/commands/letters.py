"""``petitionbot run letters`` and ``petitionbot templates check``."""

from __future__ import annotations

import argparse
from typing import Any

from flows.runs import Run
from petitionbot import config, hooks, wiring
from petitionbot.app import EXIT_FAILED, EXIT_OK
from petitionbot.commands import add_common, app_from, finish, run_footer

SHOWN = 20  # warnings printed (the pending letters first); summary.json has them all
NOTES = 5  # date notes printed one by one


def register(top, run_flows) -> None:
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


def report(run: Run) -> str:
    t: dict[str, Any] = run.extra.get("letters", {})
    lines = [f"文书起草完成：新起草 {t.get('new', 0)} 份，数据变化另起新版 {t.get('version', 0)} 份，"
             f"无变化 {t.get('unchanged', 0)} 份，PDF {t.get('pdf', 0)} 份，失败 {run.counts.failed} 项"]
    pending = t.get("pending") or []
    if pending:
        blocked = t.get("blocked", 0)
        lines.append(f"  未起草 {len(pending)} 份（待补全 {len(pending) - blocked} 份，检举控告暂停交办 {blocked} 份），"
                     "补全台账后再次运行即可起草；台账“期限提示”一栏有同样的说明")
    notes = t.get("deadline_notes") or []
    if notes:
        lines.append(f"  期限：新起草的文书中 {t.get('past_deadline', 0)} 份的期限在成文日已过（文书已写明已届满），"
                     f"{t.get('upstream_differs', 0)} 份的上游限办日期与法定期限不同（文书按较早者）")
    for n in notes[:NOTES]:
        lines.append(f"    {n['ref']} {n['kind']}：{n['note']}")
    if len(notes) > NOTES:
        lines.append(f"    ……另有 {len(notes) - NOTES} 条期限说明，见 summary.json 的 letters.deadline_notes")
    return "\n".join(lines + run_footer(run, limit=SHOWN))


def cli(args: argparse.Namespace) -> int:
    run = wiring.run_letters(app_from(args), pdf=True if args.pdf else None).run
    return finish(run, report(run))


def check_cli(args: argparse.Namespace) -> int:
    from pathlib import Path

    from flows.letters import check_templates

    report = check_templates(hooks.letter_setup(config.load(args.config)), [Path(f) for f in args.files])
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
