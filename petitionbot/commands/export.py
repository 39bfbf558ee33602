"""``petitionbot export``: every petition in the store as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys

from petitionbot import wiring
from petitionbot.commands import add_common, app_from


def register(top, run_flows) -> None:  # noqa: ARG001 - same signature for every command module
    p = top.add_parser("export", help="导出全部信访件（JSON Lines，每行一件）")
    add_common(p)
    p.add_argument("--masked", action="store_true", help="脱敏：姓名、身份证号、电话不以明文出现，可外发")
    p.add_argument("--out", help="输出文件（默认打印到屏幕）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    app = app_from(args)
    if not args.out:  # to the screen: a read, like `petitionbot runs`, not a recorded run
        for record in wiring.export_records(app, masked=args.masked):
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    done = wiring.run_export(app, out=args.out, masked=args.masked)
    print(f"已导出 {done.value} 件到 {done.run.outputs[0]}", file=sys.stderr)
    return 0
