"""The reminders' tables (migration 0030): the outbox and the once-a-day reminder log."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from datetime import date, datetime
from typing import Any

from core.ports import Message, Outgoing, Queued
from flows.store.sqlite_common import stamp

_COLS = "id, key, kind, unit, message, attempts, last_error, send_day, created_at"


def _queued(r: Any) -> Queued:
    return Queued(id=r[0], key=r[1], kind=r[2], unit=r[3], message=Message(**json.loads(r[4])), attempts=r[5],
                  last_error=r[6], send_day=r[7], created_at=r[8])


class OutboxTables:
    def reminders_logged(self, day: date) -> set[tuple[str, str, str]]:
        with self._tx() as tx:
            rows = tx.execute("SELECT ref, step, level FROM reminder_log WHERE day = ?", (day.isoformat(),)).fetchall()
        return {(r[0], r[1], r[2]) for r in rows}

    def enqueue(self, batch: Sequence[Outgoing], *, day: date, at: datetime, run_id: str | None) -> int:
        added = 0
        with self._tx() as tx:
            for key, kind, unit, message, entries in batch:
                cur = tx.execute(
                    "INSERT INTO outbox (key, channel, kind, unit, message, created_at, send_day, next_attempt_at, run_id)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(key) DO NOTHING",
                    (key, message.channel, kind, unit, json.dumps(asdict(message), ensure_ascii=False), stamp(at),
                     day.isoformat(), stamp(at), run_id))
                added += cur.rowcount
                for ref, step, level in entries:
                    tx.execute("INSERT INTO reminder_log (ref, step, level, day, outbox_key, run_id) VALUES (?, ?, ?, ?, ?, ?)"
                               " ON CONFLICT DO NOTHING", (ref, step, level, day.isoformat(), key, run_id))
        return added

    def outbox(self, *, due_by: datetime | None = None) -> list[Queued]:
        with self._tx() as tx:
            if due_by is None:
                rows = tx.execute(f"SELECT {_COLS} FROM outbox WHERE status = 'pending' ORDER BY id").fetchall()
            else:
                rows = tx.execute(f"SELECT {_COLS} FROM outbox WHERE status = 'pending' AND next_attempt_at <= ?"
                                  " ORDER BY id", (stamp(due_by),)).fetchall()
        return [_queued(r) for r in rows]

    # The marks carry the fencing number of the run that made them.
    def mark_sent(self, qid: int, *, at: datetime, generation: int | None) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE outbox SET status = 'sent', sent_at = ?, attempts = attempts + 1, generation = ?"
                       " WHERE id = ?", (stamp(at), generation, qid))

    def mark_failed(self, qid: int, *, attempts: int, error: str, retry_at: datetime,
                    generation: int | None) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE outbox SET attempts = ?, last_error = ?, next_attempt_at = ?, generation = ? WHERE id = ?",
                       (attempts, error, stamp(retry_at), generation, qid))
