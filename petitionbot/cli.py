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
from core.privacy import redactor
from flows import diskio
from petitionbot import logs
from petitionbot.app import EXIT_FAILED, exit_code_for
from petitionbot.commands import ChineseParser

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
    "petitionbot.console.cli",
]


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
