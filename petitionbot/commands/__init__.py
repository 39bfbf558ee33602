"""One module per command; each exposes ``register(top, run_flows)``.

A command parses its arguments, calls ``petitionbot.wiring`` and prints the outcome in Chinese;
it builds nothing and runs no flow itself.
"""

from __future__ import annotations

import argparse
import sys

from flows.runs import Run
from petitionbot import wiring
from petitionbot.app import EXIT_OK, EXIT_PARTIAL, App


class ChineseParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("add_help", False)
        super().__init__(*args, **kwargs)
        self._positionals.title = "命令与参数"
        self._optionals.title = "选项"
        self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def error(self, message: str) -> None:  # noqa: D401 - argparse API
        self.print_usage(sys.stderr)
        self.exit(2, f"参数错误：{message}\n请用 --help 查看用法。\n")


def add_common(p: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    """Options every flow command takes."""
    p.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    if as_of:
        p.add_argument("--as-of", dest="as_of", help="把“今天”固定为某日，格式 YYYY-MM-DD（也可设 PETITIONBOT_AS_OF）")
    p.add_argument("--trigger", default="clerk", choices=["clerk", "schedule", "demo"], help=argparse.SUPPRESS)


def app_from(args: argparse.Namespace) -> App:
    """The App for a command's ``--config``, ``--as-of`` and ``--trigger``."""
    return wiring.build_app(getattr(args, "config", None), as_of=getattr(args, "as_of", None),
                            trigger=getattr(args, "trigger", "clerk"))


def run_footer(run: Run, limit: int = 10) -> list[str]:
    """The lines every flow command ends its Chinese report with: warnings, then the run folder."""
    lines = [f"  注意：{w}" for w in run.warnings[:limit]]
    if len(run.warnings) > limit:
        lines.append(f"  ……另有 {len(run.warnings) - limit} 条提示，见 {run.folder / 'summary.json'}")
    lines.append(f"运行记录：{run.folder}")
    return lines


def finish(run: Run, report: str) -> int:
    """Print a flow's Chinese report; the exit code says whether some items failed (quarantined)."""
    print(report)
    return EXIT_PARTIAL if run.counts.failed else EXIT_OK
