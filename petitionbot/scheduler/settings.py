"""``[service]`` in petitionbot.toml: the unattended service, the run lock, retention and the
operator's failure mail. Composed into ``Settings`` by ``petitionbot/config.py``.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from pydantic import Field

from core.shipped import locate
from flows.settings_base import Section

if TYPE_CHECKING:
    from petitionbot.config import Settings



class ServiceSettings(Section):
    schedule_file: str = Field("schedules/default.toml", description="计划任务文件（相对路径先找当前目录，再找程序目录）")
    timezone: str = Field("Asia/Shanghai", description="计划任务使用的时区")
    misfire_grace_seconds: int = Field(
        8 * 3600, ge=60, le=7 * 86400,
        description="错过的计划任务在多长时间内仍补跑一次（电脑夜里关机、早上开机后补跑）")
    clerk_lock_wait_seconds: int = Field(
        0, ge=0, le=4 * 3600, description="手动运行遇到其他运行正在进行时等待多少秒；0 表示立即提示并退出")
    schedule_lock_wait_seconds: int = Field(1800, ge=0, le=12 * 3600, description="计划任务等待锁的最长秒数")
    lock_stale_seconds: int = Field(
        300, ge=30, le=86400, description="锁的心跳超过多少秒未更新即视为残留（持有进程已死或卡死），可以接管")
    keep_runs_days: int = Field(180, ge=7, le=3650, description="运行记录目录（runs/）保留天数；数据库中的运行摘要永久保留")
    min_free_disk_mb: int = Field(1024, ge=50, le=1_000_000, description="doctor 检查：工作目录所在磁盘至少剩余多少 MB")
    notify_email: list[str] = Field(
        default_factory=list, description="计划任务失败时通知的运维邮箱（经 [reminders.smtp] 发送）；留空不发")
    notify_dingtalk_webhook: str = Field("", description="计划任务失败时通知的钉钉群机器人 Webhook；留空不发")
    notify_dingtalk_secret_env: str = Field("", description="钉钉加签密钥所在的环境变量名")
    notify_wecom_webhook: str = Field("", description="计划任务失败时通知的企业微信群机器人 Webhook；留空不发")


def service_settings(settings: Settings) -> ServiceSettings:
    return settings.service


def resolve(path: str, settings: Settings | None = None) -> Path:
    """Relative paths: next to the config file, then the current directory, then the shipped one."""
    return locate(path, *([settings.source.parent] if settings is not None and settings.source else []))
