"""The App: what every run of this process shares (settings, clock, store, registries, the run
lock), and the recording of a run: runs table, ``summary.json``, its own log file, the lock
and its fencing number, whatever happens inside.

``petitionbot/wiring.py`` builds the App (``build_app``) and runs the flows in it; nothing
else constructs robots or channels.
"""

from __future__ import annotations

import errno
import math
import os
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from functools import cached_property
from pathlib import Path

from loguru import logger

from core.clock import FixedClock, SystemClock
from core.errors import ConfigError, DiskError, PetitionbotError
from core.model import FLOW_ZH, RUN_STATUS_ZH
from core.ports import Clock, Progress, Store
from core.privacy import redactor
from core.workdir import Workdir
from flows import diskio, tempfiles
from flows.runs import Run, read_summary
from flows.store import open_store
from petitionbot import config, logs, progress
from petitionbot.lock import LockInfo, RunLock
from petitionbot.registries import Registries
from petitionbot.scheduler.settings import service_settings

INTERRUPTED_MESSAGE = "运行中断：进程在运行中被终止（强制结束、断电或死机），结果没有记录；之后的运行已接续处理未完成的部分"

EXIT_OK, EXIT_FAILED, EXIT_PARTIAL, EXIT_CONFIG = 0, 1, 3, 2


