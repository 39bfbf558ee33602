"""Retention of run folders. The runs table keeps every summary for the audit; folders (logs,
evidence, traces) go after ``keep_runs_days``. Log files rotate by ``[logging] retention_days``
(loguru does that itself, see ``petitionbot/logs.py``).
"""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from loguru import logger


def prune_runs(runs_dir: Path, *, keep_days: int, now: datetime) -> list[Path]:
    """Delete run folders whose id says they started more than ``keep_days`` ago."""
    if not runs_dir.is_dir():
        return []
    cutoff = now - timedelta(days=keep_days)
    removed = []
    for folder in sorted(runs_dir.iterdir()):
        started = _started(folder.name)
        if folder.is_dir() and started is not None and started < cutoff:
            shutil.rmtree(folder, ignore_errors=True)
            removed.append(folder)
    if removed:
        logger.info("已清理 {} 个超过 {} 天的运行记录目录（数据库中的运行摘要保留）", len(removed), keep_days)
    return removed


def _started(name: str) -> datetime | None:
    # Run ids start with the start time: 20261103-020000-intake-ab12 (flows/runs.py).
    try:
        return datetime.strptime(name[:15], "%Y%m%d-%H%M%S")
    except ValueError:
        return None
