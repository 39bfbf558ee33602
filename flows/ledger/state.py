"""The ledger's memory in the store: the snapshot of each row the bot last wrote."""

from __future__ import annotations

from core.ports import LedgerRow, Store
from core.refs import ref_key
from flows.ledger.sync import RowState


def load_states(store: Store) -> dict[str, tuple[str, RowState]]:
    """ref_key -> (book, state) for every row the bot has written."""
    out: dict[str, tuple[str, RowState]] = {}
    legacy: list[tuple[str, str, str]] = []
    with store.transaction():
        for book, ref, clerk, bot_crc in store.ledger_rows():
            key = ref_key(ref)
            if key != ref:
                legacy.append((book, ref, key))
                if key in out:
                    continue  # the row already saved under its key is the newer one
            out[key] = (book, RowState(clerk=clerk, bot_crc=bot_crc))
        # Rows written before refs were compared by their normalised form: file them under it, so
        # that the next save replaces them instead of keeping a stale twin.
        if legacy:
            store.refile_ledger_rows(legacy)
    return out


def save_states(store: Store, book: str, states: dict[str, RowState], old: dict[str, tuple[str, RowState]]) -> int:
    """Write only rows whose state changed; returns how many."""
    changed = [(ref, s) for ref, s in states.items() if old.get(ref) != (book, s)]
    gone = [(book, ref) for ref, (b, _) in old.items() if b == book and ref not in states]
    # A ref lives in one book: moving it drops the other book's memory of it.
    moved = [(old[ref][0], ref) for ref, _ in changed if ref in old and old[ref][0] != book]
    store.save_ledger_rows([LedgerRow(book, ref, s.clerk, s.bot_crc) for ref, s in changed], gone + moved)
    return len(changed)

