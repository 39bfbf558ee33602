"""``petitionbot serve``: APScheduler 3 with a persistent SQLite job store in the workdir.

Start-up, in this order, so a machine that was off overnight runs a missed job once:
1. start the scheduler paused (nothing fires yet);
2. replace every job from ``schedules/*.toml`` by its stable id; a job whose trigger did not
   change keeps the next run time stored before the shutdown, even if it is in the past
   (``replace_existing`` alone would recompute it from now and silently drop the missed run);
3. resume: APScheduler sees the past run times, ``coalesce=True`` folds them into one run and
   ``misfire_grace_time`` decides whether it is still worth running.

SIGTERM / Ctrl-C sets the App's ``stop_requested``: the running flow finishes its current item
and stops; the scheduler then shuts down after the job returns.

One service per workdir: ``serve`` holds ``serve.lock`` (an OS lock) for its whole life, and a
second ``serve`` on the same workdir refuses to start with a Chinese message. (Two services
would each fire every job; the run lock would serialise them, but every job would run twice.)
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from loguru import logger

from core.workdir import Workdir
from flows import diskio
from petitionbot.lock import ServeLock
from petitionbot.scheduler.jobs import JobSpec, build_trigger, load_jobs
from petitionbot.scheduler.retention import prune_runs
from petitionbot.scheduler.settings import resolve, service_settings
from petitionbot.wiring import App, ChainResult, run_chain

JOB_FUNC = "petitionbot.scheduler.service:execute_job"


class Service:
    """What a firing job needs: the settings, an App per job, the stop flag, the notifier."""

    def __init__(self, settings: Any, *, app_factory: Callable[[], Any] | None = None,
                 notify: Callable[[str, ChainResult], Any] | None = None,
                 now: Callable[[], datetime] = datetime.now):
        self.settings = settings
        self.svc = service_settings(settings)
        self.stop = threading.Event()
        self._app_factory = app_factory
        self._notify = notify
        self._now = now
        self.results: list[ChainResult] = []

    def new_app(self) -> App:
        app = self._app_factory() if self._app_factory is not None else App(self.settings, trigger="schedule")
        app.stop_requested = self.stop  # one flag for every job of this service
        return app

    def execute(self, job_id: str, title: str, flows: list[str], args: dict[str, dict[str, Any]]) -> ChainResult:
        logger.info("计划任务开始：{}（{}）", title, job_id)
        result = run_chain(self.new_app(), flows, job_id=job_id, args=args)
        self.results.append(result)
        if result.failed and not result.stopped:
            (self._notify or self._default_notify)(title, result)
        logger.info("计划任务结束：{}（{}）", title, "失败" if result.failed else "完成")
        try:
            prune_runs(Workdir(self.settings.workdir).runs, keep_days=self.svc.keep_runs_days, now=self._now())
        except OSError as exc:
            logger.warning("清理旧运行记录失败：{}", exc)
        return result

    def _default_notify(self, title: str, result: ChainResult) -> None:
        from petitionbot.scheduler.notify import notify_failure

        notify_failure(self.settings, title, result)


_current: Service | None = None


def install(service: Service | None) -> None:
    """Make ``service`` the one ``execute_job`` uses (the job store keeps only a function name)."""
    global _current
    _current = service


def execute_job(job_id: str, title: str, flows: list[str], args: dict[str, dict[str, Any]]) -> None:
    if _current is None:
        raise RuntimeError("scheduler service not installed")
    _current.execute(job_id, title, flows, args)


def jobstore_url(settings: Any) -> str:
    return f"sqlite:///{Workdir(settings.workdir).scheduler_db}"


def build_scheduler(settings: Any, *, scheduler_cls: Any = None, jobstore: Any = None, executor: Any = None) -> Any:
    from apscheduler.executors.pool import ThreadPoolExecutor
    from apscheduler.jobstores.sqlalchemy import SQLAlchemyJobStore
    from apscheduler.schedulers.background import BackgroundScheduler

    svc = service_settings(settings)
    diskio.ensure_dir(settings.workdir)
    return (scheduler_cls or BackgroundScheduler)(
        jobstores={"default": jobstore or SQLAlchemyJobStore(url=jobstore_url(settings))},
        # One worker: flows never run side by side inside the service (the lock covers other processes).
        executors={"default": executor or ThreadPoolExecutor(max_workers=1)},
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": svc.misfire_grace_seconds},
        timezone=svc.timezone,
    )


def calendar_overrides(settings: Any) -> str | None:
    deadlines = getattr(settings, "deadlines", None)
    path = getattr(deadlines, "calendar_overrides", "templates/calendar/overrides.toml")
    return str(resolve(path, settings)) if path else None


def load_schedule(settings: Any) -> list[JobSpec]:
    return load_jobs(resolve(service_settings(settings).schedule_file, settings))


def sync_jobs(scheduler: Any, specs: list[JobSpec], settings: Any, *, calendar: Any = None) -> list[str]:
    """Make the job store match ``specs``; call while the scheduler is paused. Returns the ids kept."""
    svc = service_settings(settings)
    existing = {job.id: job for job in scheduler.get_jobs()}
    wanted = {s.id: s for s in specs if s.enabled}
    for job_id in existing.keys() - wanted.keys():
        scheduler.remove_job(job_id)
        logger.info("计划任务 {} 已停用或删除，从任务库移除", job_id)
    overrides = calendar_overrides(settings)
    for spec in wanted.values():
        trigger = build_trigger(spec, timezone=svc.timezone, calendar_overrides=overrides, calendar=calendar)
        options: dict[str, Any] = dict(
            func=JOB_FUNC, trigger=trigger, id=spec.id, name=spec.title, replace_existing=True,
            kwargs={"job_id": spec.id, "title": spec.title, "flows": spec.flows, "args": spec.args},
            coalesce=True, max_instances=1, misfire_grace_time=svc.misfire_grace_seconds)
        old = existing.get(spec.id)
        if old is not None and old.next_run_time is not None and str(old.trigger) == str(trigger):
            options["next_run_time"] = old.next_run_time  # keep a missed run: it fires once on resume
        scheduler.add_job(**options)
    for job in scheduler.get_jobs():
        logger.info("计划任务 {}（{}）下次运行：{}", job.id, job.name, _when(job.next_run_time))
    return sorted(wanted)


def _when(t: datetime | None) -> str:
    return t.strftime("%Y-%m-%d %H:%M") if t else "不再运行"


def _on_missed(event: Any) -> None:
    logger.warning("计划任务 {} 错过了 {} 的运行且已超过补跑时限，等下一次按计划运行",
                   event.job_id, _when(event.scheduled_run_time))


def start(service: Service, *, scheduler: Any = None) -> Any:
    """Start the scheduler for ``service`` with the jobs of its schedule file; returns it running."""
    from apscheduler.events import EVENT_JOB_MISSED

    specs = load_schedule(service.settings)
    scheduler = scheduler or build_scheduler(service.settings)
    install(service)
    scheduler.add_listener(_on_missed, EVENT_JOB_MISSED)
    scheduler.start(paused=True)
    sync_jobs(scheduler, specs, service.settings)
    scheduler.resume()
    return scheduler


def serve(settings: Any) -> int:
    """Run until SIGTERM / Ctrl-C; the running job finishes its current item first."""
    diskio.configure(settings.storage.group)
    diskio.secure_root(settings.workdir)
    with ServeLock(Workdir(settings.workdir).serve_lock):
        return _serve(settings)


def _serve(settings: Any) -> int:
    service = Service(settings)
    prune_runs(Workdir(settings.workdir).runs, keep_days=service.svc.keep_runs_days, now=datetime.now())
    console = None
    if settings.console.enabled:  # the 信访工作台 beside the scheduler, in this process
        from petitionbot.console.server import Background

        console = Background(settings)  # a bind it must refuse stops serve before any job runs
    scheduler = start(service)
    if console is not None:
        console.start()

    def on_signal(signum: int, _frame: Any) -> None:
        if service.stop.is_set():
            return
        logger.warning("收到停止信号（{}）：当前这一件处理完后停止", signal.Signals(signum).name)
        service.stop.set()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM)}
    logger.info("计划任务服务已启动（任务库 {}），按 Ctrl-C 停止", jobstore_url(settings))
    try:
        # A timed wait keeps the main thread responsive to signals on every platform.
        while not service.stop.wait(1.0):
            pass
        scheduler.shutdown(wait=True)
    finally:
        if console is not None:
            console.stop()
        for s, handler in previous.items():
            signal.signal(s, handler)
        install(None)
    logger.info("计划任务服务已停止")
    return 0
