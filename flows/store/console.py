"""The web console's tables (migration 0120): accounts, the audit log and the petitions index.

Reads run on connections of their own (one per thread, read-only, WAL), so the console's pages
are served in parallel with each other and never queue behind a run's write transaction. Writes
go through the store's own transaction. Every SQL statement of the console lives in this module.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import zlib
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from core.model import Petition, petition_from_dict

ACCOUNT_COLUMNS = ("username", "display_name", "role", "password", "failed", "locked_until", "epoch", "disabled",
                   "created_at")
INDEX_COLUMNS = ("ref", "source", "status", "handling", "unit", "category", "purpose", "form", "title", "locality",
                 "received_on", "assigned_on", "first_seen_at", "due_step", "due_date", "all_done", "closed_late",
                 "active", "updated_at", "crc")
LIST_COLUMNS = ("ref", "source", "status", "handling", "unit", "category", "purpose", "form", "title", "locality",
                "received_on", "assigned_on", "due_step", "due_date", "all_done", "closed_late")
# A write that computed its updated_at just before an index refresh may commit just after it:
# every refresh looks this far behind its high-water mark again.
_INDEX_MARGIN = timedelta(seconds=60)


@dataclass
class ListQuery:
    """The filters of the 信访件 list; every field optional. Dates are ISO strings."""

    status: str = ""
    deadline: str = ""  # overdue | due_soon | on_track | closed | closed_late
    unit: str = ""
    unit_set: bool = False  # filter on ``unit`` even when it is "" (no responsible unit yet)
    category: str = ""
    source: str = ""
    repeat: str = ""  # repeat | suspected | none
    date_from: str = ""
    date_to: str = ""
    text: str = ""
    people: bool = False  # the text may match petitioners' names and numbers (roles that see them)
    accusers: bool = False  # ... accusers' too (roles the config lets see an accuser's identity)
    offset: int = 0
    limit: int = 50
    today: str = ""  # ISO: what overdue / due soon is judged against
    due_soon_until: str = ""  # ISO: the last date still "due soon" (today + N working days)
    since: str = ""  # ISO time: first seen at or after it ("new since last night")


class ConsoleStore:
    """The console's queries over a SQLite store (``flows.store.sqlite.SqliteStore``)."""

    def __init__(self, store: Any):
        self.store = store
        self._local = threading.local()
        self._readers: list[sqlite3.Connection] = []
        self._readers_lock = threading.Lock()
        self._watch: sqlite3.Connection | None = None

    # -- plumbing -------------------------------------------------------------------------------
    def _reader(self) -> sqlite3.Connection:
        db = getattr(self._local, "db", None)
        if db is None:
            db = sqlite3.connect(f"file:{self.store.path}?mode=ro", uri=True, check_same_thread=False, timeout=30)
            db.row_factory = sqlite3.Row
            db.execute("PRAGMA query_only=ON")
            db.create_function("crc32", 1, lambda text: zlib.crc32(text.encode()), deterministic=True)
            self._local.db = db
            with self._readers_lock:
                self._readers.append(db)
        return db

    def data_version(self) -> int:
        """A number that changes whenever any other connection commits to the database (SQLite's
        ``PRAGMA data_version``, asked on one connection kept for it): equal numbers mean nothing
        was written in between."""
        with self._readers_lock:
            if self._watch is None:
                self._watch = sqlite3.connect(f"file:{self.store.path}?mode=ro", uri=True, check_same_thread=False)
            return int(self._watch.execute("PRAGMA data_version").fetchone()[0])

    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        db = self._reader()
        db.execute("BEGIN")  # one consistent snapshot for the statements of a page
        try:
            yield db
        finally:
            db.execute("COMMIT")

    def close(self) -> None:
        with self._readers_lock:
            for db in [*self._readers, *([self._watch] if self._watch else [])]:
                db.close()
            self._readers.clear()
            self._watch = None

    # -- accounts -------------------------------------------------------------------------------
    def add_account(self, username: str, *, role: str, password_hash: str, display_name: str, now: datetime) -> None:
        with self.store._tx(fenced=False) as tx:
            tx.execute("INSERT INTO console_accounts (username, display_name, role, password, created_at)"
                       " VALUES (?, ?, ?, ?, ?) ON CONFLICT(username) DO UPDATE SET display_name = excluded.display_name,"
                       " role = excluded.role, password = excluded.password, failed = 0, locked_until = '',"
                       " epoch = console_accounts.epoch + 1, disabled = 0",
                       (username, display_name, role, password_hash, now.isoformat(timespec="seconds")))

    def account(self, username: str) -> dict[str, Any] | None:
        with self._read() as db:
            row = db.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM console_accounts WHERE username = ?",
                             (username,)).fetchone()
        return dict(row) if row else None

    def accounts(self) -> list[dict[str, Any]]:
        with self._read() as db:
            rows = db.execute(f"SELECT {', '.join(ACCOUNT_COLUMNS)} FROM console_accounts ORDER BY role, username")
            return [dict(r) for r in rows]

    def login_failed(self, username: str, *, max_failures: int, lock_until: str) -> bool:
        """Count one failure; at ``max_failures`` lock the account until ``lock_until``. True when locked now."""
        with self.store._tx(fenced=False) as tx:
            row = tx.execute("SELECT failed FROM console_accounts WHERE username = ?", (username,)).fetchone()
            if row is None:
                return False
            failed = int(row[0]) + 1
            if failed >= max_failures:
                tx.execute("UPDATE console_accounts SET failed = 0, locked_until = ? WHERE username = ?",
                           (lock_until, username))
                return True
            tx.execute("UPDATE console_accounts SET failed = ? WHERE username = ?", (failed, username))
            return False

    def login_succeeded(self, username: str) -> None:
        with self.store._tx(fenced=False) as tx:
            tx.execute("UPDATE console_accounts SET failed = 0, locked_until = '' WHERE username = ?", (username,))

    def set_disabled(self, username: str, disabled: bool) -> None:
        with self.store._tx(fenced=False) as tx:
            tx.execute("UPDATE console_accounts SET disabled = ?, epoch = epoch + 1 WHERE username = ?",
                       (int(disabled), username))

    # -- audit ----------------------------------------------------------------------------------
    def audit(self, *, at: datetime, username: str, action: str, ref: str = "", detail: str = "") -> None:
        with self.store._tx(fenced=False) as tx:
            tx.execute("INSERT INTO console_audit (at, username, action, ref, detail) VALUES (?, ?, ?, ?, ?)",
                       (at.isoformat(timespec="seconds"), username, action, ref, detail))

    def audit_rows(self, *, limit: int = 100, offset: int = 0, ref: str = "") -> list[dict[str, Any]]:
        sql = "SELECT id, at, username, action, ref, detail FROM console_audit"
        args: list[Any] = []
        if ref:
            sql += " WHERE ref = ?"
            args.append(ref)
        with self._read() as db:
            rows = db.execute(sql + " ORDER BY id DESC LIMIT ? OFFSET ?", (*args, limit, offset))
            return [dict(r) for r in rows]

    # -- the petitions index --------------------------------------------------------------------
    def index_state(self) -> tuple[str, str]:
        with self._read() as db:
            row = db.execute("SELECT digest, watermark FROM console_index_state WHERE id = 1").fetchone()
        return (row[0], row[1]) if row else ("", "")

    def changed_petitions(self, since: str) -> Iterator[tuple[Petition, str, str, int]]:
        """(petition, first_seen_at, updated_at, crc of its JSON) of petitions updated at or after ``since`` (all when
        empty) whose index row is missing or older; it looks a margin before ``since`` too, for writes
        that committed late."""
        sql = "SELECT p.data, p.first_seen_at, p.updated_at FROM petitions p"
        args: tuple[Any, ...] = ()
        if since:
            back = (datetime.fromisoformat(since) - _INDEX_MARGIN).isoformat(timespec="seconds")
            # updated_at has one-second steps: two writes in one second differ by their JSON's crc
            sql += (" LEFT JOIN console_petitions i ON i.ref = p.ref WHERE p.updated_at >= ?"
                    " AND (i.ref IS NULL OR i.updated_at <> p.updated_at OR i.crc <> crc32(p.data))")
            args = (back,)
        db = self._reader()
        for row in db.execute(sql, args):
            yield petition_from_dict(json.loads(row[0])), row[1], row[2], zlib.crc32(row[0].encode())

    def petition_rows(self, refs: Iterable[str]) -> Iterator[tuple[Petition, str, str, int]]:
        db = self._reader()
        for ref in refs:
            row = db.execute("SELECT data, first_seen_at, updated_at FROM petitions WHERE ref = ?", (ref,)).fetchone()
            if row is not None:
                yield petition_from_dict(json.loads(row[0])), row[1], row[2], zlib.crc32(row[0].encode())

    def write_index(self, rows: Iterable[dict[str, Any]], *, digest: str | None, watermark: str | None,
                    full: bool = False) -> int:
        """Upsert index rows with their search words (all first deleted when ``full``) and record the
        state (unless None). Each row carries ``grams`` and ``people``: the FTS text (see ``grams``)."""
        marks = ", ".join("?" * len(INDEX_COLUMNS))
        updates = ", ".join(f"{c} = excluded.{c}" for c in INDEX_COLUMNS[1:])
        n = 0
        with self.store._tx(fenced=False) as tx:
            if full:
                tx.execute("DELETE FROM console_petitions")
                tx.execute("DELETE FROM console_search")
            for r in rows:
                rowid = tx.execute(f"INSERT INTO console_petitions ({', '.join(INDEX_COLUMNS)}) VALUES ({marks})"
                                   f" ON CONFLICT(ref) DO UPDATE SET {updates} RETURNING rowid",
                                   tuple(r[c] for c in INDEX_COLUMNS)).fetchone()[0]
                if not full:
                    tx.execute("DELETE FROM console_search WHERE rowid = ?", (rowid,))
                tx.execute("INSERT INTO console_search (rowid, grams, people) VALUES (?, ?, ?)",
                           (rowid, r["grams"], r["people"]))
                n += 1
            if digest is not None and watermark is not None:
                tx.execute("UPDATE console_index_state SET digest = ?, watermark = ? WHERE id = 1", (digest, watermark))
        if full:
            # Statistics for the planner: without them a list filtered by a rare value (重件, one source
            # and one category) walks a large index instead of starting from the rare side (0.4 s -> 13 ms
            # on 100,000 petitions).
            with self.store._tx(fenced=False) as tx:
                tx.execute("ANALYZE console_petitions")
                tx.execute("ANALYZE analysis_petition")
        return n

    def list_petitions(self, q: ListQuery) -> tuple[list[dict[str, Any]], int]:
        """One page of the list and the number of rows matching, newest assignment first."""
        where, args = _where(q)
        # An inner join when the filter needs a finding (重件, 疑似重件), so the planner may start from it.
        join = {"": "", "none": " LEFT JOIN analysis_petition a ON a.ref = i.ref"}.get(
            q.repeat, " JOIN analysis_petition a ON a.ref = i.ref")
        cols = ", ".join(f"i.{c}" for c in LIST_COLUMNS)
        with self._read() as db:
            total = db.execute(f"SELECT COUNT(*) FROM console_petitions i{join}{where}", args).fetchone()[0]
            rows = db.execute(f"SELECT {cols}, (SELECT repeat_tier FROM analysis_petition x WHERE x.ref = i.ref)"
                              f" AS repeat_tier FROM console_petitions i{join}{where}"
                              " ORDER BY i.assigned_on DESC, i.ref DESC LIMIT ? OFFSET ?",
                              (*args, q.limit, q.offset)).fetchall()
        return [dict(r) for r in rows], int(total)

    def choices(self) -> dict[str, list[str]]:
        """The distinct values the list's drop-downs offer (status, unit, category, source)."""
        out: dict[str, list[str]] = {}
        with self._read() as db:
            for col in ("status", "unit", "category", "source"):
                # The (col, ...) indexes make each of these a walk over distinct keys.
                out[col] = [r[0] for r in db.execute(
                    f"SELECT DISTINCT {col} FROM console_petitions WHERE {col} <> '' ORDER BY {col}")]
        return out

    def dashboard(self, *, today: str, due_soon_until: str, since: str) -> dict[str, Any]:
        """The 今日 page's numbers: new since ``since``, due soon and overdue by unit, alert counts."""
        with self._read() as db:
            new = [dict(r) for r in db.execute(
                "SELECT ref, title, unit, source, assigned_on, first_seen_at FROM console_petitions"
                " WHERE first_seen_at >= ? AND active = 1 ORDER BY first_seen_at DESC, ref LIMIT 50", (since,))]
            new_total = db.execute("SELECT COUNT(*) FROM console_petitions WHERE first_seen_at >= ? AND active = 1",
                                   (since,)).fetchone()[0]
            by_unit = [dict(r) for r in db.execute(
                "SELECT unit, SUM(due_date < ?) AS overdue, SUM(due_date >= ?) AS due_soon FROM console_petitions"
                " WHERE all_done = 0 AND active = 1 AND due_date <> '' AND due_date <= ?"
                " GROUP BY unit ORDER BY overdue DESC, due_soon DESC, unit", (today, today, due_soon_until))]
            tiers = {r[0]: r[1] for r in db.execute(
                "SELECT repeat_tier, COUNT(*) FROM analysis_petition WHERE repeat_tier <> ''"
                " GROUP BY repeat_tier")}
            alerts = [dict(r) for r in db.execute(
                "SELECT id, kind, day, refs, localities, explanation FROM analysis_alert ORDER BY day DESC, id LIMIT 20")]
        for a in alerts:
            a["refs"] = json.loads(a["refs"])
            a["localities"] = json.loads(a["localities"])
        return {"new": new, "new_total": int(new_total), "by_unit": by_unit, "tiers": tiers, "alerts": alerts}

    def last_runs(self) -> list[dict[str, Any]]:
        """The latest run of each flow."""
        with self._read() as db:
            rows = db.execute(
                "SELECT r.id, r.flow, r.trigger, r.started, r.ended, r.status, r.summary FROM runs r"
                " JOIN (SELECT flow, MAX(started) AS started FROM runs GROUP BY flow) m"
                " ON m.flow = r.flow AND m.started = r.started ORDER BY r.flow").fetchall()
        out = []
        for r in rows:
            d = dict(r)
            d["summary"] = json.loads(d["summary"]) if d["summary"] else {}
            out.append(d)
        return out

    def petition_page(self, ref: str) -> dict[str, Any] | None:
        """What the detail page shows beside the petition: its analysis row, history, letters."""
        with self._read() as db:
            row = db.execute("SELECT data FROM petitions WHERE ref = ?", (ref,)).fetchone()
            if row is None:
                return None
            analysis = db.execute("SELECT * FROM analysis_petition WHERE ref = ?", (ref,)).fetchone()
            history = [dict(r) for r in db.execute(
                "SELECT at, source, field, old, new, run_id FROM history WHERE ref = ? ORDER BY id", (ref,))]
            letters = [dict(r) for r in db.execute(
                "SELECT id, kind, version, path, created_at FROM letters WHERE ref = ? ORDER BY kind, version", (ref,))]
        for h in history:
            for k in ("old", "new"):
                h[k] = json.loads(h[k]) if h[k] is not None else None
        return {"petition": petition_from_dict(json.loads(row[0])), "analysis": dict(analysis) if analysis else None,
                "history": history, "letters": letters}

    def letter(self, letter_id: int) -> dict[str, Any] | None:
        with self._read() as db:
            row = db.execute("SELECT id, ref, kind, version, path FROM letters WHERE id = ?", (letter_id,)).fetchone()
        return dict(row) if row else None


