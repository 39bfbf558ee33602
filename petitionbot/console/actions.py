"""Every call the console makes into the flows, in one place.

Pages never import a flow: they call these functions, which call what the CLI and the scheduler
call (the flows registry's ``run_flow(app, name, **options)``, the deadline engine, the store's
clerk fields under the ledger's conflict rule). When the composition root changes, this module
is the only one that follows.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from core.errors import ConfigError
from core.model import CLERK_FIELDS, Petition
from flows.deadlines import build_engine, explain, export_fields
from flows.runs import Run

# What a console edit may change: the ledger's clerk columns (Petition.clerk) and the responsible
# unit. The same fields the ledger reads back, so the next sync shows a console edit in the book.
EDITABLE = frozenset(CLERK_FIELDS) | {"responsible_unit"}
CONSOLE_SOURCE = "console"  # the history rows' source for an edit made in the console

_engines: dict[str, Any] = {}
_engines_lock = threading.Lock()


def run_flow(app: Any, flow: str, **options: Any) -> Run:
    """Run one flow exactly as ``petitionbot run <flow>`` and the scheduler do."""
    from petitionbot import wiring

    return wiring.run_flow(app, flow, **options)


def flow_names() -> list[str]:
    from petitionbot import wiring

    return sorted(wiring.FLOWS)


def deadline_engine(app: Any) -> Any:
    """The deadline engine of the app's settings (built once per settings: it memoises counts)."""
    from petitionbot.console.index import settings_digest

    key = settings_digest(app.settings.deadlines)
    with _engines_lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = build_engine(app.settings.deadlines)
    return engine


def deadline_explanation(app: Any, petition: Petition, today: date) -> str:
    """The same text as ``petitionbot deadlines explain REF``."""
    engine = deadline_engine(app)
    return explain(engine.schedule(petition), today, engine)


def deadline_fields(app: Any, petition: Petition, today: date) -> dict[str, Any]:
    return export_fields(petition, today=today, engine=deadline_engine(app), explanation=False)


def next_scheduled(app: Any, now: datetime, count: int = 1) -> list[tuple[Any, list[datetime]]]:
    from petitionbot.commands.serve import next_run_times

    return next_run_times(app.settings, now=now, count=count)


@dataclass
class EditOutcome:
    changed: list[tuple[str, Any, Any]]


def clerk_value(p: Petition, key: str) -> Any:
    from flows.ledger.render import clerk_value as value

    return value(p, key)


def record_clerk_fields(app: Any, ref: str, values: dict[str, Any], *, run_id: str | None = None) -> EditOutcome:
    """Save clerk fields typed in the console into the store, with a history row per change.

    The ledger's conflict rule then holds unchanged: at the next sync a cell the clerk did not
    touch in the book takes the store's (console's) value, and a cell changed in both places keeps
    the book's value while the console's goes to the history with a 校验 note (flows/ledger/sync.py).
    """
    unknown = set(values) - EDITABLE
    if unknown:
        raise ConfigError(f"不能在工作台修改这些字段：{'、'.join(sorted(unknown))}")
    store = app.store
    with store.transaction(fenced=False):
        p = store.get(ref)
        if p is None:
            raise ConfigError(f"没有找到信访件 {ref}")
        changes = []
        for key, new in values.items():
            old = clerk_value(p, key)
            new = "" if new is None else new
            if old == new:
                continue
            changes.append((key, old, new))
            if key == "responsible_unit":
                p.responsible_unit = new
            elif new == "":
                p.clerk.pop(key, None)
            else:
                p.clerk[key] = new
        if changes:
            store.save(p, changes=changes, source=CONSOLE_SOURCE, run_id=run_id, at=app.clock.now())
    return EditOutcome(changes)


def categories(app: Any) -> list[str]:
    """The categories a clerk may confirm: the ledger's drop-down list, else the taxonomy's."""
    if app.settings.ledger.categories:
        return list(app.settings.ledger.categories)
    from flows.analysis import taxonomy


    base = app.settings.source.parent if app.settings.source else None
    try:
        return list(taxonomy.load(app.settings.analysis.taxonomy_path(base)).categories)
    except ConfigError:
        return []
