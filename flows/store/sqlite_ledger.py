"""The ledger's tables (migration 0010): the snapshot of each row the bot wrote, walk-in imports."""

from __future__ import annotations

import json
from collections.abc import Sequence

from core.ports import LedgerRow


class LedgerTables:
    def ledger_rows(self) -> list[LedgerRow]:
        with self._tx() as tx:
            rows = tx.execute("SELECT book, ref, state FROM ledger_rows").fetchall()
        loads = json.loads
        return [LedgerRow(book, ref, d["c"], d["b"]) for book, ref, d in ((b, r, loads(s)) for b, r, s in rows)]

    def refile_ledger_rows(self, moves: Sequence[tuple[str, str, str]]) -> None:
        with self._tx() as tx:
            for book, ref, key in moves:
                tx.execute("UPDATE OR IGNORE ledger_rows SET ref = ? WHERE book = ? AND ref = ?", (key, book, ref))
                tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (book, ref))

    def save_ledger_rows(self, rows: Sequence[LedgerRow], drop: Sequence[tuple[str, str]]) -> None:
        # executemany: a rebuilt 100,000-row book saves every row's state in one call.
        with self._tx() as tx:
            tx.executemany("INSERT INTO ledger_rows (book, ref, state) VALUES (?, ?, ?) "
                           "ON CONFLICT(book, ref) DO UPDATE SET state = excluded.state",
                           [(book, ref, json.dumps({"c": clerk, "b": crc}, ensure_ascii=False))
                            for book, ref, clerk, crc in rows])
            tx.executemany("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", drop)

    def walkin_ref(self, fingerprint: str) -> str | None:
        with self._tx() as tx:
            row = tx.execute("SELECT ref FROM ledger_walkins WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return row[0] if row else None

    def remember_walkin(self, fingerprint: str, ref: str, book: str, at: str) -> None:
        with self._tx() as tx:
            tx.execute("INSERT INTO ledger_walkins (fingerprint, ref, book, at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(fingerprint) DO UPDATE SET ref = excluded.ref, book = excluded.book, at = excluded.at",
                       (fingerprint, ref, book, at))
