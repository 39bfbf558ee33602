"""The store port's adapters: the system of record for petitions, their history, runs and every
feature's records. All SQL of the project lives in this folder.

Flows talk to :class:`core.ports.Store` in domain terms. The SQLite adapter (``sqlite.py`` and
one ``sqlite_<feature>.py`` mixin per feature's tables) is the default; a PostgreSQL adapter would
be a sibling set of modules here, chosen by ``open_store``. A feature that needs new tables ships a
numbered migration in ``migrations/`` and domain methods on the port, never queries of its own.
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
