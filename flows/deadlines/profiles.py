"""Deadline profiles as data: the shipped ``templates/deadlines/profiles.toml`` plus the office's own.

A profile is a set of step rules (acceptance, handling, extension, review, re_review). Law is
data here because the legal texts are partly unsettled (calendar vs working "日") and offices
must be able to correct a rule without a release.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.shipped import shipped

SHIPPED = shipped("templates/deadlines/profiles.toml")
STEPS = ("acceptance", "handling", "extension", "review", "re_review")
REQUIRED = ("acceptance", "handling")
UNITS = {"working": "个工作日", "calendar": "日"}


@dataclass(frozen=True)
class StepRule:
    key: str
    label: str
    days: int
    unit: str  # working | calendar
    roll: bool  # a calendar period ending on a rest day ends on the next working day
    basis: str = ""

    @property
    def working(self) -> bool:
        return self.unit == "working"

    def describe(self) -> str:
        text = f"{self.days}{UNITS[self.unit]}" + ("" if self.working else "（自然日）")
        return f"{text}，依据{self.basis}" if self.basis else text


@dataclass(frozen=True)
class Profile:
    name: str
    label: str
    steps: dict[str, StepRule]

    def rule(self, step: str) -> StepRule | None:
        return self.steps.get(step)


def load_profiles(*paths: str | Path | None) -> dict[str, Profile]:
    """Read the shipped file then each office file; a later file's profile replaces or extends."""
    raw: dict[str, dict[str, Any]] = {}
    for path in (SHIPPED, *paths):
        if path is None or str(path) == "":
            continue
        p = Path(path)
        if not p.exists():
            raise ConfigError(f"找不到期限规则文件：{p}")
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"期限规则文件 {p} 格式错误：{exc}") from exc
        for name, table in data.items():
            if not isinstance(table, dict):
                raise ConfigError(f"期限规则文件 {p}：[{name}] 应当是一个表")
            raw[name] = _merge(raw.get(name, {}), table) if table.get("extends") is None else table
    return {name: _build(name, raw, p_chain=()) for name in raw}


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """An office file that says only ``[zhejiang.handling] days = 45`` keeps the rest of the step."""
    out = dict(old)
    for key, value in new.items():
        out[key] = {**old[key], **value} if isinstance(value, dict) and isinstance(old.get(key), dict) else value
    return out


def _build(name: str, raw: dict[str, dict[str, Any]], p_chain: tuple[str, ...]) -> Profile:
    if name in p_chain:
        raise ConfigError(f"期限规则 {name} 的 extends 形成循环：{' → '.join((*p_chain, name))}")
    table = raw[name]
    base: dict[str, Any] = {}
    parent = table.get("extends")
    if parent:
        if parent not in raw:
            raise ConfigError(f"期限规则 {name} 继承的 {parent} 不存在")
        parent_profile = _build(parent, raw, (*p_chain, name))
        base = {k: vars(v) for k, v in parent_profile.steps.items()}
    unknown = set(table) - {"label", "roll", "extends", *STEPS}
    if unknown:
        raise ConfigError(f"期限规则 {name} 有未知的项：{sorted(unknown)}（拼写错误？）")
    default_roll = bool(table.get("roll", True))
    steps: dict[str, StepRule] = {}
    for key in STEPS:
        spec = {**base.get(key, {}), **table.get(key, {})}
        if not spec:
            continue
        spec.pop("key", None)
        try:
            rule = StepRule(
                key=key,
                label=str(spec.get("label", key)),
                days=int(spec["days"]),
                unit=str(spec.get("unit", "calendar")),
                roll=bool(spec.get("roll", default_roll)),
                basis=str(spec.get("basis", "")),
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ConfigError(f"期限规则 {name}.{key} 有误：缺少或无效的 days（{exc}）") from exc
        if rule.unit not in UNITS:
            raise ConfigError(f"期限规则 {name}.{key}.unit 只能是 working 或 calendar，当前为 {rule.unit!r}")
        if not 0 < rule.days <= 3650:
            raise ConfigError(f"期限规则 {name}.{key}.days 应在 1 到 3650 之间，当前为 {rule.days}")
        steps[key] = rule
    missing = [k for k in REQUIRED if k not in steps]
    if missing:
        raise ConfigError(f"期限规则 {name} 缺少步骤：{missing}")
    return Profile(name=name, label=str(table.get("label", name)), steps=steps)
