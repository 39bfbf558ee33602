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
        logger.add(sys.stderr, level=level, format=CONSOLE_FORMAT, filter=_mask, colorize=None)
    if log_dir is not None:
        log_dir.mkdir(parents=True, exist_ok=True)
        logger.add(log_dir / "petitionbot.log", level="DEBUG", format=FILE_FORMAT, filter=_mask,
                   rotation="10 MB", retention=f"{retention_days} days", encoding="utf-8", enqueue=False)
        if json_lines:
            logger.add(log_dir / "petitionbot.jsonl", level="DEBUG", serialize=True, filter=_mask,
                       rotation="10 MB", retention=f"{retention_days} days", encoding="utf-8")


def add_run_log(path: Path) -> int:
    """A sink for one run's own log file; returns its id for ``remove_sink``."""
    return logger.add(path, level="DEBUG", format=FILE_FORMAT, filter=_mask, encoding="utf-8")


def remove_sink(sink_id: int) -> None:
    logger.remove(sink_id)
