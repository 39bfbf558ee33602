"""The store port: the system of record for petitions, their history and runs.

Flows talk to :class:`Store`; the SQLite adapter (``sqlite.py``) is the default and a
PostgreSQL adapter can serve the same port later (``open_store`` dispatches on the URL).
Feature modules that need their own tables (letters, outbox, ...) ship a migration file in
``migrations/`` and use :meth:`Store.transaction` for their few statements, keeping SQL
portable (``?`` placeholders, no SQLite-only functions).
"""

from __future__ import annotations

from core.ports import Store


def open_store(url: str) -> Store:
    """``sqlite:///path/to/petitionbot.db`` (or a bare path) opens the SQLite adapter."""
    from core.errors import ConfigError

    if url.startswith("postgresql"):
        raise ConfigError("PostgreSQL 存储尚未实现，请使用 SQLite（storage.database 留空即可）")
    path = url.removeprefix("sqlite:///")
    from flows.store.sqlite import SqliteStore

    return SqliteStore(path)