def _where(q: ListQuery) -> tuple[str, list[Any]]:
    conds: list[str] = []
    args: list[Any] = []
    for col, value in (("status", q.status), ("category", q.category), ("source", q.source)):
        if value:
            conds.append(f"i.{col} = ?")
            args.append(value)
    if q.unit or q.unit_set:
        conds.append("i.unit = ?")
        args.append(q.unit)
    if q.since:
        conds.append("i.first_seen_at >= ? AND i.active = 1")
        args.append(q.since)
    if q.date_from:
        conds.append("i.assigned_on >= ?")
        args.append(q.date_from)
    if q.date_to:
        conds.append("i.assigned_on <= ?")
        args.append(q.date_to)
    if q.deadline == "overdue":
        conds.append("i.all_done = 0 AND i.due_date <> '' AND i.due_date < ?")
        args.append(q.today)
    elif q.deadline == "due_soon":
        conds.append("i.all_done = 0 AND i.due_date >= ? AND i.due_date <= ?")
        args += [q.today, q.due_soon_until]
    elif q.deadline == "on_track":
        conds.append("i.all_done = 0 AND (i.due_date > ? OR i.due_date = '')")
        args.append(q.due_soon_until)
    elif q.deadline == "closed":
        conds.append("i.all_done = 1 AND i.closed_late = 0")
    elif q.deadline == "closed_late":
        conds.append("i.all_done = 1 AND i.closed_late = 1")
    if q.repeat == "repeat":
        conds.append("a.repeat_tier = '重件'")
    elif q.repeat == "suspected":
        conds.append("a.repeat_tier = '疑似重件'")
    elif q.repeat == "none":
        conds.append("(a.ref IS NULL OR a.repeat_tier = '')")
    match = fts_query(q.text) if q.text else ""
    if q.text and not match:
        conds.append("0")  # nothing searchable in the text (only punctuation): nothing matches
    elif match:
        sub = "i.rowid IN (SELECT rowid FROM console_search WHERE console_search MATCH ?)"
        if q.people:
            accusers = "" if q.accusers else " AND i.purpose <> '检举控告'"
            conds.append(f"({sub} OR ({sub}{accusers}))")
            args += [f"grams : ({match})", f"people : ({match})"]
        else:
            conds.append(sub)
            args.append(f"grams : ({match})")
    return (" WHERE " + " AND ".join(conds) if conds else ""), args


