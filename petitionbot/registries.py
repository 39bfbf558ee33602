"""The registries: which robot serves which upstream site, which channel delivers which
reminder, which letter kinds exist. The shell's one table of adapters, looked up by name.

Adding an upstream site is one line in ``ROBOTS`` (its folder under ``bots/`` does the rest);
adding a channel is one line in ``CHANNELS``. Imports of the adapters are lazy, so reading the
registry (config checks, ``doctor``, schedule validation) never starts a browser.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from core.errors import ConfigError
from core.ports import Channel, Robot

if TYPE_CHECKING:
    from flows.reminders.settings import ReminderSettings
    from petitionbot.config import UpstreamSettings


@dataclass(frozen=True)
class RobotEntry:
    """One upstream site: its Chinese label and its robot class, imported on first use."""

    label: str  # the same words as the robot's ``site.label`` (the contract suite checks it)
    load: Callable[[], tuple[type, type]]  # -> (the robot class, its RobotOptions class)

    @property
    def robot_class(self) -> type:
        return self.load()[0]

    def build(self, entry: UpstreamSettings, *, password: str, state_path: Path, evidence_dir: Path,
              headless: bool | None = None) -> Robot:
        robot_cls, options_cls = self.load()
        options = options_cls(
            url=entry.url,
            username=entry.username,
            password=password,
            state_path=state_path,
            evidence_dir=evidence_dir,
            headless=entry.headless if headless is None else headless,
            concurrency=entry.concurrency,
            per_page=entry.details_per_page,
            attachment_max_bytes=int(entry.attachment_max_mb * 1024 * 1024),
            timeout_ms=int(entry.timeout_seconds * 1000),
            retries=entry.retries,
            backoff_s=entry.backoff_seconds,
            backoff_max_s=entry.backoff_max_seconds,
            retry_after_max_s=entry.retry_after_max_seconds,
            executable_path=entry.executable_path or None,
            recycle_every=entry.recycle_every,
            page_size=entry.page_size,
        )
        return robot_cls(options)


def _district() -> tuple[type, type]:
    from bots.district.robot import DistrictRobot, RobotOptions

    return DistrictRobot, RobotOptions


def _hotline() -> tuple[type, type]:
    from bots.hotline.robot import HotlineRobot, RobotOptions

    return HotlineRobot, RobotOptions


# The config's ``site`` -> its robot. A new upstream site is its folder under bots/ and one line here.
ROBOTS: dict[str, RobotEntry] = {
    "district": RobotEntry("区信访系统", _district),
    "hotline": RobotEntry("12345热线", _hotline),
}

ChannelFactory = Callable[["ReminderSettings", Callable[[str, str], "str | None"]], Channel]


def _email(r: ReminderSettings, secret: Callable[[str, str], str | None]) -> Channel:
    from flows.reminders.channels.email import EmailChannel

    smtp = r.smtp
    return EmailChannel(host=smtp.host, port=smtp.port, security=smtp.security, username=smtp.username,
                        password=lambda: secret(f"smtp:{smtp.username}", smtp.password_env), sender=smtp.sender,
                        sender_name=smtp.sender_name, timeout=smtp.timeout_seconds, cafile=smtp.cafile)


def _dingtalk(r: ReminderSettings, secret: Callable[[str, str], str | None]) -> Channel:
    from flows.reminders.channels.dingtalk import DingTalkChannel

    return DingTalkChannel(secrets=lambda name: secret(name, name), now_ms=lambda: int(time.time() * 1000),
                           timeout=r.http_timeout_seconds)


def _wecom(r: ReminderSettings, secret: Callable[[str, str], str | None]) -> Channel:  # noqa: ARG001
    from flows.reminders.channels.wecom import WeComChannel

    return WeComChannel(timeout=r.http_timeout_seconds)


# Message.channel -> how to build that channel from [reminders] and the secrets lookup.
CHANNELS: dict[str, ChannelFactory] = {"email": _email, "dingtalk": _dingtalk, "wecom": _wecom}


def _letter_kinds() -> dict[str, str]:
    from flows.letters.kinds import PETITION_KINDS, UNIT_KINDS

    return {**PETITION_KINDS, **{kind: "unit-list" for kind in UNIT_KINDS}}


@dataclass
class Registries:
    """What an App looks adapters up in. Tests and an office's own build may add entries."""

    robots: dict[str, RobotEntry] = field(default_factory=lambda: dict(ROBOTS))
    channels: dict[str, ChannelFactory] = field(default_factory=lambda: dict(CHANNELS))
    # kind -> audience: "petitioner", "unit", "upstream" (one petition) or "unit-list" (催办单/督办单)
    letter_kinds: Mapping[str, str] = field(default_factory=_letter_kinds)

    def site(self, name: str, *, where: str = "") -> RobotEntry:
        """The registered site ``name``, or a Chinese ConfigError listing the registered ones."""
        entry = self.robots.get(name)
        if entry is None:
            known = "、".join(f"{key}（{e.label}）" for key, e in self.robots.items())
            raise ConfigError(f"{where}不支持的上游系统 site = {name!r}", hint=f"已登记的上游系统：{known}")
        return entry

    def build_channels(self, reminders: ReminderSettings, secret: Callable[[str, str], str | None]
                       ) -> dict[str, Any]:
        return {name: make(reminders, secret) for name, make in self.channels.items()}
