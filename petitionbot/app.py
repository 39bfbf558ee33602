"""Builds everything from the config, in one place, and runs flows inside a Run.

Commands (``petitionbot/commands/*``) ask the App for the store, the clock and a run; flows
receive those as arguments and never look anything up themselves.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path

from loguru import logger

from flows import tempfiles
from flows.clock import Clock, FixedClock, SystemClock
from flows.errors import ConfigError, PetitionbotError
from flows.privacy import redactor
from flows.runs import Run
from flows.store import Store, open_store
from petitionbot import config, logs, progress
from petitionbot.lock import RunLock
from petitionbot.scheduler.settings import service_settings

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL, EXIT_CONFIG = 0, 1, 3, 2


class App:
    def __init__(self, settings: config.Settings, *, as_of: date | None = None, clock: Clock | None = None,
                 trigger: str = "clerk"):
        self.settings = settings
        as_of = as_of or _env_as_of()
        self.clock: Clock = clock or (FixedClock(as_of) if as_of else SystemClock())
        self.trigger = trigger
        # Set by `serve` on SIGTERM / Ctrl-C; flows poll it between items (run.stop_requested).
        self.stop_requested = threading.Event()
        self.progress: progress.Progress = progress.for_stream()
        self.last_run: Run | None = None  # kept when a flow raises, for the operator's message
        self._lock: RunLock | None = None
        self._lock_depth = 0

    @classmethod
    def from_args(cls, config_path: str | None, as_of: str | None = None, *, trigger: str = "clerk") -> App:
        settings = config.load(config_path)
        day = _parse_as_of(as_of) if as_of else None
        return cls(settings, as_of=day, trigger=trigger)

    @property
    def workdir(self) -> Path:
        return self.settings.workdir

    @cached_property
    def store(self) -> Store:
        self.workdir.mkdir(parents=True, exist_ok=True)
        return open_store(self.settings.database_url)

    def upstream_password(self) -> str:
        pw = config.secret(self.settings.upstream.username, env="PETITIONBOT_UPSTREAM_PASSWORD")
        if not pw:
            raise ConfigError(
                "没有上游系统密码",
                hint="请设置环境变量 PETITIONBOT_UPSTREAM_PASSWORD，或用 keyring 存入服务名 petitionbot",
            )
        redactor.add_secrets(pw)
        return pw

    @contextmanager
    def exclusive(self, flow: str) -> Iterator[None]:
        """Hold the one cross-process run lock (re-entrant: a scheduled chain holds it across flows)."""
        if self._lock_depth == 0:
            svc = service_settings(self.settings)
            wait = svc.schedule_lock_wait_seconds if self.trigger == "schedule" else svc.clerk_lock_wait_seconds
            wait = float(os.environ.get("PETITIONBOT_LOCK_WAIT") or wait)
            lock = RunLock(self.workdir / "petitionbot.lock", stale_seconds=svc.lock_stale_seconds)
            lock.acquire(flow=flow, trigger=self.trigger, wait_seconds=wait, stop=self.stop_requested)
            self._lock = lock
        self._lock_depth += 1
        try:
            yield
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0 and self._lock is not None:
                self._lock.release()
                self._lock = None

    @contextmanager
    def run(self, flow: str) -> Iterator[Run]:
        """A Run with its folder, own log file and summary.json, whatever happens inside."""
        with self.exclusive(flow), self._run(flow) as run:
            yield run

    @contextmanager
    def _run(self, flow: str) -> Iterator[Run]:
        tempfiles.sweep(self.workdir)  # what a killed run, or a full disk, left half-written
        run = Run.start(flow, self.workdir / "runs", self.clock, trigger=self.trigger)
        # The stop flag and the progress port travel with the run to every flow.
        run.stop_requested = self.stop_requested
        run.progress = self.progress
        self.last_run = run
        sink = logs.add_run_log(run.folder / "run.log")
        self.store.record_run(run.id, flow=flow, trigger=run.trigger, started=run.started, status="running")
        logger.info("开始运行 {}（{}）", flow, run.id)
        status, message = "ok", ""
        try:
            yield run
            if run.counts.failed:
                status = "partial"
            if self.stop_requested.is_set():
                status, message = "stopped", "收到停止请求，已处理完当前一件后停止；其余下次运行时处理"
        except PetitionbotError as exc:
            status, message = "failed", str(exc)
            logger.error("运行失败：{}", exc)
            raise
        except BaseException as exc:
            status, message = "crashed", f"{type(exc).__name__}: {exc}"
            logger.exception("运行异常终止")
            raise
        finally:
            _redact_run(run)
            summary = run.finish(status, redactor(message))
            self.store.record_run(run.id, ended=run.ended, status=status, summary=summary)
            logger.info("运行结束 {}：{}，记录在 {}", flow, status, run.folder)
            logs.remove_sink(sink)


def _redact_run(run: Run) -> None:
    """summary.json and the runs table leave the office (operator mail, audits): mask free text."""
    run.warnings[:] = [redactor(w) for w in run.warnings]
    for failure in run.failures:
        failure["reason"] = redactor(failure.get("reason", ""))


def exit_code_for(exc: BaseException) -> int:
    return EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_FAILED


def _parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"日期格式不对：{text!r}", hint="请用 YYYY-MM-DD，例如 2026-11-03") from exc


def _env_as_of() -> date | None:
    text = os.environ.get("PETITIONBOT_AS_OF")
    return _parse_as_of(text) if text else None
