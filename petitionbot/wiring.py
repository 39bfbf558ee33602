"""The composition root: the one place that builds the application and runs its flows.

Every entry point (the CLI's commands, the scheduler, the web console) goes through here, so
a run is recorded the same way whoever starts it: a row in the ``runs`` table, a run folder
with its own log and ``summary.json``, the run lock with its fencing number, the stop flag.

API::

    app = build_app(config_path_or_Settings, as_of=None, trigger="clerk")   # once per process
    app.settings / app.store / app.clock / app.workdir / app.registries / app.progress_factory
    app.lock_holder()  -> who runs now (flow, trigger, pid, host), or None

    run_intake(app, *, sign=None, upstream=None)      -> RunResult (value: None; counts on .run)
    run_ledger(app, *, accept_walkins=False)          -> RunResult (value: flows.ledger.LedgerResult)
    run_letters(app, *, pdf=None)                     -> RunResult (value: list of Drafted)
    run_reminders(app, *, dry_run=False, now=False)   -> RunResult (value: flows.reminders ReminderResult)
    run_analysis(app)                                 -> RunResult (value: flows.analysis.AnalysisResult)
    run_train(app)                                    -> RunResult (value: classify.TrainReport)
    run_report(app, *, month=None)                    -> RunResult (value: ReportFiles; None: last month)
    run_export(app, *, out, masked=False)             -> RunResult (value: number of petitions written)
    run_chain(app, flows, *, job_id, args=None)       -> ChainResult (the nightly chain: one lock, in order)
    run_flow(app, name, **options)                    -> RunResult (by name: FLOWS, as schedules name them)

    export_records(app, *, masked=False)   -> iterator of dicts (a read, not a run: ``export`` to screen)
    login(app, *, upstream=None, captcha_solver=None) -> the upstream entry logged in to
    make_robot(app, entry, *, evidence_dir, headless=None) -> Robot (from the site registry)
    build_channels(app) -> {name: Channel}

Every ``run_<flow>`` also takes ``progress`` (a ``core.ports.Progress``; default: a bar on a
terminal, log lines elsewhere) and ``stop`` (a ``threading.Event``; set it and the flow finishes
the item in hand, then the run ends "stopped"). Options are keyword arguments with the types
shown. A flow that fails raises its error (``core.errors``, Chinese message) after its run has
been recorded; ``app.last_run`` is that run. ``RunResult.partial`` says "finished, but some
items (or one of several upstreams) failed".

The features' cross-links (deadlines into the ledger, letters and reminders; the 督办单
drafter; the analysis columns; the export fields) are made in ``petitionbot/hooks.py``; the
adapters are looked up in ``petitionbot/registries.py`` (robots by site, channels by name,
letter kinds).
"""

from __future__ import annotations

import json
import re
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field, fields
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import (
    BusinessError,
    ConfigError,
    LockBusy,
    LockLost,
    PetitionbotError,
    SystemError_,
    TransientError,
)
from core.model import RunCounts
from core.ports import CaptchaSolver, InteractiveLogin, Progress, Robot
from flows import diskio
from flows.runs import Run
from petitionbot import config, hooks
from petitionbot.app import App, parse_as_of
from petitionbot.registries import Registries

__all__ = [
    "FLOWS", "App", "ChainResult", "RunResult", "build_app", "build_channels", "export_records", "login",
    "make_robot", "run_analysis", "run_chain", "run_export", "run_flow", "run_intake", "run_ledger", "run_letters",
    "run_reminders", "run_report", "run_train",
]


def build_app(source: str | Path | config.Settings | None = None, *, as_of: date | str | None = None,
              trigger: str = "clerk", registries: Registries | None = None,
              progress_factory: Callable[[], Progress] | None = None, **kwargs: Any) -> App:
    """The App from a config file (None: ``PETITIONBOT_CONFIG`` or ./petitionbot.toml) or from
    Settings already loaded. ``as_of`` fixes "today" (a date or YYYY-MM-DD); ``kwargs`` go to the
    App (``clock``, ``lock_clock``: tests freeze them)."""
    settings = source if isinstance(source, config.Settings) else config.load(source)
    day = parse_as_of(as_of) if isinstance(as_of, str) else as_of
    return App(settings, as_of=day, trigger=trigger, registries=registries, progress_factory=progress_factory,
               **kwargs)


@dataclass
class RunResult:
    """A finished run and what its flow produced."""

    run: Run
    value: Any = None
    partial_reason: str = ""  # set when the flow finished but something in it needs a person

    @property
    def flow(self) -> str:
        return self.run.flow

    @property
    def status(self) -> str:
        return self.run.status

    @property
    def partial(self) -> bool:
        return bool(self.run.counts.failed or self.partial_reason)

    def __iter__(self) -> Iterator[Any]:
        """``run, value = run_ledger(app)``."""
        return iter((self.run, self.value))


