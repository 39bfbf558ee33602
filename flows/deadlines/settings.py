"""``[deadlines]`` in petitionbot.toml."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field

from core.shipped import locate
from flows.settings_base import Section


class DeadlineSettings(Section):
    profile: str = Field("zhejiang", min_length=1, description="使用哪一套期限规则（templates/deadlines/profiles.toml 中的名称）")
    profiles_file: str = Field("", description="本单位自己的期限规则文件（可覆盖或新增规则）；留空只用内置文件")
    calendar_overrides: str = Field("templates/calendar/overrides.toml",
                                    description="节假日与调休覆盖表（新公布年份的放假安排录入这里）")
    due_soon_days: int = Field(3, ge=0, le=30, description="剩余不超过几个工作日算“临期”")
    handling_start_fallback: Literal["received", "acceptance_due"] = Field(
        "received", description="尚未登记受理日期时办理期限从哪天起算：received 收件日（偏早，稳妥）；acceptance_due 受理期限日")


def resolve(path: str) -> Path | None:
    """Relative paths: the working directory first (an office's own file), else the shipped one."""
    return locate(path) if path else None
