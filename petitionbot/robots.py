"""Builds the robot for the configured upstream site (the shell's one place that does)."""

from __future__ import annotations

from pathlib import Path

from core.errors import ConfigError
from core.ports import Robot
from petitionbot.config import Settings


def state_path(settings: Settings) -> Path:
    """Where the upstream session (cookies) is kept between runs, mode 0600."""
    up = settings.require_upstream()
    return settings.workdir / "secrets" / f"{up.site}-{up.username}.state.json"


def make_robot(settings: Settings, *, password: str, evidence_dir: Path, headless: bool | None = None) -> Robot:
    up = settings.require_upstream()
    if up.site != "district":
        raise ConfigError(f"不支持的上游系统：upstream.site = {up.site!r}", hint="目前只支持 district")
    from bots.district.robot import DistrictRobot, RobotOptions

    return DistrictRobot(RobotOptions(
        url=up.url,
        username=up.username,
        password=password,
        state_path=state_path(settings),
        evidence_dir=evidence_dir,
        headless=up.headless if headless is None else headless,
        concurrency=up.concurrency,
        per_page=up.details_per_page,
        attachment_max_bytes=int(up.attachment_max_mb * 1024 * 1024),
        timeout_ms=int(up.timeout_seconds * 1000),
        retries=up.retries,
        backoff_s=up.backoff_seconds,
        backoff_max_s=up.backoff_max_seconds,
        retry_after_max_s=up.retry_after_max_seconds,
        executable_path=up.executable_path or None,
        recycle_every=up.recycle_every,
        page_size=up.page_size,
    ))