# -- robots and channels ---------------------------------------------------------------------
def make_robot(app: App, entry: config.UpstreamSettings, *, evidence_dir: Path, headless: bool | None = None
               ) -> Robot:
    site = app.registries.site(entry.site)
    return site.build(entry, password=app.upstream_password(entry), state_path=app.state_path(entry),
                      evidence_dir=evidence_dir, headless=headless)


def build_channels(app_or_settings: App | config.Settings) -> dict[str, Any]:
    """Every reminder channel, built from ``[reminders]``; secrets from the env or the keyring."""
    if isinstance(app_or_settings, App):
        settings, registries = app_or_settings.settings, app_or_settings.registries
    else:
        settings, registries = app_or_settings, Registries()
    return registries.build_channels(settings.reminders, lambda name, env: config.secret(name, env=env))


def login(app: App, *, upstream: str | None = None, captcha_solver: CaptchaSolver | None = None
          ) -> config.UpstreamSettings:
    """Log in to one upstream with a person's help (a captcha) and keep the session for the nightly
    runs. Only a robot with the ``InteractiveLogin`` capability can; otherwise a Chinese ConfigError."""
    entry = app.settings.require_upstream(upstream)
    robot = make_robot(app, entry, evidence_dir=app.dirs.login_evidence, headless=False)
    if not isinstance(robot, InteractiveLogin):
        label = app.registries.site(entry.site).label
        raise ConfigError(f"上游“{entry.name}”（{label}）不需要人工登录：它没有验证码，取件时会自动登录",
                          hint="直接运行 petitionbot run intake 即可")
    with robot:
        robot.interactive_login(captcha_solver=captcha_solver)
    return entry


# -- the flows -------------------------------------------------------------------------------
def run_intake(app: App, *, sign: bool | None = None, upstream: str | None = None,
               progress: Progress | None = None, stop: threading.Event | None = None) -> RunResult:
    """Pull from every configured upstream in turn (or only ``upstream``), each with its own robot,
    session file and evidence folder. One failing upstream does not stop the others: the run
    ends partial, with the reason. With one upstream its failure is the run's failure."""
    entries = [app.settings.require_upstream(upstream)] if upstream else app.settings.require_upstreams()
    several = len(entries) > 1
    passwords: dict[str, str | ConfigError] = {}
    for entry in entries:
        try:
            passwords[entry.name] = app.upstream_password(entry)
        except ConfigError as exc:
            if not several:
                raise  # a config problem, said before any run is recorded
            passwords[entry.name] = exc
    with app.run("intake", progress=progress, stop=stop) as run:
        total, errors = RunCounts(), []
        for entry in entries:
            if run.stopping:
                break
            run.counts = RunCounts()
            try:
                _intake_one(app, run, entry, sign, passwords[entry.name], several)
            except (LockLost, KeyboardInterrupt):
                raise
            except PetitionbotError as exc:
                if not several:
                    raise
                errors.append(exc)
                run.fail_item(entry.name, f"本次未能取件：{exc}")
                run.failures[-1]["upstream"] = entry.name  # a whole upstream, not one petition
                logger.error("上游 {} 取件失败：{}", entry.name, exc)
            finally:
                total = _added(total, run.counts)
                run.counts = total
        if several and errors and len(errors) == len(entries):
            raise errors[0]
    return RunResult(run)


def _intake_one(app: App, run: Run, entry: config.UpstreamSettings, sign: bool | None,
                password: str | ConfigError, several: bool) -> None:
    from flows.intake import IntakeOptions
    from flows.intake import run_intake as intake_flow

    if isinstance(password, ConfigError):
        raise password
    site = app.registries.site(entry.site)
    evidence = run.evidence_dir / entry.name if several else run.evidence_dir
    robot = site.build(entry, password=password, state_path=app.state_path(entry), evidence_dir=evidence)
    options = IntakeOptions(attachments_dir=app.dirs.attachments, sign=entry.sign if sign is None else sign,
                            source=entry.name)
    try:
        with robot:
            intake_flow(robot, app.store, run, options)
    finally:
        # retries, re-logins, recycled contexts: where a night went (summed, and per upstream)
        stats = robot.stats
        run.extra.setdefault("robots", {})[entry.name] = stats
        summed = run.extra.setdefault("robot", {})
        for key, value in stats.items():
            summed[key] = summed.get(key, 0) + value


