"""The two adapters of the progress port (:class:`core.ports.Progress`).

A flow calls ``start(total, label)``, ``advance()`` after each item and ``close()``. On a
terminal the clerk sees a tqdm bar (log lines are routed around it by ``logs.py``); anywhere
else (the service, a pipe, CI) a plain log line every tenth of the way, which also lands in
the log files. tqdm is imported only here.
"""

from __future__ import annotations

import sys
from typing import TextIO

from loguru import logger

from core.ports import Progress


class LineProgress:
    """Plain lines, at most about ``steps`` of them per run, so a log stays readable."""

    def __init__(self, steps: int = 10):
        self._steps = steps
        self._total = self._done = self._next = 0
        self._label = ""

    def start(self, total: int, label: str) -> None:
        self._total, self._done, self._label = total, 0, label
        self._next = max(1, total // self._steps)
        if total:
            logger.info("{}：共 {} 件", label, total)

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._total and (self._done >= self._next or self._done == self._total):
            logger.info("{}进度：{}/{}", self._label, self._done, self._total)
            self._next = self._done + max(1, self._total // self._steps)

    def close(self) -> None:
        self._total = 0


class BarProgress:
    def __init__(self, stream: TextIO):
        self._stream = stream
        self._bar = None

    def start(self, total: int, label: str) -> None:
        from tqdm import tqdm

        self.close()
        self._bar = tqdm(total=total, desc=label, unit="件", file=self._stream, dynamic_ncols=True, leave=False)

    def advance(self, n: int = 1) -> None:
        if self._bar is not None:
            self._bar.update(n)

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def for_stream(stream: TextIO | None = None) -> Progress:
    """A bar when ``stream`` (stderr by default) is a terminal, plain lines otherwise."""
    stream = stream or sys.stderr
    isatty = getattr(stream, "isatty", None)
    return BarProgress(stream) if isatty and isatty() else LineProgress()
