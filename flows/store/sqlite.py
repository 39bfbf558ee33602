"""SQLite adapter of the store port (WAL, one transaction per unit of work)."""

from __future__ import annotations

import hashlib
import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from flows.errors import StoreError
from flows.model import Petition, petition_from_dict, to_jsonable


def fingerprint(petition: Petition) -> str:
    blob = json.dumps(petition.upstream_fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(blob.encode()).hexdigest()


def split_sql(script: str) -> list[str]:
    """Statements of a migration file; a ';' inside a comment or a string does not split."""
    statements, buf = [], ""
    for line in script.splitlines(keepends=True):
        if line.lstrip().startswith("--"):
            continue
        buf += line
        if sqlite3.complete_statement(buf):
            statements.append(buf.strip())
            buf = ""
    if buf.strip():
        statements.append(buf.strip())
    return statements


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _dump(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)


class SqliteStore:
    def __init__(self, path: str | Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            # isolation_level=None: we issue BEGIN ourselves so every unit of work is explicit.
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise StoreError(f"无法打开数据库 {self.path}：{exc}") from exc
        self._lock = threading.RLock()
        self._depth = 0
        self.migrate()

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        with self._lock:
            outer = self._depth == 0
            try:
                if outer:
                    self._db.execute("BEGIN IMMEDIATE")
                self._depth += 1
                try:
                    yield self._db
                finally:
                    self._depth -= 1
                if outer:
                    self._db.execute("COMMIT")
            except sqlite3.Error as exc:
                if outer and self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise StoreError(f"数据库读写失败：{exc}") from exc
            except BaseException:
                if outer and self._db.in_transaction:
                    self._db.execute("ROLLBACK")
                raise

    def migrate(self) -> list[str]:
        """Apply every migration file not yet applied, in name order, each atomically."""
        self._db.execute("CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
        done = {r[0] for r in self._db.execute("SELECT name FROM schema_migrations")}
        applied = []
        folder = resources.files("flows.store") / "migrations"
        for item in sorted(folder.iterdir(), key=lambda p: p.name):
            if not item.name.endswith(".sql") or item.name in done:
                continue
            statements = split_sql(item.read_text(encoding="utf-8"))
            with self.transaction() as tx:
                for sql in statements:
                    tx.execute(sql)
                tx.execute("INSERT INTO schema_migrations VALUES (?, ?)", (item.name, _now()))
            applied.append(item.name)
        return applied

    def close(self) -> None:
        self._db.close()

    # -- petitions --------------------------------------------------------------------------
    def get(self, ref: str) -> Petition | None:
        row = self._db.execute("SELECT data FROM petitions WHERE ref = ?", (ref,)).fetchone()
        return petition_from_dict(json.loads(row[0])) if row else None

    def refs(self) -> set[str]:
        return {r[0] for r in self._db.execute("SELECT ref FROM petitions")}

    def petitions(self, *, include_withdrawn: bool = True) -> Iterator[Petition]:
        sql = "SELECT data FROM petitions"
        if not include_withdrawn:
            sql += " WHERE upstream_state = 'active'"
        rows = self._db.execute(sql).fetchall()
        items = [petition_from_dict(json.loads(r[0])) for r in rows]
        items.sort(key=lambda p: (p.assigned_on, p.ref))
        yield from items

    def insert(self, petition: Petition, *, run_id: str | None, source: str = "upstream") -> None:
        now = _now()
        petition.source = source
        try:
            with self.transaction() as tx:
                tx.execute(
                    "INSERT INTO petitions (ref, source, upstream_state, data, fingerprint, first_seen_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (petition.ref, source, petition.upstream_state, _dump(petition), fingerprint(petition), now, now),
                )
                tx.execute(
                    "INSERT INTO history (ref, at, source, field, old, new, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (petition.ref, now, source, "created", None, None, run_id),
                )
                # Stored now, so an earlier quarantine of this ref is over: in the same transaction,
                # or a crash right after the insert would leave it open while nothing refetches it.
                tx.execute("UPDATE quarantine SET resolved = 1 WHERE ref = ? AND resolved = 0", (petition.ref,))
        except StoreError as exc:
            if isinstance(exc.__cause__, sqlite3.IntegrityError):
                raise StoreError(f"信访件编号重复：{petition.ref}", ref=petition.ref) from exc
            raise

    def save(self, petition: Petition, *, changes: list[tuple[str, Any, Any]], source: str, run_id: str | None) -> None:
        now = _now()
        with self.transaction() as tx:
            cur = tx.execute(
                "UPDATE petitions SET upstream_state = ?, data = ?, fingerprint = ?, updated_at = ? WHERE ref = ?",
                (petition.upstream_state, _dump(petition), fingerprint(petition), now, petition.ref),
            )
            if cur.rowcount != 1:
                raise StoreError(f"信访件不存在：{petition.ref}", ref=petition.ref)
            for field, old, new in changes:
                tx.execute(
                    "INSERT INTO history (ref, at, source, field, old, new, run_id) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (petition.ref, now, source, field, _dump(old), _dump(new), run_id),
                )

    def history(self, ref: str) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT at, source, field, old, new, run_id FROM history WHERE ref = ? ORDER BY id", (ref,)
        ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            for k in ("old", "new"):
                d[k] = json.loads(d[k]) if d[k] is not None else None
            out.append(d)
        return out

    # -- quarantine ---------------------------------------------------------------------------
    def quarantine(self, ref: str, reason: str, raw: Any, *, run_id: str | None) -> None:
        with self.transaction() as tx:
            # One open entry per ref: a retry that fails again refreshes the reason.
            tx.execute("DELETE FROM quarantine WHERE ref = ? AND resolved = 0", (ref,))
            tx.execute(
                "INSERT INTO quarantine (ref, run_id, at, reason, raw) VALUES (?, ?, ?, ?, ?)",
                (ref, run_id, _now(), reason, _dump(raw)),
            )

    def quarantined(self, *, open_only: bool = True) -> list[dict[str, Any]]:
        sql = "SELECT ref, run_id, at, reason, raw, resolved FROM quarantine"
        if open_only:
            sql += " WHERE resolved = 0"
        return [dict(r) for r in self._db.execute(sql + " ORDER BY id")]

    def resolve_quarantine(self, ref: str) -> None:
        with self.transaction() as tx:
            tx.execute("UPDATE quarantine SET resolved = 1 WHERE ref = ? AND resolved = 0", (ref,))

    # -- misc ---------------------------------------------------------------------------------
    def next_local_ref(self, year: int) -> str:
        with self.transaction() as tx:
            row = tx.execute("SELECT last FROM local_refs WHERE year = ?", (year,)).fetchone()
            last = (row[0] if row else 0) + 1
            tx.execute(
                "INSERT INTO local_refs (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last",
                (year, last),
            )
        return f"BD{year}{last:05d}"  # 本地 (walk-in) refs never collide with upstream numbers

    def record_run(self, run_id: str, **fields: Any) -> None:
        cols = {k: (_dump(v) if k == "summary" else v) for k, v in fields.items()}
        with self.transaction() as tx:
            exists = tx.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone()
            if exists:
                sets = ", ".join(f"{k} = ?" for k in cols)
                tx.execute(f"UPDATE runs SET {sets} WHERE id = ?", (*cols.values(), run_id))
            else:
                names = ", ".join(["id", *cols])
                marks = ", ".join("?" * (len(cols) + 1))
                tx.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", (run_id, *cols.values()))

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._db.execute(
            "SELECT id, flow, trigger, started, ended, status, summary FROM runs ORDER BY started DESC LIMIT ?",
            (limit,),
        ).fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["summary"] = json.loads(d["summary"]) if d["summary"] else None
            out.append(d)
        return out
