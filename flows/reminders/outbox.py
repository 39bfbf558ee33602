"""The outbox: every message is stored before a send is tried, and stays until delivered.

A failed send gets ``next_attempt_at = now + backoff * 2**(attempts-1)`` (capped); the next run
after that time tries again. After ``stuck_after`` failures a message is *stuck*: still retried,
and listed in the supervisors' overdue list so a person looks at it. Nothing is deleted.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from core.ports import Message, Store
from core.privacy import scrub_patterns


@dataclass
class Queued:
    id: int
    key: str
    kind: str
    unit: str
    message: Message
    attempts: int
    last_error: str | None
    send_day: str
    created_at: str


def _row(r: Any) -> Queued:
    return Queued(id=r[0], key=r[1], kind=r[2], unit=r[3], message=Message(**json.loads(r[4])), attempts=r[5],
                  last_error=r[6], send_day=r[7], created_at=r[8])


_COLS = "id, key, kind, unit, message, attempts, last_error, send_day, created_at"


class Outbox:
    def __init__(self, store: Store, *, backoff_minutes: float = 10, backoff_max_hours: float = 12,
                 stuck_after: int = 3):
        self.store = store
        self.backoff = timedelta(minutes=backoff_minutes)
        self.backoff_max = timedelta(hours=backoff_max_hours)
        self.stuck_after = stuck_after

    # -- the once-a-day log ------------------------------------------------------------------
    def logged(self, day: date) -> set[tuple[str, str, str]]:
        with self.store.transaction() as tx:
            rows = tx.execute("SELECT ref, step, level FROM reminder_log WHERE day = ?", (day.isoformat(),)).fetchall()
        return {(r[0], r[1], r[2]) for r in rows}

    def enqueue(self, batch: list[tuple[str, str, str, Message, list[tuple[str, str, str]]]], *, day: date,
                now: datetime, run_id: str | None) -> int:
        """Store messages and their log entries atomically: (key, kind, unit, message, [(ref, step, level)])."""
        stamp = now.isoformat(timespec="seconds")
        added = 0
        # Last line of defence before anything leaves: whatever a renderer let through, no ID or
        # phone number is stored for sending (the @-mentions live outside the text, in ``mentions``).
        batch = [(key, kind, unit, replace(message, subject=scrub_patterns(message.subject),
                                           body=scrub_patterns(message.body)), entries)
                 for key, kind, unit, message, entries in batch]
        with self.store.transaction() as tx:
            for key, kind, unit, message, entries in batch:
                cur = tx.execute(
                    "INSERT INTO outbox (key, channel, kind, unit, message, created_at, send_day, next_attempt_at, run_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    (key, message.channel, kind, unit, json.dumps(asdict(message), ensure_ascii=False), stamp,
                     day.isoformat(), stamp, run_id))
                added += cur.rowcount
                for ref, step, level in entries:
                    tx.execute("INSERT INTO reminder_log (ref, step, level, day, outbox_key, run_id) VALUES (?, ?, ?, ?, ?, ?)"
                               " ON CONFLICT DO NOTHING", (ref, step, level, day.isoformat(), key, run_id))
        return added

    # -- delivery ------------------------------------------------------------------------------
    def due(self, now: datetime) -> list[Queued]:
        with self.store.transaction() as tx:
            rows = tx.execute(f"SELECT {_COLS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                              " ORDER BY id", (now.isoformat(timespec="seconds"),)).fetchall()
        return [_row(r) for r in rows]

    def pending(self) -> list[Queued]:
        with self.store.transaction() as tx:
            rows = tx.execute(f"SELECT {_COLS} FROM outbox WHERE status = 'pending' ORDER BY id").fetchall()
        return [_row(r) for r in rows]

    def stuck(self) -> list[Queued]:
        return [q for q in self.pending() if q.attempts >= self.stuck_after]

    # The marks carry the run lock's generation (fencing number) of the run that made them; the
    # store refuses the mark of a run whose lock was taken over (LockLost).
    def mark_sent(self, qid: int, now: datetime, *, generation: int | None = None) -> None:
        with self.store.transaction() as tx:
            tx.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, generation = ?"
                       " WHERE id = ?", (now.isoformat(timespec="seconds"), generation, qid))

    def mark_failed(self, q: Queued, error: str, now: datetime, *, generation: int | None = None) -> datetime:
        attempts = q.attempts + 1
        wait = min(self.backoff * (2 ** (attempts - 1)), self.backoff_max)
        retry_at = now + wait
        with self.store.transaction() as tx:
            tx.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, generation = ? WHERE id = ?",
                       (attempts, error[:500], retry_at.isoformat(timespec="seconds"), generation, q.id))
        return retry_at