def _added(a: RunCounts, b: RunCounts) -> RunCounts:
    return RunCounts(**{f.name: getattr(a, f.name) + getattr(b, f.name) for f in fields(RunCounts)})


def run_ledger(app: App, *, accept_walkins: bool = False, progress: Progress | None = None,
               stop: threading.Event | None = None) -> RunResult:
    from flows.ledger import sync_ledger

    with app.run("ledger", progress=progress, stop=stop) as run:
        settings, deadlines, analysis = hooks.ledger_inputs(app, run)
        result = sync_ledger(app.store, settings, app.clock, run, workdir=app.workdir, office=app.settings.office,
                             deadlines=deadlines, analysis=analysis, accept_walkins=accept_walkins)
    reason = "台账有需核对的填写，或台账正被打开、无法读取" if (result.issues or result.pending or result.skipped) else ""
    return RunResult(run, result, partial_reason=reason)


def run_letters(app: App, *, pdf: bool | None = None, progress: Progress | None = None,
                stop: threading.Event | None = None) -> RunResult:
    from flows.letters import draft_letters

    with app.run("letters", progress=progress, stop=stop) as run:
        drafted = draft_letters(app.store, hooks.letter_setup(app.settings), app.clock, run,
                                pdf=app.settings.letters.pdf if pdf is None else pdf)
    return RunResult(run, drafted)


def run_reminders(app: App, *, dry_run: bool = False, now: bool = False, progress: Progress | None = None,
                  stop: threading.Event | None = None) -> RunResult:
    from flows.convert import to_pdf
    from flows.reminders.flow import run_reminders as reminders_flow

    engine = hooks.deadline_engine(app.settings)
    with app.run("reminders", progress=progress, stop=stop) as run:
        out_dir = run.folder if dry_run else app.dirs.reminders(app.clock.today())
        result = reminders_flow(
            app.store.petitions(include_withdrawn=False), store=app.store, engine=engine,
            settings=app.settings.reminders, clock=app.clock, channels=build_channels(app),
            out_dir=out_dir, office=app.settings.office, run=run,
            draft_supervision=None if dry_run else hooks.reminders_drafter(app, run, engine),
            to_pdf=to_pdf, dry_run=dry_run, now=now)
        run.outputs += [str(p) for p in result.outputs]
        run.extra["reminders"] = {"send_day": result.send_day.isoformat(), "items": len(result.items),
                                  "queued": len(result.queued), "sent": result.sent, "failed": result.failed,
                                  "stuck": result.stuck, "dry_run": dry_run}
    return RunResult(run, result)


def run_analysis(app: App, *, progress: Progress | None = None, stop: threading.Event | None = None) -> RunResult:
    from flows.analysis import run_analysis as analysis_flow

    s, tax = hooks.analysis_setup(app.settings)
    with app.run("analysis", progress=progress, stop=stop) as run:
        result = analysis_flow(app.store, s, tax, app.clock, run, workdir=app.workdir,
                               draft_supervision=hooks.analysis_drafter(app, run),
                               taxonomy_base=hooks.config_base(app.settings))
    return RunResult(run, result)


def run_train(app: App, *, progress: Progress | None = None, stop: threading.Event | None = None) -> RunResult:
    """Fine-tune the classifier on the office's confirmed categories."""
    from flows.analysis import classify
    from flows.analysis.flow import context

    s, tax = hooks.analysis_setup(app.settings)
    with app.run("analysis-train", progress=progress, stop=stop) as run:
        petitions = list(app.store.petitions())
        ctx = context(app.store, s, petitions, tax, hooks.config_base(app.settings))
        rep = classify.train(petitions, tax, app.workdir, ctx=ctx, min_per_category=s.min_train_per_category)
        app.store.save_word_features(ctx.fresh_rows())
        run.extra["train"] = {"samples": rep.samples, "accuracy": rep.accuracy, "macro_f1": rep.macro_f1}
        if rep.path:
            run.outputs.append(rep.path)
    return RunResult(run, rep)


def run_report(app: App, *, month: str | None = None, progress: Progress | None = None,
               stop: threading.Event | None = None) -> RunResult:
    """The monthly report of ``month`` (YYYY-MM); None: the month that just ended (the schedule
    runs it on the 1st)."""
    from flows.analysis.report import monthly_report

    if month is None:
        month = f"{(app.clock.today().replace(day=1) - timedelta(days=1)):%Y-%m}"
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ConfigError(f"月份格式不对：{month!r}", hint="请用 YYYY-MM，例如 2026-11")
    s, tax = hooks.analysis_setup(app.settings)
    with app.run("analysis-report", progress=progress, stop=stop) as run:
        # The report counts by the same date as the ledger (its year_by), and says so.
        files = monthly_report(app.store, month, s, tax, app.dirs.reports(month[:4]), office=app.settings.office,
                               today=app.clock.today(), date_basis=app.settings.ledger.year_by, now=app.clock.now())
        run.outputs += [str(files.docx), str(files.xlsx)]
    return RunResult(run, files)


