"""The ledger's own tables (migration 0010): the snapshot of the last write, walk-in imports."""

from __future__ import annotations

import json
from typing import Any

from core.ports import Store
from core.refs import ref_key
from flows.ledger.sync import RowState


def load_states(store: Store) -> dict[str, tuple[str, RowState]]:
    """ref_key -> (book, state) for every row the bot has written."""
    out: dict[str, tuple[str, RowState]] = {}
    legacy: list[tuple[str, str, str]] = []
    with store.transaction() as tx:
        for book, ref, state in tx.execute("SELECT book, ref, state FROM ledger_rows").fetchall():
            d = json.loads(state)
            key = ref_key(ref)
            if key != ref:
                legacy.append((book, ref, key))
                if key in out:
                    continue  # the row already saved under its key is the newer one
            out[key] = (book, RowState(clerk=d["c"], bot_crc=d["b"]))
        # Rows written before refs were compared by their normalised form: file them under it, so
        # that the next save replaces them instead of keeping a stale twin.
        for book, ref, key in legacy:
            tx.execute("UPDATE OR IGNORE ledger_rows SET ref = ? WHERE book = ? AND ref = ?", (key, book, ref))
            tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (book, ref))
    return out


def save_states(store: Store, book: str, states: dict[str, RowState], old: dict[str, tuple[str, RowState]]) -> int:
    """Write only rows whose state changed; returns how many."""
    changed = [(ref, s) for ref, s in states.items() if old.get(ref) != (book, s)]
    gone = [ref for ref, (b, _) in old.items() if b == book and ref not in states]
    with store.transaction() as tx:
        for ref, s in changed:
            tx.execute(
                "INSERT INTO ledger_rows (book, ref, state) VALUES (?, ?, ?) "
                "ON CONFLICT(book, ref) DO UPDATE SET state = excluded.state",
                (book, ref, json.dumps({"c": s.clerk, "b": s.bot_crc}, ensure_ascii=False)),
            )
        for ref in gone:
            tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (book, ref))
        # A ref lives in one book: moving it drops the other book's memory of it.
        for ref, _ in changed:
            if ref in old and old[ref][0] != book:
                tx.execute("DELETE FROM ledger_rows WHERE book = ? AND ref = ?", (old[ref][0], ref))
    return len(changed)


def walkin_ref(store: Store, fingerprint: str) -> str | None:
    with store.transaction() as tx:
        row = tx.execute("SELECT ref FROM ledger_walkins WHERE fingerprint = ?", (fingerprint,)).fetchone()
    return row[0] if row else None


def remember_walkin(store: Store, fingerprint: str, ref: str, book: str, at: Any) -> None:
    with store.transaction() as tx:
        tx.execute("INSERT INTO ledger_walkins (fingerprint, ref, book, at) VALUES (?, ?, ?, ?) "
                   "ON CONFLICT(fingerprint) DO UPDATE SET ref = excluded.ref, book = excluded.book, at = excluded.at",
                   (fingerprint, ref, book, str(at)))
