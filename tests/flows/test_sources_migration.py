"""Migration 0110: a store from before several upstreams keeps every petition, now named by
its source (the district) and with "closed" decided the way the district's words meant."""

import sqlite3

from flows.store.sqlite import SqliteStore
from tests.factories import make_petition


def test_an_old_store_learns_sources_and_closed(tmp_path):
    path = tmp_path / "petitionbot.db"
    store = SqliteStore(path)
    store.insert(make_petition("XF2026110100001", status="已办结"), run_id=None, source="upstream")
    store.insert(make_petition("XF2026110100002", status="待办理"), run_id=None, source="upstream")
    store.insert(make_petition("LF2026000001"), run_id=None, source="ledger")
    store.close()
    # Back to the shape of a store written before: 'upstream', no closed flag, no migration 0110.
    db = sqlite3.connect(path)
    db.executescript("""
        UPDATE petitions SET source = 'upstream', data = json_set(json_remove(data, '$.closed', '$.source_label'),
                                                                 '$.source', 'upstream') WHERE source != 'ledger';
        DELETE FROM schema_migrations WHERE name = '0110_sources.sql';
        DROP INDEX petitions_source_ref;
    """)
    db.close()
    store = SqliteStore(path)  # opening migrates
    closed, open_, walk_in = (store.get(r) for r in ("XF2026110100001", "XF2026110100002", "LF2026000001"))
    assert (closed.source, closed.source_label, closed.closed) == ("district", "区信访系统", True)
    assert (open_.source, open_.closed) == ("district", False)
    assert (walk_in.source, walk_in.source_name) == ("ledger", "台账登记")
    rows = dict(store._db.execute("SELECT ref, source FROM petitions").fetchall())
    assert rows == {"XF2026110100001": "district", "XF2026110100002": "district", "LF2026000001": "ledger"}
    store.close()
