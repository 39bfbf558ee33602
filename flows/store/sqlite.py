"""SQLite adapter of the store port (WAL, one transaction per unit of work): petitions, their
history and quarantine, runs and fencing here; each feature's tables in a mixin beside it."""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from importlib import resources
from pathlib import Path
from typing import Any

from core.errors import LockLost, StoreError
from core.model import Petition, petition_from_dict
from flows import diskio
from flows.store.sqlite_analysis import AnalysisTables
from flows.store.sqlite_common import dump as _dump
from flows.store.sqlite_common import stamp
from flows.store.sqlite_ledger import LedgerTables
from flows.store.sqlite_letters import LetterTables
from flows.store.sqlite_outbox import OutboxTables


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


# SQLite result codes (the primary code is the low byte of an extended one).
_BUSY, _LOCKED, _READONLY, _IOERR, _CORRUPT, _FULL, _CANTOPEN, _NOTADB = 5, 6, 8, 10, 11, 13, 14, 26


def store_error(exc: sqlite3.Error, path: Path) -> StoreError:
    """A StoreError a person can act on, in Chinese, for an sqlite3 error."""
    code = (getattr(exc, "sqlite_errorcode", 0) or 0) & 0xFF
    if code == _IOERR or code == _CANTOPEN:
        try:
            if shutil.disk_usage(path.parent).free < 1024 * 1024:
                code = _FULL  # SQLite reports a full disk as an I/O error when it cannot grow the WAL
        except OSError:
            pass
    if code == _FULL:
        return StoreError(f"数据库所在的磁盘已满（{path}），本次写入没有保存",
                          hint="请清理磁盘空间后重新运行；已经保存的数据不受影响")
    if code == _READONLY:
        return StoreError(f"数据库是只读的（{path}）",
                          hint="运行 petitionbot 的账号必须能写入数据库文件和它所在的文件夹")
    if code == _CANTOPEN:
        return StoreError(f"无法打开数据库文件 {path}", hint="请检查 [storage] workdir / database 的路径和文件夹权限")
    if code in (_BUSY, _LOCKED):
        return StoreError(f"数据库正被其他程序占用（{path}），等待 30 秒后仍未释放",
                          hint="请关闭正在打开数据库的程序（例如数据库查看工具）后重新运行")
    if code in (_CORRUPT, _NOTADB):
        return StoreError(f"数据库文件已损坏或不是 petitionbot 的数据库（{path}）",
                          hint="请从备份恢复（见 docs/deployment.md 的备份一节），不要删除这个文件")
    if code == _IOERR:
        return StoreError(f"读写数据库时磁盘出错（{path}）", hint="请检查磁盘是否正常、是否已满，然后重新运行")
    return StoreError(f"数据库读写失败：{exc}")