def export_records(app: App, *, masked: bool = False) -> Iterator[dict[str, Any]]:
    """Every petition with each feature's fields (a read: no run, no lock)."""
    from flows.export import export_all

    return export_all(app.store, hooks.export_contributors(app), masked=masked)


def run_export(app: App, *, out: str | Path, masked: bool = False, progress: Progress | None = None,
               stop: threading.Event | None = None) -> RunResult:
    """Every petition as JSON lines into ``out``: private like everything else, written whole or
    not at all (a temp file, then a replace)."""
    path = Path(out).resolve()
    with app.run("export", progress=progress, stop=stop) as run:
        diskio.ensure_dir(path.parent)
        tmp = diskio.temp_beside(path)
        count = 0
        try:
            with open(tmp, "w", encoding="utf-8") as f:
                for record in export_records(app, masked=masked):
                    f.write(json.dumps(record, ensure_ascii=False) + "\n")
                    count += 1
            diskio.replace(tmp, path)
        except OSError as exc:
            raise diskio.disk_error(exc, path) from exc
        finally:
            tmp.unlink(missing_ok=True)
        run.counts.listed = count
        run.outputs.append(str(path))
    return RunResult(run, count)


# The flows by name, as schedules (``schedules/*.toml``) and the console name them.
FLOWS: dict[str, Callable[..., RunResult]] = {
    "intake": run_intake,
    "ledger": run_ledger,
    "letters": run_letters,
    "reminders": run_reminders,
    "analysis": run_analysis,
    "report": run_report,
}


def run_flow(app: App, name: str, **options: Any) -> RunResult:
    fn = FLOWS.get(name)
    if fn is None:
        raise ConfigError(f"流程 {name} 不存在", hint=f"可用的流程：{'、'.join(sorted(FLOWS))}")
    return fn(app, **options)


# -- the chain -------------------------------------------------------------------------------
@dataclass
class ChainResult:
    job_id: str
    runs: list[Run] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # flows not reached
    error: str = ""  # why the chain stopped early, in Chinese
    stopped: bool = False  # a stop was requested (SIGTERM / Ctrl-C / the console)

    @property
    def failed(self) -> bool:
        return bool(self.error) or any(r.status in ("failed", "crashed") for r in self.runs)


def run_chain(app: App, flows: list[str], *, job_id: str = "chain", args: dict[str, dict[str, Any]] | None = None,
              progress: Progress | None = None, stop: threading.Event | None = None) -> ChainResult:
    """Run ``flows`` in order under one holding of the lock, stopping at the first error (the
    nightly chain: intake → analysis → ledger → letters → reminders). Never raises."""
    args = args or {}
    stop = stop or app.stop_requested
    result = ChainResult(job_id)
    try:
        with app.exclusive(job_id, stop=stop):
            for n, name in enumerate(flows):
                if stop.is_set():
                    result.stopped = True
                    result.skipped += flows[n:]
                    break
                app.last_run = None
                try:
                    result.runs.append(run_flow(app, name, progress=progress, stop=stop, **args.get(name, {})).run)
                except (SystemError_, TransientError, BusinessError) as exc:
                    _keep_failed_run(app, result)
                    result.error = f"流程 {name} 失败：{exc}"
                    result.skipped += flows[n + 1:]
                    break
                except Exception as exc:  # noqa: BLE001 - a crash in one job must not kill the service
                    _keep_failed_run(app, result)
                    logger.exception("计划任务 {} 的流程 {} 异常终止", job_id, name)
                    result.error = f"流程 {name} 异常终止：{type(exc).__name__}: {exc}"
                    result.skipped += flows[n + 1:]
                    break
    except LockBusy as exc:
        result.error = f"未能开始：{exc}"
        result.skipped = list(flows)
    except PetitionbotError as exc:  # lock file trouble, store cannot be opened ...
        result.error = f"未能开始：{exc}"
        result.skipped = list(flows)
    if stop.is_set():
        result.stopped = True
    if result.error:
        logger.error("计划任务 {} 中止：{}", job_id, result.error)
    return result


def _keep_failed_run(app: App, result: ChainResult) -> None:
    # App.run remembers the Run it finished even when the flow raised: its summary and evidence
    # are what the operator needs.
    run = app.last_run
    if run is not None and run not in result.runs:
        result.runs.append(run)
