"""The console's operations pages' SQL (运行, 超期清单与催办, 分析): the outbox as the page lists it,
a clerk's "retry now", and the clerks' answers to group alerts (migration 0130). Part of the store
package: they use the SQLite adapter's own unit of work (``_tx``), as its feature mixins do."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.ports import Store

OUTBOX_COLUMNS = ("id", "channel", "kind", "unit", "message", "status", "attempts", "last_error", "next_attempt_at",
                  "sent_at", "created_at", "send_day")


def outbox_rows(store: Store, *, limit: int = 200) -> list[dict[str, Any]]:
    """The newest messages first: pending ones (failed or waiting) before the sent."""
    with store._tx(fenced=False) as tx:
        rows = tx.execute(f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox"
                          " ORDER BY status = 'sent', id DESC LIMIT ?", (limit,)).fetchall()
    out = []
    for r in rows:
        d = dict(zip(OUTBOX_COLUMNS, tuple(r), strict=True))
        msg = json.loads(d.pop("message"))
        d.update(subject=msg.get("subject", ""), to=msg.get("to", []), attachments=msg.get("attachments", []))
        out.append(d)
    return out


def retry_now(store: Store, message_id: int, now: datetime) -> bool:
    """Make a pending message due at once (the next reminders run, or 立即发送, sends it)."""
    with store._tx(fenced=False) as tx:
        cur = tx.execute("UPDATE outbox SET next_attempt_at = ? WHERE id = ? AND status = 'pending'",
                         (now.isoformat(timespec="seconds"), message_id))
        return bool(cur.rowcount)
