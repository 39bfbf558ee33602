"""The store port: the system of record for petitions, their history and runs.

Flows talk to :class:`Store`; the SQLite adapter (``sqlite.py``) is the default and a
PostgreSQL adapter can serve the same port later (``open_store`` dispatches on the URL).
Feature modules that need their own tables (letters, outbox, ...) ship a migration file in
``migrations/`` and use :meth:`Store.transaction` for their few statements, keeping SQL
portable (``?`` placeholders, no SQLite-only functions).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager
from typing import Any, Protocol

from flows.model import Petition


class Tx(Protocol):
    def execute(self, sql: str, params: tuple | list = ()) -> Any: ...


class Store(Protocol):
    fence_generation: int | None

    def transaction(self, *, fenced: bool = True) -> AbstractContextManager[Tx]:
        """One atomic unit of work: commits on exit, rolls back on an exception. While the store is
        fenced (``fence_generation`` set by the shell for the run holding the lock), a write
        transaction raises LockLost once a newer run has taken the lock over."""

    def begin_generation(self, token: str) -> int:
        """Issue the next fencing number to the run that has just taken the run lock."""

    def check_generation(self) -> None:
        """Raise LockLost when a newer run has taken the lock."""

    def get(self, ref: str) -> Petition | None: ...

    def refs(self) -> set[str]: ...

    def petitions(self, *, include_withdrawn: bool = True) -> Iterator[Petition]:
        """Every petition, ordered by (assigned_on, ref)."""

    def insert(self, petition: Petition, *, run_id: str | None, source: str = "upstream") -> None:
        """Store a new petition, and close its open quarantine, in one transaction.
        Raises StoreError on a duplicate ref."""

    def save(
        self, petition: Petition, *, changes: list[tuple[str, Any, Any]], source: str, run_id: str | None
    ) -> None:
        """Replace a petition and record ``changes`` (field, old, new) as history, atomically."""

    def history(self, ref: str) -> list[dict[str, Any]]: ...

    def quarantine(self, ref: str, reason: str, raw: Any, *, run_id: str | None) -> None: ...

    def quarantined(self, *, open_only: bool = True) -> list[dict[str, Any]]: ...

    def resolve_quarantine(self, ref: str) -> None: ...

    def next_local_ref(self, year: int) -> str:
        """A fresh ref for a petition that has none upstream (a walk-in row in the ledger)."""

    def record_run(self, run_id: str, **fields: Any) -> None:
        """Insert or update a run's row (never fenced: a stopped run still records why)."""

    def running(self) -> list[dict[str, Any]]:
        """Rows still marked running (id, flow, started, pid, host, generation)."""

    def runs(self, limit: int = 20) -> list[dict[str, Any]]: ...

    def close(self) -> None: ...


def open_store(url: str) -> Store:
    """``sqlite:///path/to/petitionbot.db`` (or a bare path) opens the SQLite adapter."""
    from flows.errors import ConfigError

    if url.startswith("postgresql"):
        raise ConfigError("PostgreSQL 存储尚未实现，请使用 SQLite（storage.database 留空即可）")
    path = url.removeprefix("sqlite:///")
    from flows.store.sqlite import SqliteStore

    return SqliteStore(path)
