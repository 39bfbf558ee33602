"""``petitionbot``: the command line. Each command lives in ``petitionbot/commands/``.

Exit codes: 0 ok; 1 failed (a system error: the message says what to do); 2 config or usage
error; 3 finished but some items failed (quarantined, listed in the run summary).

Whatever goes wrong, the clerk reads one Chinese line on stderr, never a traceback: errors of the
error tree carry their own message; a disk error (full, read-only, no permission) is explained;
anything else is an internal error whose traceback goes to the log file (and to the console
with ``--verbose``).
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

from loguru import logger

from core.errors import PetitionbotError
from flows import diskio
from flows.privacy import redactor
from petitionbot import logs
from petitionbot.app import EXIT_FAILED, exit_code_for

# Order is the order of ``petitionbot --help``.
COMMAND_MODULES = [
    "petitionbot.commands.demo",
    "petitionbot.commands.intake",
    "petitionbot.commands.export",
    "petitionbot.commands.login",
    "petitionbot.sim.cli",
    "petitionbot.commands.letters",
    "petitionbot.commands.ledger",
    "petitionbot.commands.reminders",
    "petitionbot.commands.serve",
    "petitionbot.commands.analysis",
]


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


def build_parser() -> argparse.ArgumentParser:
    parser = ChineseParser(prog="petitionbot", description="信访办机器人：取件、台账、文书、催办督办、智能分析")
    parser.add_argument("--verbose", "-v", action="store_true", help="显示调试信息")
    top = parser.add_subparsers(dest="command", metavar="命令", parser_class=ChineseParser)
    run = top.add_parser("run", help="立即运行一个流程（取件、台账、文书、催办……）")
    run_flows = run.add_subparsers(dest="flow", metavar="流程", parser_class=ChineseParser)
    run_flows.required = True
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(top, run_flows)
    return parser


def add_common(p: argparse.ArgumentParser, *, as_of: bool = True) -> None:
    """Options every flow command takes."""
    p.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    if as_of:
        p.add_argument("--as-of", dest="as_of", help="把“今天”固定为某日，格式 YYYY-MM-DD（也可设 PETITIONBOT_AS_OF）")
    p.add_argument("--trigger", default="clerk", choices=["clerk", "schedule", "demo"], help=argparse.SUPPRESS)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    # Private by default from the first file on (the config's [storage] group, if any, is applied
    # when the config is read): everything petitionbot writes holds personal data.
    diskio.configure()
    # With a config file, logs also go to rotating files in its workdir (and JSON lines if asked).
    logs.setup_from_config(getattr(args, "config", None), "DEBUG" if args.verbose else "INFO")
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except PetitionbotError as exc:
        logger.debug("命令以错误结束：{}", exc)  # the console shows the 错误 line below once
        print(f"错误：{exc}", file=sys.stderr)
        return exit_code_for(exc)
    except KeyboardInterrupt:
        print("已中断。", file=sys.stderr)
        return 130
    except BrokenPipeError:  # `petitionbot runs | head`: the reader has gone, nothing to say
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return 0
    except OSError as exc:
        error = diskio.disk_error(exc)
        logger.opt(exception=exc).debug("命令因磁盘错误结束")
        print(f"错误：{error}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as exc:  # noqa: BLE001 - a bug must still end in one Chinese line, not a traceback
        logger.opt(exception=exc).debug("程序内部错误")
        print(f"错误：程序内部错误（{type(exc).__name__}: {redactor(str(exc))}）。详细信息已写入日志"
              "（workdir/logs/petitionbot.log，或加 --verbose 重新运行查看），请发给维护人员。", file=sys.stderr)
        return EXIT_FAILED


if __name__ == "__main__":
    sys.exit(main())
