"""Deadlines: profiles as data, the Chinese working-day calendar, per-step status, explanations.

Public API (what the ledger, the export and the reminders use)::

    engine = build_engine(settings.deadlines)          # or default_engine()
    schedule = engine.schedule(petition)               # every step's start, rule, due date
    step_status(step, today, engine) -> StepStatus     # on_track / due_soon / overdue / closed / closed_late
    export_fields(petition, today=..., engine=...)     # due_on, deadline_status, days_overdue, steps, ...
    explain(schedule, today, engine) -> str            # the Chinese explanation
    status_fills() -> {status: "RRGGBB"}               # ledger row colours
"""

# Names are resolved lazily (PEP 562): petitionbot.config imports flows.deadlines.settings while
# it is still loading, so this package must not import its other modules eagerly.
import importlib
from functools import lru_cache
from typing import Any

_EXPORTS = {
    "WorkCalendar": "calendar", "estimate_warning": "calendar",
    "Engine": "engine", "Schedule": "engine", "StepDeadline": "engine", "zh_date": "engine",
    "Profile": "profiles", "StepRule": "profiles", "load_profiles": "profiles",
    "DeadlineSettings": "settings",
    "STATUS_LABELS": "status", "StepStatus": "status", "explain": "status", "export_fields": "status",
    "status_fills": "status", "step_status": "status",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"flows.deadlines.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "STATUS_LABELS", "DeadlineSettings", "Engine", "Profile", "Schedule", "StepDeadline", "StepRule", "StepStatus",
    "WorkCalendar", "build_engine", "default_engine", "estimate_warning", "explain", "export_fields",
    "load_profiles", "status_fills", "step_status", "zh_date",
]


def build_engine(settings: Any = None) -> Any:
    """An Engine for ``settings`` (a DeadlineSettings; defaults when None)."""
    from core.errors import ConfigError
    from flows.deadlines.calendar import WorkCalendar
    from flows.deadlines.engine import Engine
    from flows.deadlines.profiles import load_profiles
    from flows.deadlines.settings import DeadlineSettings, resolve

    settings = settings or DeadlineSettings()
    profiles = load_profiles(resolve(settings.profiles_file))
    if settings.profile not in profiles:
        raise ConfigError(f"deadlines.profile：没有名为 {settings.profile!r} 的期限规则",
                          hint=f"可选：{', '.join(sorted(profiles))}")
    calendar = WorkCalendar.from_file(resolve(settings.calendar_overrides))
    return Engine(profiles[settings.profile], calendar, due_soon_days=settings.due_soon_days,
                  handling_start_fallback=settings.handling_start_fallback)


@lru_cache(maxsize=1)
def default_engine() -> Any:
    """The engine built from default settings (for callers without a config at hand)."""
    return build_engine()
