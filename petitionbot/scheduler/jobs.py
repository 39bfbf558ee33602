"""Schedules as data: ``schedules/*.toml`` -> validated job specs -> APScheduler triggers.

A job names one flow or a chain of flows run in order in one job (the chain stops at the
first system error), a ``cron`` table (APScheduler's fields: ``hour``, ``minute``,
``day``, ``day_of_week`` = ``mon-fri`` ...) or ``interval_minutes``, per-flow ``args``, and
``enabled``. ``workdays_only`` skips Chinese public holidays and includes make-up working days.
"""

from __future__ import annotations

import tomllib
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from core.errors import ConfigError
from petitionbot.wiring import FLOWS


class JobSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", description="稳定的任务编号（重启时按它替换旧任务）")
    name: str = ""
    flow: str | None = None
    flows: list[str] = Field(default_factory=list)
    cron: dict[str, int | str] | None = None
    interval_minutes: int | None = Field(None, ge=1, le=7 * 24 * 60)
    workdays_only: bool = False
    enabled: bool = True
    args: dict[str, dict[str, Any]] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _check(self) -> JobSpec:
        if self.flow:
            self.flows = [self.flow, *self.flows]
            self.flow = None
        if not self.flows:
            raise ValueError("没有写要运行的流程（flow 或 flows）")
        if (self.cron is None) == (self.interval_minutes is None):
            raise ValueError("cron 和 interval_minutes 必须且只能写一个")
        for name in self.flows:
            if name not in FLOWS:
                raise ValueError(f"未知流程 {name}（可用：{'、'.join(sorted(FLOWS))}）")
        for name in self.args:
            if name not in self.flows:
                raise ValueError(f"args.{name} 对应的流程不在本任务中")
        return self

    @property
    def title(self) -> str:
        return self.name or " → ".join(self.flows)


def load_jobs(path: str | Path) -> list[JobSpec]:
    p = Path(path)
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到计划任务文件：{p}", hint="检查配置 [service] schedule_file") from exc
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"计划任务文件 {p} 格式错误：{exc}") from exc
    unknown = set(data) - {"job"}
    if unknown:
        raise ConfigError(f"计划任务文件 {p} 有未知的表：{'、'.join(sorted(unknown))}", hint="每个任务写成 [[job]]")
    specs, seen = [], set()
    for n, raw in enumerate(data.get("job", []), 1):
        label = raw.get("id", f"第 {n} 个任务") if isinstance(raw, dict) else f"第 {n} 个任务"
        try:
            spec = JobSpec.model_validate(raw)
        except ValidationError as exc:
            why = "；".join(_zh(e) for e in exc.errors())
            raise ConfigError(f"计划任务文件 {p} 中任务 {label} 有误：{why}") from exc
        if spec.id in seen:
            raise ConfigError(f"计划任务文件 {p} 中任务编号重复：{spec.id}")
        seen.add(spec.id)
        specs.append(spec)
    return specs


def _zh(err: dict[str, Any]) -> str:
    where = ".".join(str(x) for x in err["loc"])
    if err["type"] == "extra_forbidden":
        return f"{where} 是未知的配置项"
    if err["type"] == "missing":
        return f"缺少 {where}"
    msg = str(err["msg"]).removeprefix("Value error, ")
    return f"{where}：{msg}" if where else msg


def build_trigger(spec: JobSpec, *, timezone: str, calendar_overrides: str | None = None, calendar: Any = None):
    from apscheduler.triggers.cron import CronTrigger
    from apscheduler.triggers.interval import IntervalTrigger

    from petitionbot.scheduler.workdays import WorkdayTrigger

    try:
        inner = (CronTrigger(timezone=timezone, **spec.cron) if spec.cron is not None
                 else IntervalTrigger(minutes=spec.interval_minutes, timezone=timezone))
    except (ValueError, TypeError) as exc:
        raise ConfigError(f"计划任务 {spec.id} 的时间设置有误：{exc}") from exc
    return WorkdayTrigger(inner, calendar_overrides, calendar) if spec.workdays_only else inner