class App:
    def __init__(self, settings: config.Settings, *, as_of: date | None = None, clock: Clock | None = None,
                 trigger: str = "clerk", lock_clock: Callable[[], float] | None = None,
                 registries: Registries | None = None,
                 progress_factory: Callable[[], Progress] | None = None):
        self.settings = settings
        self.registries = registries or Registries()
        for n, entry in enumerate(settings.upstream, 1):  # an unknown site is a config error, said at once
            self.registries.site(entry.site, where=f"配置 [[upstream]] 第 {n} 项（{entry.name}）：")
        # Private by default: every folder and file the process creates is the service user's
        # only (or the office's group's, with [storage] group).
        diskio.configure(settings.storage.group)
        as_of = as_of or _env_as_of()
        self.clock: Clock = clock or (FixedClock(as_of) if as_of else SystemClock())
        self.trigger = trigger
        # Set by `serve` on SIGTERM / Ctrl-C; flows poll it between items (run.stop_requested).
        # A run may bring its own (the console's stop button): see ``run``.
        self.stop_requested = threading.Event()
        # A bar on a terminal, plain log lines elsewhere; a run may bring its own (the console).
        self.progress_factory: Callable[[], Progress] = progress_factory or progress.for_stream
        self.last_run: Run | None = None  # kept when a flow raises, for the operator's message
        self._lock: RunLock | None = None
        self._lock_depth = 0
        self._lock_owner: int | None = None  # the thread holding this App's lock (re-entry is per thread)
        self._lock_clock = lock_clock or time.time  # the run lock's wall clock (tests freeze it)
        self.generation: int | None = None  # the fencing number of the lock this App holds

    @property
    def workdir(self) -> Path:
        return self.settings.workdir

    @cached_property
    def dirs(self) -> Workdir:
        """Where each kind of file goes under the workdir (the one place that spells the layout)."""
        return Workdir(self.settings.workdir)

    @cached_property
    def store(self) -> Store:
        self.prepare_workdir()
        return open_store(self.settings.database_url)

    def prepare_workdir(self) -> Path:
        """The workdir, created private (or shared with the office's group), or a Chinese
        ConfigError saying why it cannot be used (a file, read-only, no permission)."""
        wd = self.workdir
        try:
            diskio.secure_root(wd)
            probe = diskio.temp_beside(wd / "probe")
            os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
            os.unlink(probe)
        except DiskError as exc:
            raise ConfigError(f"工作目录不可用：{exc.message}", hint=exc.hint) from exc
        except OSError as exc:
            err = diskio.disk_error(exc, wd)
            if exc.errno in (errno.ENOSPC, errno.EDQUOT):
                raise err from exc
            raise ConfigError(f"工作目录不可用：{err.message}", hint=err.hint) from exc
        return wd

    def upstream_password(self, entry: config.UpstreamSettings) -> str:
        pw = config.upstream_password(self.settings, entry)
        redactor.add_secrets(pw)
        return pw

    def state_path(self, entry: config.UpstreamSettings) -> Path:
        """Where an upstream's session (cookies) is kept between runs, mode 0600."""
        return self.dirs.session(entry.name, entry.username)

    @property
    def lock_path(self) -> Path:
        return self.dirs.lock

    def lock_holder(self) -> LockInfo | None:
        """Who holds the run lock now (flow, trigger, pid, host, since), or None."""
        return RunLock(self.lock_path).holder()

    @contextmanager
    def exclusive(self, flow: str, *, stop: threading.Event | None = None) -> Iterator[None]:
        """Hold the one cross-process run lock (re-entrant within one thread: a scheduled chain
        holds it across flows; another thread of this process waits or is told it is busy, as
        another process would be).

        Taking the lock also takes the next fencing number from the store: from then on the store
        refuses writes of any older holder, and ``fence`` tells this one when it has been overtaken."""
        if self._lock_depth == 0 or self._lock_owner != threading.get_ident():
            svc = service_settings(self.settings)
            wait = svc.schedule_lock_wait_seconds if self.trigger == "schedule" else svc.clerk_lock_wait_seconds
            wait = lock_wait_from_env(wait)
            self.prepare_workdir()
            lock = RunLock(self.lock_path, stale_seconds=svc.lock_stale_seconds,
                           now=self._lock_clock)
            try:
                lock.acquire(flow=flow, trigger=self.trigger, wait_seconds=wait, stop=stop or self.stop_requested)
            except OSError as exc:
                raise diskio.disk_error(exc, lock.path) from exc
            try:
                self.generation = self.store.begin_generation(lock.token)
                lock.stamp(self.generation)
            except BaseException:
                self._drop_fence()
                lock.release()
                raise
            self._lock, self._lock_owner = lock, threading.get_ident()
        self._lock_depth += 1
        try:
            yield
        finally:
            self._lock_depth -= 1
            if self._lock_depth == 0 and self._lock is not None:
                self._drop_fence()
                self._lock.release()
                self._lock = self._lock_owner = None

    def _drop_fence(self) -> None:
        self.generation = None
        if "store" in self.__dict__:
            self.store.fence_generation = None

    def fence(self) -> None:
        """Raise LockLost when another run has taken this App's lock over (it looked frozen).
        Called before every send, write and upstream action."""
        if self._lock is not None:
            self._lock.check()
        if self.generation is not None:
            self.store.check_generation()

    @contextmanager
    def run(self, flow: str, *, progress: Progress | None = None, stop: threading.Event | None = None
            ) -> Iterator[Run]:
        """A Run with its folder, own log file and summary.json, whatever happens inside.
        ``progress`` and ``stop`` default to the App's (a terminal bar, the service's stop flag)."""
        stop = stop or self.stop_requested
        with self.exclusive(flow, stop=stop), self._run(flow, progress or self.progress_factory(), stop) as run:
            yield run

    @contextmanager
    def _run(self, flow: str, progress: Progress, stop: threading.Event) -> Iterator[Run]:
        tempfiles.sweep(self.workdir)  # what a killed run, or a full disk, left half-written
        run = Run.start(flow, self.dirs.runs, self.clock, trigger=self.trigger)
        # The stop flag, the progress port and the fence travel with the run to every flow.
        run.stop_requested = stop
        run.progress = progress
        run.generation = self.generation
        run.fence = self.fence if self._lock is not None else None
        self.last_run = run
        sink = logs.add_run_log(run.folder / "run.log")
        try:
            self._close_interrupted(run)
            self.store.record_run(run.id, flow=flow, trigger=run.trigger, started=run.started, status="running",
                                  pid=os.getpid(), host=socket.gethostname(), generation=self.generation)
        except BaseException:
            logs.remove_sink(sink)
            raise
        logger.info("开始运行 {}（{}）", FLOW_ZH.get(flow, flow), run.id)
        status, message = "ok", ""
        try:
            with diskio.fenced(run.check_fence):
                yield run
            if run.counts.failed:
                status = "partial"
            if stop.is_set():
                status, message = "stopped", "收到停止请求，已处理完当前一件后停止；其余下次运行时处理"
        except PetitionbotError as exc:
            status, message = "failed", str(exc)
            logger.error("运行失败：{}", exc)
            raise
        except OSError as exc:
            if not diskio.is_disk_error(exc):
                status, message = "crashed", f"{type(exc).__name__}: {exc}"
                logger.exception("运行异常终止")
                raise
            # A full disk, a read-only or forbidden folder: a person can fix it; say so in Chinese.
            error = diskio.disk_error(exc)
            status, message = "failed", str(error)
            logger.error("运行失败：{}", error)
            raise error from exc
        except KeyboardInterrupt:
            status, message = "stopped", "被手动中断（Ctrl-C）；已处理的部分已保存，其余下次运行时处理"
            raise
        except BaseException as exc:
            status, message = "crashed", f"{type(exc).__name__}: {exc}"
            logger.exception("运行异常终止")
            raise
        finally:
            self._finish(run, status, message)
            logs.remove_sink(sink)

    def _finish(self, run: Run, status: str, message: str) -> None:
        """Record the outcome whatever else fails: the status first (a small write that still fits
        on a nearly full disk), then the summary, then summary.json. Never raises: the run's own
        error is the one the clerk must see."""
        _redact_run(run)
        summary = run.finish(status, redactor(message))
        try:
            self.store.record_run(run.id, ended=run.ended, status=status)
            self.store.record_run(run.id, summary=summary)
        except PetitionbotError as exc:
            logger.error("运行结果未能写入数据库：{}（下次运行时按 summary.json 补记）", exc)
        try:
            run.save_summary(summary)
        except PetitionbotError as exc:
            logger.error("运行记录 summary.json 未能写入：{}", exc)
        logger.info("运行结束 {}：{}，记录在 {}", FLOW_ZH.get(run.flow, run.flow), RUN_STATUS_ZH.get(status, status), run.folder)

    def _close_interrupted(self, current: Run) -> None:
        """Rows still 'running' while this App holds the lock belong to runs that are gone (killed,
        or frozen and now overtaken): mark them, from their summary.json when they left one."""
        for row in self.store.running():
            if row["id"] == current.id or (self.generation is not None and row["generation"] == self.generation):
                continue  # this run, or an outer run of this same holding
            left = read_summary(self.dirs.run(row["id"]))
            if left and left.get("status") not in (None, "running"):
                self.store.record_run(row["id"], status=left["status"], ended=left.get("end"), summary=left)
                logger.warning("运行 {} 的结果当时未能写入数据库，已按其 summary.json 补记", row["id"])
                continue
            self.store.record_run(row["id"], status="interrupted", summary={
                "id": row["id"], "flow": row["flow"], "start": row["started"], "status": "interrupted",
                "message": INTERRUPTED_MESSAGE})
            current.warn(f"上一次运行 {row['id']}（{row['started']} 开始）没有正常结束，已标记为“中断”")


def _redact_run(run: Run) -> None:
    """summary.json and the runs table leave the office (operator mail, audits): mask free text."""
    run.warnings[:] = [redactor(w) for w in run.warnings]
    for failure in run.failures:
        failure["reason"] = redactor(failure.get("reason", ""))


def exit_code_for(exc: BaseException) -> int:
    return EXIT_CONFIG if isinstance(exc, ConfigError) else EXIT_FAILED


def lock_wait_from_env(default: float) -> float:
    """``PETITIONBOT_LOCK_WAIT`` (seconds) overrides the configured wait for one command."""
    text = os.environ.get("PETITIONBOT_LOCK_WAIT", "").strip()
    if not text:
        return float(default)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and 0 <= value <= 12 * 3600):
        raise ConfigError(f"环境变量 PETITIONBOT_LOCK_WAIT 的值 {text!r} 不是有效的等待秒数",
                          hint="请设为 0 到 43200 之间的秒数，或删除这个环境变量")
    return value


def parse_as_of(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ConfigError(f"日期格式不对：{text!r}", hint="请用 YYYY-MM-DD，例如 2026-11-03") from exc


def _env_as_of() -> date | None:
    text = os.environ.get("PETITIONBOT_AS_OF")
    return parse_as_of(text) if text else None
