"""The reminders flow: who gets what today, into the outbox, then deliver what is due.

Order matters for the guarantees: (1) decide the send day, (2) find items, drop those already
reminded at that level on that day, (3) store messages and log entries in one transaction,
(4) only then try to send. A crash after (3) re-sends nothing new; a failed send stays queued.
Outside office hours (or on a rest day) step (4) is skipped and the messages wait for the
morning of the next working day, whose run sends them without composing them twice.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from pathlib import Path

from core.errors import ChannelError
from core.model import Petition
from core.ports import Channel, Clock, Message, Store
from flows import failpoints
from flows.deadlines.calendar import ESTIMATE_MARK
from flows.deadlines.engine import Engine, zh_date
from flows.reminders import overdue_docx, overdue_xlsx, render
from flows.reminders.items import Item, by_unit, collect, petitions_by_unit
from flows.reminders.outbox import Outbox
from flows.reminders.settings import ReminderSettings, UnitRecipients
from flows.runs import Run

DraftSupervision = Callable[[str, list[Item]], "Path | None"]
Entry = tuple[str, str, str]  # (ref, step, level)
Batch = list[tuple[str, str, str, Message, list[Entry]]]  # (key, kind, unit, message, entries)


@dataclass
class ReminderResult:
    send_day: date
    sending_now: bool
    queued: list[tuple[str, Message]] = field(default_factory=list)  # new this run (dry run: would be)
    sent: int = 0
    failed: int = 0
    stuck: int = 0
    outputs: list[Path] = field(default_factory=list)
    items: list[Item] = field(default_factory=list)


def send_day(now: datetime, engine: Engine, settings: ReminderSettings, force_now: bool) -> tuple[date, bool]:
    """The working day the messages are for, and whether they may go out now."""
    today = now.date()
    if force_now:
        return today, True
    if engine.calendar.is_workday(today):
        if now.time() < settings.office_start:
            return today, False
        if now.time() <= settings.office_end:
            return today, True
    return engine.calendar.next_workday(today + timedelta(days=1)), False


def _key(day: date, kind: str, unit: str, channel: str, entries: list[Entry]) -> str:
    digest = hashlib.sha256(repr(sorted(entries)).encode()).hexdigest()[:12]
    return f"{day.isoformat()}:{kind}:{unit}:{channel}:{digest}"


def _unit_batch(unit: str, items: list[Item], rcpt: UnitRecipients, cfg: ReminderSettings, office: str,
                day: date) -> Batch:
    entries = [(i.ref, i.step, i.level) for i in items]
    escalated = any(i.level != "unit" for i in items)
    mentions = list(rcpt.mobiles) + ([rcpt.leader.mobile] if escalated and rcpt.leader.mobile else [])
    batch: Batch = []
    chats = (("dingtalk", rcpt.dingtalk_webhook), ("wecom", rcpt.wecom_webhook))
    for channel, url in chats:
        if url:
            subject, body = render.digest(cfg.templates_dir, unit=unit, items=items, office=office, day=day, chat=True)
            msg = Message(channel, [url], subject, body, mentions=mentions,
                          secret_name=rcpt.dingtalk_secret_env if channel == "dingtalk" else "")
            batch.append((_key(day, "digest", unit, channel, entries), "digest", unit, msg, entries))
    if rcpt.email:
        subject, body = render.digest(cfg.templates_dir, unit=unit, items=items, office=office, day=day, chat=False)
        cc = [rcpt.leader.email] if escalated and rcpt.leader.email else []
        msg = Message("email", list(rcpt.email), subject, body, cc=cc)
        batch.append((_key(day, "digest", unit, "email", entries), "digest", unit, msg, entries))
    return batch


def run_reminders(petitions: Iterable[Petition], *, store: Store, engine: Engine, settings: ReminderSettings,
                  clock: Clock, channels: Mapping[str, Channel], out_dir: Path, office: str, run: Run | None = None,
                  draft_supervision: DraftSupervision | None = None, to_pdf: Callable[[Path], Path] | None = None,
                  dry_run: bool = False, now: bool = False) -> ReminderResult:
    warn = run.warn if run else (lambda _t: None)
    outbox = Outbox(store, backoff_minutes=settings.backoff_minutes, backoff_max_hours=settings.backoff_max_hours,
                    stuck_after=settings.stuck_after)
    moment = clock.now()
    day, sending = send_day(moment, engine, settings, now)
    result = ReminderResult(day, sending and not dry_run)
    if not sending:
        warn(f"现在不在工作时间，提醒已排队，将于 {zh_date(day)} {settings.office_start:%H:%M} 后发送（立即发送请加 --now）")

    # Statuses are taken at the send day: the morning's message must be true when it is read.
    counted: dict[str, int] = {}
    items = collect(petitions, engine, day, settings.ladder, counted)
    result.items = items
    _summarise_warnings(counted, warn)
    done = outbox.logged(day)
    fresh = [i for i in items if (i.ref, i.step, i.level) not in done]

    batch: Batch = []
    for unit, unit_items in by_unit(fresh).items():
        rcpt = settings.units.get(unit)
        if rcpt is None:
            n = len({i.ref for i in unit_items})
            warn(f"责任单位“{unit}”没有配置收件人（reminders.units），{n} 件的提醒未发出，超期的已列入超期清单")
            continue
        batch += _unit_batch(unit, unit_items, rcpt, settings, office, day)
        to_supervise = [i for i in unit_items if i.draft]
        if to_supervise:
            batch += _supervision(unit, to_supervise, rcpt, settings, office, day, out_dir, draft_supervision,
                                  dry_run, warn)

    if settings.overdue_list and ("*", "overdue_list", "supervisor") not in done:
        batch += _overdue_list(items, outbox, settings, office, day, moment, out_dir, to_pdf, result, warn)

    result.queued = [(key, msg) for key, _kind, _unit, msg, _e in batch]
    if dry_run:
        return result
    outbox.enqueue(batch, day=day, now=moment, run_id=run.id if run else None)
    # Crash here: the messages are stored and logged, nothing sent; the next run sends them (as due).
    failpoints.hit("reminders.after_enqueue")
    if sending:
        _deliver(outbox, channels, moment, result, warn, clock=clock, run=run)
    result.stuck = len(outbox.stuck())
    if result.stuck:
        warn(f"发件箱中有 {result.stuck} 条消息多次发送失败（滞留），已列入超期清单，请检查邮箱或机器人设置")
    return result


def _summarise_warnings(counted: dict[str, int], warn: Callable[[str], None]) -> None:
    other = 0
    for text, n in counted.items():
        if ESTIMATE_MARK in text:
            warn(f"{text}（涉及 {n} 件）")
        else:
            other += n
    if other:
        warn(f"{other} 条期限提示（上游限办日期不一致、延期超限等），可用 petitionbot deadlines explain 编号 查看")


def _supervision(unit: str, items: list[Item], rcpt: UnitRecipients, cfg: ReminderSettings, office: str, day: date,
                 out_dir: Path, draft: DraftSupervision | None, dry_run: bool, warn: Callable[[str], None]) -> Batch:
    letter: Path | None = None
    if draft is not None and not dry_run:
        try:
            letter = draft(unit, items)
        except Exception as exc:  # noqa: BLE001 - the letters adapter is not ours; the reminder must still go
            warn(f"督办单生成失败（{unit}）：{exc}")
    elif draft is None:
        warn("未接入督办单生成（letters），督办邮件不带附件")
    supervisors = [c.email for c in cfg.supervisors if c.email]
    if not supervisors:
        warn(f"没有配置督办人邮箱（reminders.supervisors），{unit} 的督办未报送")
        return []
    to = supervisors + list(rcpt.email) + ([rcpt.leader.email] if rcpt.leader.email else [])
    subject, body = render.supervision(cfg.templates_dir, unit=unit, items=items, office=office, day=day,
                                       has_letter=letter is not None, min_days=min(i.days_overdue for i in items))
    entries = [(i.ref, i.step, "supervision") for i in items]
    msg = Message("email", list(dict.fromkeys(to)), subject, body, attachments=[str(letter)] if letter else [])
    return [(_key(day, "supervision", unit, "email", entries), "supervision", unit, msg, entries)]


def _overdue_list(items: list[Item], outbox: Outbox, cfg: ReminderSettings, office: str, day: date,
                  moment: datetime, out_dir: Path, to_pdf: Callable[[Path], Path] | None, result: ReminderResult,
                  warn: Callable[[str], None]) -> Batch:
    recipients = [c.email for c in cfg.supervisors if c.email]
    if not recipients:
        warn("没有配置督办人邮箱（reminders.supervisors），超期清单未发送")
        return []
    overdue = [i for i in items if i.status == "overdue"]
    # Petitions, not steps: a petition late on 受理告知 and on 办理答复 is one row, counted once.
    groups = petitions_by_unit(overdue)
    total = sum(len(rows) for rows in groups.values())
    due_soon = len({i.ref for i in items if i.status == "due_soon"} - {i.ref for i in overdue})
    stuck = outbox.stuck()
    stem = f"超期信访事项清单-{day:%Y%m%d}"
    files = [overdue_xlsx.write(out_dir / f"{stem}.xlsx", groups=groups, stuck=stuck, office=office, day=day,
                                created=moment),
             overdue_docx.write(out_dir / f"{stem}.docx", groups=groups, stuck=stuck, office=office, day=day,
                                due_soon=due_soon, created=moment)]
    if cfg.overdue_list_pdf and to_pdf is not None:
        try:
            files.append(to_pdf(files[1]))
        except Exception as exc:  # noqa: BLE001 - PDF is optional; the .docx still goes
            warn(f"超期清单 PDF 生成失败：{exc}")
    result.outputs += files
    warnings = sorted({w for i in items for w in i.warnings if ESTIMATE_MARK in w})
    subject, body = render.overdue_list(cfg.templates_dir, total=total,
                                        per_unit=[(u, len(v)) for u, v in groups.items()],
                                        due_soon=due_soon, stuck=stuck, office=office, day=day,
                                        warnings=warnings)
    entries = [("*", "overdue_list", "supervisor")]
    msg = Message("email", recipients, subject, body, attachments=[str(f) for f in files])
    return [(_key(day, "overdue_list", "*", "email", entries), "overdue_list", "", msg, entries)]


def _deliver(outbox: Outbox, channels: Mapping[str, Channel], moment: datetime, result: ReminderResult,
             warn: Callable[[str], None], *, clock: Clock, run: Run | None) -> None:
    generation = run.generation if run is not None else None
    for q in outbox.due(moment):
        channel = channels.get(q.message.channel)
        at = clock.now()
        # Fencing: a run that was frozen and whose lock another run has taken over since must not
        # send (the other run sends what is due): LockLost stops this run here, before the send.
        if run is not None:
            run.check_fence()
        try:
            if channel is None:
                raise ChannelError(f"渠道 {q.message.channel} 未配置")
            failpoints.hit("reminders.before_send")
            # The outbox key goes with the message: e-mail makes its Message-ID from it, so a copy
            # sent again after a crash in the window below is the same message, recognisably.
            channel.send(replace(q.message, key=q.key))
        except ChannelError as exc:
            result.failed += 1
            retry_at = outbox.mark_failed(q, str(exc), at, generation=generation)
            warn(f"发送失败，{retry_at:%m-%d %H:%M} 后重试：{q.message.subject}（{exc}）")
            continue
        # The one window of doubt: delivered, not yet marked. A crash here resends this message on
        # the next run (at-least-once, same Message-ID); nothing else happens in between.
        failpoints.hit("reminders.after_send")
        outbox.mark_sent(q.id, at, generation=generation)
        result.sent += 1
