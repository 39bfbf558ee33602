"""``[reminders]`` in petitionbot.toml: office hours, the escalation ladder, recipients, channels.

Recipients are a table keyed by the responsible unit's name as it appears in the ledger::

    [reminders.units."永福村"]
    email = ["yongfu@example.gov.cn"]
    dingtalk_webhook = "https://oapi.dingtalk.com/robot/send?access_token=..."
    dingtalk_secret_env = "PETITIONBOT_DINGTALK_YONGFU"   # the 加签 secret stays out of the file
    mobiles = ["13900000001"]
    leader = { name = "李副主任", email = "li@example.gov.cn", mobile = "13900000009" }
"""

from __future__ import annotations

from datetime import time
from typing import Literal

from pydantic import Field

from flows.settings_base import Section


class Contact(Section):
    name: str = ""
    email: str = ""
    mobile: str = Field("", description="手机号，仅用于在群里 @，不会出现在消息正文中")


class UnitRecipients(Section):
    email: list[str] = Field(default_factory=list, description="责任单位收件邮箱")
    dingtalk_webhook: str = Field("", description="钉钉群自定义机器人 Webhook 地址")
    dingtalk_secret_env: str = Field("", description="存放钉钉加签密钥的环境变量名（或 keyring 中的名称）")
    wecom_webhook: str = Field("", description="企业微信群机器人 Webhook 地址")
    mobiles: list[str] = Field(default_factory=list, description="群里要 @ 的经办人手机号")
    leader: Contact = Field(default_factory=Contact, description="分管领导")


class Rung(Section):
    level: Literal["unit", "leader", "supervision"]
    status: Literal["due_soon", "overdue"]
    min_days_late: int = Field(0, ge=0, le=3650, description="超期至少多少天才用这一级")
    draft_supervision: bool = Field(False, description="是否生成督办单并报送督办人")


def default_ladder() -> list[Rung]:
    return [
        Rung(level="unit", status="due_soon"),
        Rung(level="leader", status="overdue", min_days_late=1),
        Rung(level="supervision", status="overdue", min_days_late=8, draft_supervision=True),
    ]


class SmtpSettings(Section):
    host: str = Field("127.0.0.1", description="SMTP 服务器")
    port: int = Field(465, ge=1, le=65535)
    security: Literal["ssl", "starttls", "none"] = Field("ssl", description="ssl（465 端口）、starttls（587）或 none（仅限本机测试）")
    username: str = Field("", description="登录用户名；留空不登录")
    password_env: str = Field("PETITIONBOT_SMTP_PASSWORD", description="存放邮箱密码的环境变量（或 keyring 名称 smtp:用户名）")
    sender: str = Field("xfb@example.gov.cn", description="发件地址")
    sender_name: str = Field("信访办督办提醒", description="发件人显示名")
    cafile: str = Field("", description="自签名证书的 CA 文件；留空用系统证书")
    timeout_seconds: float = Field(30, gt=0, le=600)


class ReminderSettings(Section):
    office_start: time = Field(time(8, 30), description="上班时间：此前生成的提醒排队到此时发送")
    office_end: time = Field(time(17, 30), description="下班时间：此后生成的提醒排队到下一个工作日上午")
    ladder: list[Rung] = Field(default_factory=default_ladder, description="催办升级阶梯（取最高的一级）")
    units: dict[str, UnitRecipients] = Field(default_factory=dict, description="责任单位 → 收件方式")
    supervisors: list[Contact] = Field(default_factory=list, description="督办人（每个工作日早上收超期清单）")
    overdue_list: bool = Field(True, description="每个工作日早上给督办人发超期清单")
    overdue_list_pdf: bool = Field(False, description="超期清单同时附 PDF（需要 LibreOffice）")
    stuck_after: int = Field(3, ge=1, le=100, description="发送失败几次后列为“滞留”并报告督办人")
    backoff_minutes: float = Field(10, gt=0, le=1440, description="首次重试的等待时间，之后每次加倍")
    backoff_max_hours: float = Field(12, gt=0, le=168)
    smtp: SmtpSettings = Field(default_factory=SmtpSettings)
    http_timeout_seconds: float = Field(15, gt=0, le=120)
    templates_dir: str = Field("templates/messages", description="消息模板目录")
