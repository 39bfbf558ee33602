"""Tell the operator when a scheduled job failed: the summary and where the evidence is.

Delivery goes through the reminders' channel port (``flows.reminders.channels``), built from
the same config as the reminders (``[reminders.smtp]`` for e-mail), so an office configures
its mail server once. Nothing personal goes into the message: run summaries carry counts,
refs and Chinese reasons, and the text is passed through the redactor anyway.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from loguru import logger

from core.model import FLOW_ZH, RUN_STATUS_ZH
from core.privacy import redactor
from petitionbot.scheduler.settings import ServiceSettings, service_settings
from petitionbot.wiring import ChainResult, build_channels


def failure_text(title: str, result: ChainResult) -> tuple[str, str]:
    subject = f"【信访机器人】计划任务失败：{title}"
    lines = [f"计划任务 {result.job_id}（{title}）没有正常完成。", f"原因：{result.error or '见下方各流程状态'}", ""]
    for run in result.runs:
        c = run.counts
        lines.append(f"- {FLOW_ZH.get(run.flow, run.flow)}：{RUN_STATUS_ZH.get(run.status, run.status)}，新件 {c.new}，更新 {c.updated}，"
                     f"失败 {c.failed}；运行记录 {run.folder}")
        if run.message:
            lines.append(f"  说明：{run.message}")
        evidence = run.summary().get("evidence") or []
        for path in evidence[:20]:
            lines.append(f"  证据：{path}")
        if len(evidence) > 20:
            lines.append(f"  ……共 {len(evidence)} 个证据文件，见 {run.evidence_dir}")
    if result.skipped:
        lines.append(f"未运行的流程：{'、'.join(result.skipped)}")
    lines += ["", "查看详情：petitionbot runs show <运行编号>；检查环境：petitionbot doctor"]
    return subject, redactor("\n".join(lines))


def notify_failure(settings: Any, title: str, result: ChainResult, *,
                   channels: Callable[[Any], dict[str, Any]] | None = None) -> list[str]:
    """Send to every configured operator channel; returns the channels that delivered."""
    from core.ports import Message

    svc: ServiceSettings = _svc(settings)
    targets = []
    if svc.notify_email:
        targets.append(Message(channel="email", to=list(svc.notify_email), subject="", body=""))
    if svc.notify_dingtalk_webhook:
        targets.append(Message(channel="dingtalk", to=[svc.notify_dingtalk_webhook], subject="", body="",
                               secret_name=svc.notify_dingtalk_secret_env))
    if svc.notify_wecom_webhook:
        targets.append(Message(channel="wecom", to=[svc.notify_wecom_webhook], subject="", body=""))
    if not targets:
        logger.warning("计划任务失败，但没有配置运维通知（[service] notify_email 等）：{}", result.error)
        return []
    subject, body = failure_text(title, result)
    built = (channels or _default_channels)(settings)
    delivered = []
    for message in targets:
        message.subject, message.body = subject, body
        try:
            built[message.channel].send(message)
            delivered.append(message.channel)
        except Exception as exc:  # noqa: BLE001 - one dead channel must not hide the others
            logger.error("运维通知（{}）发送失败：{}", message.channel, exc)
    return delivered


def _default_channels(settings: Any) -> dict[str, Any]:
    return build_channels(settings)


def _svc(settings: Any) -> ServiceSettings:
    return service_settings(settings)
