"""The ledger's tables (migration 0010): the snapshot of each row the bot wrote, walk-in imports."""

from __future__ import annotations

import json
from collections.abc import Sequence

from core.ports import LedgerRow


class LedgerTables:
    def ledger_rows(self) -> list[LedgerRow]:
        with self._tx() as tx:
            rows = tx.execute("SELECT book, ref, state FROM ledger_rows").fetchall()
        out = []
        for book, ref, state in rows:
            d = json.loads(state)
            out.append(LedgerRow(book, ref, d["c"], d["b"]))
        return out

    def refile_ledger_rows(self, moves: Sequence[tuple[str, str, str]]) -> None:
        with self._tx() as tx:
            for book, ref, key in moves:
                tx.execute("UPDATE OR IGNORE ledger_rows SET ref = ? WHERE book = ? AND ref = ?", (key, book, ref))
                tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (book, ref))

    def save_ledger_rows(self, rows: Sequence[LedgerRow], drop: Sequence[tuple[str, str]]) -> None:
        with self._tx() as tx:
            for r in rows:
                tx.execute(
                    "INSERT INTO ledger_rows (book, ref, state) VALUES (?, ?, ?) "
                    "ON CONFLICT(book, ref) DO UPDATE SET state = excluded.state",
                    (r.book, r.ref, json.dumps({"c": r.clerk, "b": r.bot_crc}, ensure_ascii=False)),
                )
            for book, ref in drop:
                tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (book, ref))

    def walkin_ref(self, fingerprint: str) -> str | None:
        with self._tx() as tx:
            row = tx.execute("SELECT ref FROM ledger_walkins WHERE fingerprint = ?", (fingerprint,)).fetchone()
        return row[0] if row else None

    def remember_walkin(self, fingerprint: str, ref: str, book: str, at: str) -> None:
        with self._tx() as tx:
            tx.execute("INSERT INTO ledger_walkins (fingerprint, ref, book, at) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(fingerprint) DO UPDATE SET ref = excluded.ref, book = excluded.book, at = excluded.at",
                       (fingerprint, ref, book, at))
