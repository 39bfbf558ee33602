"""The outbox: every message is stored before a send is tried, and stays until delivered.

A failed send gets ``next_attempt_at = now + backoff * 2**(attempts-1)`` (capped); the next run
after that time tries again. After ``stuck_after`` failures a message is *stuck*: still retried,
and listed in the supervisors' overdue list so a person looks at it. Nothing is deleted.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from core.ports import Outgoing, Queued, Store
from core.privacy import scrub_patterns


class Outbox:
    def __init__(self, store: Store, *, backoff_minutes: float = 10, backoff_max_hours: float = 12,
                 stuck_after: int = 3):
        self.store = store
        self.backoff = timedelta(minutes=backoff_minutes)
        self.backoff_max = timedelta(hours=backoff_max_hours)
        self.stuck_after = stuck_after

    # -- the once-a-day log ------------------------------------------------------------------
    def logged(self, day: date) -> set[tuple[str, str, str]]:
        return self.store.reminders_logged(day)

    def enqueue(self, batch: list[Outgoing], *, day: date, now: datetime, run_id: str | None) -> int:
        """Store messages and their log entries atomically: (key, kind, unit, message, [(ref, step, level)])."""
        # Last line of defence before anything leaves: whatever a renderer let through, no ID or
        # phone number is stored for sending (the @-mentions live outside the text, in ``mentions``).
        batch = [(key, kind, unit, replace(message, subject=scrub_patterns(message.subject),
                                           body=scrub_patterns(message.body)), entries)
                 for key, kind, unit, message, entries in batch]
        return self.store.enqueue(batch, day=day, at=now, run_id=run_id)

    # -- delivery ------------------------------------------------------------------------------
    def due(self, now: datetime) -> list[Queued]:
        return self.store.outbox(due_by=now)

    def pending(self) -> list[Queued]:
        return self.store.outbox()

    def stuck(self) -> list[Queued]:
        return [q for q in self.pending() if q.attempts >= self.stuck_after]

    # The marks carry the run lock's generation (fencing number) of the run that made them; the
    # store refuses the mark of a run whose lock was taken over (LockLost).
    def mark_sent(self, qid: int, now: datetime, *, generation: int | None = None) -> None:
        self.store.mark_sent(qid, at=now, generation=generation)

    def mark_failed(self, q: Queued, error: str, now: datetime, *, generation: int | None = None) -> datetime:
        attempts = q.attempts + 1
        wait = min(self.backoff * (2 ** (attempts - 1)), self.backoff_max)
        retry_at = now + wait
        self.store.mark_failed(q.id, attempts=attempts, error=error[:500], retry_at=retry_at, generation=generation)
        return retry_at
