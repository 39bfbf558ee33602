"""Logging set-up (loguru): readable Chinese on the console, rotating files, optional JSON
lines, and one filter that masks names, ID numbers, phone numbers and secrets in every sink.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from loguru import logger

from core.privacy import redactor
from core.workdir import Workdir

CONSOLE_FORMAT = "<green>{time:HH:mm:ss}</green> <level>{level: <7}</level> {message}"
FILE_FORMAT = "{time:YYYY-MM-DD HH:mm:ss.SSS} | {level: <7} | {name}:{line} | {message}"


# Every sink is added with diagnose=False: loguru's diagnose prints the values of local
# variables in a traceback (a scraped petition, a password), which no filter can reach.
def _mask(record: dict[str, Any]) -> bool:
    # Patching the message in a filter masks it for every sink that uses this filter.
    record["message"] = redactor(record["message"])
    if record["exception"] is not None:
        exc = record["exception"]
        if exc.value is not None:
            exc.value.args = tuple(redactor(str(a)) if isinstance(a, str) else a for a in exc.value.args)
    return True


def setup(level: str = "INFO", *, log_dir: Path | None = None, json_lines: bool = False, retention_days: int = 90,
          console: bool = True) -> None:
    logger.remove()
    if console:
        if sys.stderr.isatty():
            # Through tqdm so that a log line never lands in the middle of a progress bar.
            logger.add(_above_bars, level=level, format=CONSOLE_FORMAT, filter=_mask, diagnose=False, colorize=True)
        else:
            # The stream of the moment, not the one at setup: a caller (a test's capture, a service
            # manager) may swap and close the old one, and loguru would then fail on every line.
            logger.add(_to_stderr, level=level, format=CONSOLE_FORMAT, filter=_mask, diagnose=False, colorize=False)
    if log_dir is not None:
        files = [("petitionbot.log", False)] + ([("petitionbot.jsonl", True)] if json_lines else [])
        for name, serialize in files:
            sink = QuietFile.open(log_dir / name, rotation="10 MB", retention=f"{retention_days} days")
            if sink is not None:
                logger.add(sink, level="DEBUG", format=FILE_FORMAT, filter=_mask, diagnose=False,
                           serialize=serialize, enqueue=False, colorize=False)


def _to_stderr(message: str) -> None:
    sys.stderr.write(message)


def _above_bars(message: str) -> None:
    from tqdm import tqdm

    tqdm.write(message, file=sys.stderr, end="")


def setup_from_config(config_path: str | None, level: str) -> bool:
    """Console logging plus the rotating files in ``workdir/logs`` when a config file is found.

    A broken config is not reported here: the command that loads it says what is wrong.
    """
    from petitionbot import config

    try:
        settings = config.load(config_path)
    except Exception:  # noqa: BLE001 - the command reports the config error in Chinese
        settings = None
    if settings is None or settings.source is None:
        setup(level)
        return False
    lg = settings.logging
    level = level if level == "DEBUG" else lg.level  # --verbose wins over the file
    log_dir = Workdir(settings.workdir).logs
    try:
        from flows import diskio

        diskio.configure(settings.storage.group)  # the log files are private like everything else
        diskio.ensure_dir(log_dir)
    except Exception:  # noqa: BLE001 - an unusable workdir is reported by the command, in Chinese
        log_dir = None
    setup(level, log_dir=log_dir, json_lines=lg.json_lines, retention_days=lg.retention_days)
    return log_dir is not None


def add_run_log(path: Path) -> int:
    """A sink for one run's own log file; returns its id for ``remove_sink``."""
    sink = QuietFile.open(path)
    if sink is None:
        return logger.add(lambda _message: None, level="CRITICAL")  # nothing to write to: the run says why
    return logger.add(sink, level="DEBUG", format=FILE_FORMAT, filter=_mask, diagnose=False, colorize=False)


class QuietFile:
    """A log file (loguru's own file sink: rotation, retention) that a full or read-only disk does
    not turn into tracebacks on the console: a line that cannot be written is dropped, and the
    console says so once, in Chinese. The command itself reports the disk problem."""

    def __init__(self, sink: Any, path: Path):
        self._sink = sink
        self._path = path
        self._failed = False

    @classmethod
    def open(cls, path: Path, **options: Any) -> QuietFile | None:
        from loguru._file_sink import FileSink

        try:
            return cls(FileSink(str(path), encoding="utf-8", **options), path)
        except OSError as exc:
            print(f"注意：日志文件 {path} 无法创建（{exc.strerror}），本次日志只显示在屏幕上", file=sys.stderr)
            return None

    def write(self, message: Any) -> None:
        try:
            self._sink.write(message)
            self._failed = False
        except OSError as exc:
            if not self._failed:
                self._failed = True
                print(f"注意：日志文件 {self._path} 写入失败（{exc.strerror}），部分日志未能保存", file=sys.stderr)

    def stop(self) -> None:
        try:
            self._sink.stop()
        except OSError:
            pass


def remove_sink(sink_id: int) -> None:
    logger.remove(sink_id)