class SqliteStore(LedgerTables, LetterTables, OutboxTables, AnalysisTables):
    """The store port over one SQLite file. Each feature's tables have their methods in a mixin
    module beside this one (``sqlite_<feature>.py``), written against ``_tx`` and ``_db``."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        # Set by the shell while a run holds the run lock: write transactions of an older
        # generation are refused (see ``transaction``).
        self.fence_generation: int | None = None
        diskio.ensure_dir(self.path.parent)
        try:
            # isolation_level=None: we issue BEGIN ourselves so every unit of work is explicit.
            self._db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            self._db.execute("PRAGMA foreign_keys=ON")
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc
        self._lock = threading.RLock()
        self._depth = 0
        try:
            self.migrate()
        except sqlite3.Error as exc:
            raise store_error(exc, self.path) from exc

    # -- plumbing ---------------------------------------------------------------------------
    @contextmanager
    def transaction(self, *, fenced: bool = True) -> Iterator[None]:
        """Groups domain calls into one unit of work (the port's; yields nothing to query with)."""
        with self._tx(fenced=fenced):
            yield

    @contextmanager
    def _tx(self, *, fenced: bool = True) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work, for this adapter's own methods. While a run holds the lock
        (``fence_generation`` set), a write transaction first checks, under SQLite's write lock,
        that no newer run has taken the lock over since: a run that was frozen and woke up again
        changes nothing (LockLost). Nested units join the outermost one."""
        with self._lock:
            outer = self._depth == 0
            try:
                if outer:
                    self._db.execute("BEGIN IMMEDIATE")
                    if fenced and self.fence_generation is not None:
                        self._check_fence(self._db)
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
                raise store_error(exc, self.path) from exc
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
            with self._tx() as tx:
                for sql in statements:
                    tx.execute(sql)
                tx.execute("INSERT INTO schema_migrations VALUES (?, ?)", (item.name, stamp()))
            applied.append(item.name)
        return applied

    def close(self) -> None:
        self._db.close()

    # -- fencing ----------------------------------------------------------------------------
    def begin_generation(self, token: str) -> int:
        """Issue the next fencing number to the run that has just taken the lock, and fence this
        connection with it. Every older generation is refused from now on."""
        with self._tx(fenced=False) as tx:
            tx.execute("UPDATE run_fence SET generation = generation + 1, token = ?, at = ? WHERE id = 1",
                       (token, stamp()))
            generation = int(tx.execute("SELECT generation FROM run_fence WHERE id = 1").fetchone()[0])
        self.fence_generation = generation
        return generation

    def check_generation(self) -> None:
        """Raise LockLost when a newer run has taken the lock (a read; no transaction needed)."""
        if self.fence_generation is None:
            return
        with self._lock:
            self._check_fence(self._db)

    def _check_fence(self, db: sqlite3.Connection) -> None:
        row = db.execute("SELECT generation FROM run_fence WHERE id = 1").fetchone()
        if row is not None and int(row[0]) != self.fence_generation:
            raise LockLost("运行锁已被另一次运行接管（本次运行的编号已过期），本次运行的写入已被拒绝")

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

    def insert(self, petition: Petition, *, run_id: str | None, source: str,
               at: datetime | None = None) -> None:
        now = stamp(at)
        petition.source = source
        try:
            with self._tx() as tx:
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

    def save(self, petition: Petition, *, changes: list[tuple[str, Any, Any]], source: str, run_id: str | None,
             at: datetime | None = None) -> None:
        now = stamp(at)
        with self._tx() as tx:
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
        with self._tx() as tx:
            # One open entry per ref: a retry that fails again refreshes the reason.
            tx.execute("DELETE FROM quarantine WHERE ref = ? AND resolved = 0", (ref,))
            tx.execute(
                "INSERT INTO quarantine (ref, run_id, at, reason, raw) VALUES (?, ?, ?, ?, ?)",
                (ref, run_id, stamp(), reason, _dump(raw)),
            )

    def quarantined(self, *, open_only: bool = True) -> list[dict[str, Any]]:
        sql = "SELECT ref, run_id, at, reason, raw, resolved FROM quarantine"
        if open_only:
            sql += " WHERE resolved = 0"
        return [dict(r) for r in self._db.execute(sql + " ORDER BY id")]

    def resolve_quarantine(self, ref: str) -> None:
        with self._tx() as tx:
            tx.execute("UPDATE quarantine SET resolved = 1 WHERE ref = ? AND resolved = 0", (ref,))

    # -- misc ---------------------------------------------------------------------------------
    def next_local_ref(self, year: int) -> str:
        with self._tx() as tx:
            row = tx.execute("SELECT last FROM local_refs WHERE year = ?", (year,)).fetchone()
            last = (row[0] if row else 0) + 1
            tx.execute(
                "INSERT INTO local_refs (year, last) VALUES (?, ?) ON CONFLICT(year) DO UPDATE SET last = excluded.last",
                (year, last),
            )
        return f"BD{year}{last:05d}"  # 本地 (walk-in) refs never collide with upstream numbers

    def record_run(self, run_id: str, **fields: Any) -> None:
        """Insert or update a run's row. Not fenced: a run that lost its lock still records why it stopped."""
        cols = {k: (_dump(v) if k == "summary" else v) for k, v in fields.items()}
        with self._tx(fenced=False) as tx:
            exists = tx.execute("SELECT 1 FROM runs WHERE id = ?", (run_id,)).fetchone()
            if exists:
                sets = ", ".join(f"{k} = ?" for k in cols)
                tx.execute(f"UPDATE runs SET {sets} WHERE id = ?", (*cols.values(), run_id))
            else:
                names = ", ".join(["id", *cols])
                marks = ", ".join("?" * (len(cols) + 1))
                tx.execute(f"INSERT INTO runs ({names}) VALUES ({marks})", (run_id, *cols.values()))

    def running(self) -> list[dict[str, Any]]:
        """Runs whose row still says 'running' (alive, or killed before they could say otherwise)."""
        rows = self._db.execute("SELECT id, flow, started, pid, host, generation FROM runs WHERE status = 'running'"
                                " ORDER BY started").fetchall()
        return [dict(r) for r in rows]

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        rows = self._db.execute(f"SELECT {_RUN_COLS} FROM runs ORDER BY started DESC LIMIT ?", (limit,)).fetchall()
        return [_run(r) for r in rows]

    def runs_starting(self, prefix: str, limit: int = 2) -> list[dict[str, Any]]:
        # Run ids are letters, digits and '-': a '%' typed by a clerk is not a pattern.
        rows = self._db.execute(f"SELECT {_RUN_COLS} FROM runs WHERE id LIKE ? ORDER BY started DESC LIMIT ?",
                                (prefix.replace("%", "") + "%", limit)).fetchall()
        return [_run(r) for r in rows]


_RUN_COLS = "id, flow, trigger, started, ended, status, summary, pid, host, generation"


def _run(row: sqlite3.Row) -> dict[str, Any]:
    d = dict(row)
    d["summary"] = json.loads(d["summary"]) if d["summary"] else None
    return d
