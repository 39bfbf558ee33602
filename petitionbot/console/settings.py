"""The ``[console]`` section of petitionbot.toml."""

from __future__ import annotations

import ipaddress
from typing import Literal

from pydantic import Field, field_validator, model_validator

from flows.settings_base import Section

Role = Literal["admin", "clerk", "leader"]
ROLE_ZH: dict[str, str] = {"admin": "管理员", "clerk": "信访员", "leader": "领导"}
ROLE_BY_ZH = {v: k for k, v in ROLE_ZH.items()}


class ConsoleSettings(Section):
    enabled: bool = Field(False, description="petitionbot serve 是否同时提供信访工作台（同一进程）")
    host: str = Field("127.0.0.1", description="监听地址；不是本机地址时必须配置 TLS 证书或明确允许明文 HTTP")
    port: int = Field(8765, ge=1, le=65535, description="监听端口")
    tls_cert: str = Field("", description="TLS 证书文件（PEM）路径")
    tls_key: str = Field("", description="TLS 私钥文件（PEM）路径")
    allow_plain_http: bool = Field(False, description="在非本机地址上不加密提供服务（仅限可信的内网，需明确同意）")
    idle_minutes: int = Field(30, ge=1, le=24 * 60, description="多少分钟无操作后需要重新登录")
    max_failed_logins: int = Field(5, ge=1, le=100, description="连续登录失败多少次后锁定账号")
    lock_minutes: int = Field(15, ge=1, le=24 * 60, description="锁定账号的分钟数")
    accuser_visible_to: list[str] = Field(default_factory=lambda: ["信访员"],
                                          description="能看到检举控告人身份的角色（管理员、信访员、领导）")
    page_size: int = Field(50, ge=10, le=200, description="信访件列表每页条数")
    new_since_hour: int = Field(18, ge=0, le=23, description="“今日新件”从前一天几点起算（昨晚取件之后的都算新件）")

    @field_validator("accuser_visible_to")
    @classmethod
    def _roles(cls, value: list[str]) -> list[str]:
        bad = [v for v in value if v not in ROLE_BY_ZH and v not in ROLE_ZH]
        if bad:
            raise ValueError(f"未知的角色 {'、'.join(bad)}，可选：管理员、信访员、领导")
        return [ROLE_BY_ZH.get(v, v) for v in value]

    @model_validator(mode="after")
    def _tls_pair(self) -> ConsoleSettings:
        if bool(self.tls_cert) != bool(self.tls_key):
            raise ValueError("tls_cert 和 tls_key 必须同时配置")
        return self

    @property
    def tls(self) -> bool:
        return bool(self.tls_cert and self.tls_key)


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def bind_problem(host: str, settings: ConsoleSettings) -> str:
    """Why the console must not listen on ``host`` with these settings ("" when it may)."""
    if is_loopback(host) or settings.tls or settings.allow_plain_http:
        return ""
    return (f"工作台要在 {host} 上对其他电脑开放，但没有配置 TLS 证书：登录密码和信访人信息会以明文在网络上传输。"
            "请在 [console] 中配置 tls_cert 和 tls_key；如果确认只在可信的内网使用，可设置 allow_plain_http = true")
