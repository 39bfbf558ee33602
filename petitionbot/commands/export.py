"""``petitionbot export``: every petition in the store as JSON lines."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flows import diskio
from flows.export import Contributor, export_all
from petitionbot.app import App


def contributors(app: App) -> list[Contributor]:
    """Fields each feature adds to the export, in order (the shell is the one place that knows)."""
    from flows.analysis.export import export_contributor as analysis_fields
    from flows.deadlines import build_engine
    from flows.deadlines import export_fields as deadline_fields
    from flows.ledger import export_fields as ledger_fields
    from flows.letters import export_fields as letter_fields

    engine = build_engine(app.settings.deadlines)  # once per export, not per petition
    today = app.clock.today()

    def deadlines(p, store):  # noqa: ARG001 - Contributor signature
        return deadline_fields(p, today=today, engine=engine)

    return [ledger_fields, letter_fields, deadlines, analysis_fields(app.store)]


def register(top, run_flows) -> None:  # noqa: ARG001 - same signature for every command module
    from petitionbot.cli import add_common

    p = top.add_parser("export", help="导出全部信访件（JSON Lines，每行一件）")
    add_common(p)
    p.add_argument("--masked", action="store_true", help="脱敏：姓名、身份证号、电话不以明文出现，可外发")
    p.add_argument("--out", help="输出文件（默认打印到屏幕）")
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of)
    records = export_all(app.store, contributors(app), masked=args.masked)
    if not args.out:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    # A file: private like everything else, written whole or not at all (temp file, then replace).
    path = Path(args.out).resolve()
    diskio.ensure_dir(path.parent)
    tmp = diskio.temp_beside(path)
    count = 0
    try:
        with open(tmp, "w", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                count += 1
        diskio.replace(tmp, path)
    except OSError as exc:
        raise diskio.disk_error(exc, path) from exc
    finally:
        tmp.unlink(missing_ok=True)
    print(f"已导出 {count} 件到 {path}", file=sys.stderr)
    return 0
