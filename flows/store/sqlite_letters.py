"""The letters' tables (migrations 0002, 0003): every letter version written, and every file
the bot was about to write (recorded before the write, so a crash in between is recognised)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flows.store.sqlite_common import stamp


class LetterTables:
    def letter_versions(self, scope: str, kind: str) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute(
                "SELECT version, path, sha256, data_hash FROM letters WHERE scope = ? AND kind = ? ORDER BY version",
                (scope, kind)).fetchall()
        return [dict(zip(("version", "path", "sha256", "data_hash"), r, strict=True)) for r in rows]

    def record_letter(self, *, scope: str, ref: str | None, kind: str, version: int, path: str, sha256: str,
                      data_hash: str, at: datetime, run_id: str | None) -> None:
        with self._tx() as tx:
            tx.execute(
                "INSERT INTO letters (scope, ref, kind, version, path, sha256, data_hash, created_at, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scope, ref, kind, version, path, sha256, data_hash, stamp(at), run_id))

    def record_letter_file(self, path: str, sha256: str, *, at: datetime, run_id: str | None) -> None:
        with self._tx() as tx:
            tx.execute("INSERT INTO letter_files (path, sha256, written_at, run_id) VALUES (?, ?, ?, ?) "
                       "ON CONFLICT(path, sha256) DO NOTHING", (path, sha256, stamp(at), run_id))

    def letter_file_known(self, path: str, sha256: str) -> bool:
        with self._tx() as tx:
            row = tx.execute("SELECT 1 FROM letter_files WHERE path = ? AND sha256 = ? UNION ALL "
                             "SELECT 1 FROM letters WHERE path = ? AND sha256 = ?", (path, sha256, path, sha256)).fetchone()
        return row is not None

    def letters_of(self, ref: str) -> list[dict[str, Any]]:
        with self._tx() as tx:
            rows = tx.execute("SELECT kind, path, version FROM letters WHERE ref = ? ORDER BY id", (ref,)).fetchall()
        return [{"kind": r[0], "path": r[1], "version": r[2]} for r in rows]
