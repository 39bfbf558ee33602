"""Keeps the console's flat petitions index (``console_petitions``) in step with the store.

Each list or dashboard request first picks up the petitions written since the last refresh
(usually none: one indexed query); the deadline settings' digest forces a full rebuild when the
rules change. What is indexed is what the list filters on: the main deadline step's date comes
from the same deadline engine as the ledger and ``deadlines explain``.
"""

from __future__ import annotations

import hashlib
import threading
import weakref
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from typing import Any

from core.model import Petition
from flows.deadlines import build_engine
from flows.store.console import ConsoleStore, grams, iso

SEARCH_CONTENT_CHARS = 120  # the start of the content is searchable; the rest is on the detail page
_refresh_lock = threading.Lock()
# Per console store: (settings digest, data version) of the last refresh. While both are unchanged
# nothing was written, and a request skips the changed-rows query (which reads every petition
# stamped in the watermark's second: a nightly intake stamps many in one second).
_seen: weakref.WeakKeyDictionary[ConsoleStore, tuple[str, int]] = weakref.WeakKeyDictionary()


def settings_digest(deadline_settings: Any) -> str:
    return hashlib.sha256(deadline_settings.model_dump_json().encode()).hexdigest()[:16]


def refresh(cstore: ConsoleStore, deadline_settings: Any, *, engine: Any = None) -> int:
    """Index what changed since the last refresh (everything when the deadline rules changed)."""
    digest = settings_digest(deadline_settings)
    with _refresh_lock:  # one refresher at a time; the others wait, then find nothing to do
        # Read before the query: a commit after this point changes the version again.
        version = cstore.data_version()
        if _seen.get(cstore) == (digest, version):
            return 0
        done_digest, watermark = cstore.index_state()
        full = done_digest != digest
        since = "" if full else watermark
        # Something was written: look back a margin before the watermark too, for a write that
        # stamped its time before the last refresh and committed after it.
        changed = list(cstore.changed_petitions(since))
        _seen[cstore] = (digest, version)
        if not changed and not full:
            return 0
        engine = engine or build_engine(deadline_settings)
        high = max([watermark if not full else "", *(u for _p, _f, u, _c in changed)])
        return cstore.write_index(_rows(changed, engine), digest=digest, watermark=high, full=full)


def reindex(cstore: ConsoleStore, refs: list[str], engine: Any) -> int:
    """Index these petitions now (after a console edit: the list shows it at once, even when two
    edits fall in the same second and the updated_at comparison of ``refresh`` cannot tell)."""
    return cstore.write_index(_rows(list(cstore.petition_rows(refs)), engine), digest=None, watermark=None)


def _rows(changed: list[tuple[Petition, str, str, int]], engine: Any) -> Iterator[dict[str, Any]]:
    for p, first_seen, updated, crc in changed:
        schedule = engine.schedule(p)
        main = schedule.main
        late = bool(main.done and main.done_on and main.done_on > main.due)
        # The open step due first decides 超期/临期: an acceptance notice 11 days late is overdue even
        # while the handling period still runs (the ledger's 期限状态 shows the main step only).
        open_steps = [s for s in schedule.steps if not s.done]
        first = min(open_steps, key=lambda s: s.due) if open_steps else main
        yield {"ref": p.ref, "source": p.source, "status": p.status,
               "handling": str(p.clerk.get("handling_status") or ""), "unit": p.responsible_unit,
               "category": str(p.clerk.get("category_confirmed") or p.category or ""), "purpose": p.purpose,
               "form": p.form, "title": p.title, "locality": p.locality, "received_on": iso(p.received_on),
               "assigned_on": iso(p.assigned_on), "first_seen_at": first_seen, "due_step": first.step,
               "due_date": iso(first.due), "all_done": int(not open_steps), "closed_late": int(late),
               "active": int(p.upstream_state == "active"), "updated_at": updated, "crc": crc,
               "grams": grams(" ".join((p.ref, p.title, p.locality, p.demand, p.content[:SEARCH_CONTENT_CHARS]))),
               "people": grams(" ".join(f"{x.name} {x.id_number} {x.phone}" for x in p.petitioners))}


def due_soon_until(engine: Any, today: date) -> date:
    """The last date that is still 临期 on ``today``: due within ``due_soon_days`` working days
    (the same count as ``flows.deadlines.step_status``)."""
    day = today
    for _ in range(366):
        nxt = day + timedelta(days=1)
        if engine.calendar.workdays_between(today, nxt) > engine.due_soon_days:
            return day
        day = nxt
    return day


def new_since(now: datetime, hour: int) -> datetime:
    """“New since last night”: from ``hour`` o'clock of the day before (the nightly intake runs after it)."""
    return datetime.combine(now.date() - timedelta(days=1), datetime.min.time()).replace(hour=hour)
