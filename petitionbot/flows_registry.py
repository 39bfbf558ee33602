"""The flows by name, shared by the scheduler (``schedules/*.toml`` names them) and the CLI.

Each entry is ``"module:function"``; the function takes the App and the job's arguments and
returns the finished Run, the same function the flow's ``petitionbot run <flow>`` command
calls. Imports are lazy so that listing flows (``petitionbot doctor``, schedule validation)
never starts a browser or loads openpyxl.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from core.errors import ConfigError
from flows.runs import Run

FlowFn = Callable[..., Run]  # (app, **args) -> Run

FLOWS: dict[str, str] = {
    "intake": "petitionbot.commands.intake:intake",
    "letters": "petitionbot.commands.letters:letters",
    "ledger": "petitionbot.flows_registry:_ledger",
    "reminders": "petitionbot.flows_registry:_reminders",
    "analysis": "petitionbot.flows_registry:_analysis",
    "report": "petitionbot.flows_registry:_report",
}

# Named in schedules but not wired yet: a job skips them with a warning instead of failing.
PENDING = {"ledger", "letters", "reminders", "report"} - FLOWS.keys()

_extra: dict[str, FlowFn] = {}


def register(name: str, fn: FlowFn) -> None:
    """Add or replace a flow at run time (tests, an office's own flow)."""
    _extra[name] = fn


def unregister(name: str) -> None:
    _extra.pop(name, None)


def names() -> list[str]:
    return sorted(FLOWS.keys() | _extra.keys())


def known(name: str) -> bool:
    return name in FLOWS or name in _extra or name in PENDING


def get(name: str) -> FlowFn:
    if name in _extra:
        return _extra[name]
    if name not in FLOWS:
        state = "尚未接入" if name in PENDING else "不存在"
        raise ConfigError(f"流程 {name} {state}", hint=f"可用的流程：{'、'.join(names())}")
    module, _, attr = FLOWS[name].partition(":")
    return getattr(importlib.import_module(module), attr)


def _ledger(app: Any, **args: Any) -> Run:
    from petitionbot.commands.ledger import ledger

    run, _result = ledger(app, **args)  # the ledger command also returns its LedgerResult
    return run


def _reminders(app: Any, **args: Any) -> Run:
    from petitionbot.commands.reminders import reminders

    run, _result = reminders(app, **args)
    return run


def _analysis(app: Any, **args: Any) -> Run:
    from petitionbot.commands.analysis import analysis

    run, _result = analysis(app, **args)
    return run


def _report(app: Any, month: str | None = None) -> Run:
    """The monthly report; scheduled on the 1st, it reports the month that just ended."""
    from petitionbot.commands.analysis import report

    if month is None:
        first = app.clock.today().replace(day=1)
        month = f"{(first - timedelta(days=1)):%Y-%m}"
    run, _files = report(app, month)
    return run


def run_flow(app: Any, name: str, **args: Any) -> Run:
    return get(name)(app, **args)