def _runs(text: str) -> list[str]:
    """The runs of letters and digits (CJK included) of ``text``, lower-cased."""
    out, buf = [], []
    for ch in text.lower():
        if ch.isalnum():
            buf.append(ch)
        elif buf:
            out.append("".join(buf))
            buf = []
    if buf:
        out.append("".join(buf))
    return out


def grams(text: str) -> str:
    """``text`` as the search table stores it: each run cut into overlapping two-character words
    (a one-character run as itself), so that any substring of two characters or more of a run is
    a phrase of consecutive words."""
    words: list[str] = []
    for run in _runs(text):
        # the last character once more on its own, so a one-character search finds it at the end too
        words += [run[k:k + 2] for k in range(len(run) - 1)] + [run[-1]] if len(run) > 1 else [run]
    return " ".join(words)


def fts_query(text: str) -> str:
    """An FTS5 query for ``text`` (every run must occur), or "" when there is nothing to search.
    One character searches as the start of a word."""
    parts = []
    for run in _runs(text):
        if len(run) == 1:
            parts.append(f'"{run}"*')
        else:
            parts.append('"' + " ".join(run[k:k + 2] for k in range(len(run) - 1)) + '"')
    return " AND ".join(parts)


def iso(d: date | None) -> str:
    return d.isoformat() if d else ""
