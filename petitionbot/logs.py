"""Logging set-up (loguru): readable Chinese on the console, rotating files, optional JSON
lines, and one filter that masks names, ID numbers, phone numbers and secrets in every sink.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from loguru import logger

from flows.privacy import redactor

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
            logger.add(sys.stderr, level=level, format=CONSOLE_FORMAT, filter=_mask, diagnose=False, colorize=None)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        logger.add(log_dir / "petitionbot.log", level="DEBUG", format=FILE_FORMAT, filter=_mask, diagnose=False,
                   rotation="10 MB", retention=f"{retention_days} days", encoding="utf-8", enqueue=False)
        if json_lines:
            logger.add(log_dir / "petitionbot.jsonl", level="DEBUG", serialize=True, filter=_mask, diagnose=False,
                       rotation="10 MB", retention=f"{retention_days} days", encoding="utf-8")


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
    setup(level, log_dir=settings.workdir / "logs", json_lines=lg.json_lines, retention_days=lg.retention_days)
    return True


def add_run_log(path: Path) -> int:
    """A sink for one run's own log file; returns its id for ``remove_sink``."""
    return logger.add(path, level="DEBUG", format=FILE_FORMAT, filter=_mask, diagnose=False, encoding="utf-8")


def remove_sink(sink_id: int) -> None:
    logger.remove(sink_id)
