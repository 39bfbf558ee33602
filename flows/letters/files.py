"""Where letters go, and the rule that a clerk's edits are never overwritten.

Every version the bot writes is recorded with the hash of its bytes. A letter is written
once; changed data gets a new file beside it (交办单.v2.docx), never a rewrite. A file found
at the target path with bytes the bot did not write is a clerk's: it is left alone and the
next free version number is used instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from flows import failpoints
from flows.store import Store

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(text: str) -> str:
    """A folder or file name from a ref or unit name (Windows-safe, no path tricks)."""
    name = _UNSAFE.sub("_", text).strip(" .")
    return name or "_"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def atomic_write(path: Path, data: bytes) -> None:
    """Readers (and Word) see the old file or the whole new one, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    # A run killed between writing its temp file and the replace leaves the temp behind (no
    # ``finally`` runs on SIGKILL): sweep it now. Letter runs are serialised by the run lock.
    for stale in path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        tmp.write_bytes(data)
        failpoints.hit("letters.before_replace")
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def _glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


@dataclass(frozen=True)
class Placed:
    status: str  # new | version | unchanged
    path: Path  # absolute
    version: int
    notes: tuple[str, ...] = ()


class LetterBook:
    """The ``letters`` table: what the bot wrote, where, and from which data."""

    def __init__(self, store: Store, workdir: Path):
        self.store = store
        self.workdir = workdir

    def versions(self, scope: str, kind: str) -> list[dict[str, Any]]:
        with self.store.transaction() as tx:
            rows = tx.execute(
                "SELECT version, path, sha256, data_hash FROM letters WHERE scope = ? AND kind = ? ORDER BY version",
                (scope, kind)).fetchall()
        return [dict(zip(("version", "path", "sha256", "data_hash"), r, strict=True)) for r in rows]

    def unchanged(self, scope: str, kind: str, data_hash: str) -> dict[str, Any] | None:
        rows = self.versions(scope, kind)
        return rows[-1] if rows and rows[-1]["data_hash"] == data_hash else None

    def place(self, *, scope: str, ref: str | None, kind: str, folder: Path, stem: str, data: bytes,
              data_hash: str, now: datetime, run_id: str | None) -> Placed:
        rows = self.versions(scope, kind)
        last = rows[-1] if rows else None
        if last and last["data_hash"] == data_hash:
            return Placed("unchanged", self.workdir / last["path"], last["version"])
        notes = []
        if last and file_sha256(self.workdir / last["path"]) not in (None, last["sha256"]):
            notes.append(f"{Path(last['path']).name} 已被人工修改，数据有变化，已另起新版，请核对合并")
        digest = sha256(data)
        version = last["version"] + 1 if last else 1
        while True:
            target = folder / (f"{stem}.docx" if version == 1 else f"{stem}.v{version}.docx")
            existing = file_sha256(target)
            if existing is None:
                atomic_write(target, data)
                # Crash here: the file is whole but not recorded. The next run renders the same
                # bytes (rendering is deterministic), finds them at the target and records them.
                failpoints.hit("letters.before_record")
                break
            if existing == digest:
                break  # written by an earlier run that stopped before recording it
            notes.append(f"{target.name} 已存在且不是本程序写的，未覆盖")
            version += 1
        rel = target.relative_to(self.workdir).as_posix()
        with self.store.transaction() as tx:
            tx.execute(
                "INSERT INTO letters (scope, ref, kind, version, path, sha256, data_hash, created_at, run_id)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (scope, ref, kind, version, rel, digest, data_hash, now.isoformat(timespec="seconds"), run_id))
        return Placed("new" if last is None else "version", target, version, tuple(notes))

    def of_petition(self, ref: str) -> list[dict[str, Any]]:
        with self.store.transaction() as tx:
            rows = tx.execute("SELECT kind, path, version FROM letters WHERE ref = ? ORDER BY id", (ref,)).fetchall()
        return [{"kind": r[0], "path": r[1], "version": r[2]} for r in rows]
