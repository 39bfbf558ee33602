"""The console's one run at a time: a flow started from the 运行 page runs in a worker thread,
publishing its progress and masked log lines to the live bus; a clerk can ask it to stop
gracefully (the flow finishes the item in hand); the page shows who started it and when.

The cross-process run lock still decides: a run of the scheduler or of a terminal holds it just
the same, and the page names that holder instead of starting a second run.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import PetitionbotError
from core.privacy import redactor
from petitionbot.console.live import BusProgress, EventBus, add_log_sink
from petitionbot.lock import TRIGGER_ZH, RunLock

# (flow, options, progress, stop) -> the finished flows.runs.Run (or raises)
Launch = Callable[[str, dict[str, Any], Any, threading.Event], Any]


@dataclass
class LiveRun:
    key: str
    flow: str
    user: str
    started: datetime
    options: dict[str, Any]
    stop: threading.Event = field(default_factory=threading.Event)
    status: str = "running"
    message: str = ""
    run_id: str = ""
    first_event: int = 0  # the bus id of its start event: a page opened mid-run replays from there
    thread: threading.Thread | None = field(default=None, repr=False)
    on_end: Callable[[LiveRun], None] | None = field(default=None, repr=False)

    @property
    def active(self) -> bool:
        return self.status == "running"


@dataclass
class Holder:
    """Who holds the run lock, as the page says it."""

    flow: str
    who: str  # a console user's name, or 计划任务 / 手动运行 (a terminal) with the host
    started: str  # YYYY-MM-DD HH:MM:SS
    key: str = ""  # the live run's key when it is this console's


class Runner:
    def __init__(self, bus: EventBus, launch: Launch, *, lock_path: Path, now: Callable[[], datetime] = datetime.now):
        self.bus = bus
        self._launch = launch
        self._lock_path = lock_path
        self._now = now
        self._guard = threading.Lock()
        self.current: LiveRun | None = None

    def holder(self) -> Holder | None:
        """This console's run, else whoever holds the lock file (the scheduler, a terminal)."""
        live = self.current
        if live is not None and live.active:
            return Holder(live.flow, live.user, f"{live.started:%Y-%m-%d %H:%M:%S}", live.key)
        info = RunLock(self._lock_path).holder()
        if info is None:
            return None
        who = f"{TRIGGER_ZH.get(info.trigger, info.trigger)}（{info.host}）"
        return Holder(info.flow, who, f"{datetime.fromtimestamp(info.started):%Y-%m-%d %H:%M:%S}")

    def start(self, flow: str, options: dict[str, Any], user: str,
              on_end: Callable[[LiveRun], None] | None = None) -> LiveRun:
        """Start ``flow`` in the background, or raise Busy naming who holds the lock. ``on_end``
        is called in the worker when the run has ended (the audit log)."""
        with self._guard:
            held = self.holder()
            if held is not None:
                raise Busy(held)
            live = LiveRun(key=secrets.token_hex(6), flow=flow, user=user, started=self._now(), options=options,
                           on_end=on_end)
            self.current = live
            live.first_event = self.bus.publish("start", run=live.key, flow=flow, user=user,
                                                started=f"{live.started:%Y-%m-%d %H:%M:%S}")["id"]
            live.thread = threading.Thread(target=self._work, args=(live,), name=f"console-run-{flow}", daemon=True)
            live.thread.start()
        return live

    def request_stop(self) -> bool:
        live = self.current
        if live is None or not live.active:
            return False
        live.stop.set()
        self.bus.publish("stopping", run=live.key)
        logger.info("已请求停止运行 {}：处理完当前一件后停止", live.flow)
        return True

    def _work(self, live: LiveRun) -> None:
        sink = add_log_sink(self.bus, live.key, accept=_not_access_log)
        try:
            run = self._launch(live.flow, live.options, BusProgress(self.bus, live.key), live.stop)
            live.run_id = getattr(run, "id", "") or ""
            live.status = getattr(run, "status", "ok") or "ok"
            live.message = getattr(run, "message", "") or ""
        except PetitionbotError as exc:
            live.status, live.message = "failed", redactor(str(exc))
        except Exception as exc:  # noqa: BLE001 - the page must say the run ended, whatever happened
            logger.exception("控制台启动的运行异常终止")
            live.status, live.message = "crashed", redactor(f"{type(exc).__name__}: {exc}")
        finally:
            logger.remove(sink)
            if live.on_end is not None:
                try:
                    live.on_end(live)
                except Exception:  # noqa: BLE001 - the page must still learn that the run ended
                    logger.exception("记录运行结束失败")
            self.bus.publish("end", run=live.key, flow=live.flow, status=live.status, message=live.message,
                             run_id=live.run_id)

    def wait(self, timeout: float | None = None) -> bool:
        """Block until the current run's thread ends (tests, shutdown)."""
        live = self.current
        if live is None or live.thread is None:
            return True
        live.thread.join(timeout)
        return not live.thread.is_alive()


class Busy(Exception):
    def __init__(self, holder: Holder):
        super().__init__(f"正在运行 {holder.flow}（{holder.who} 于 {holder.started} 启动），请等它结束后再试")
        self.holder = holder


def _not_access_log(record: dict[str, Any]) -> bool:
    # The console's own request lines are not part of a run's story.
    return not record["name"].startswith(("uvicorn", "petitionbot.console.app"))
