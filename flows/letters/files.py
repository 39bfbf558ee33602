"""Where letters go, and the rule that a clerk's edits are never overwritten.

Every version the bot writes is recorded with the hash of its bytes. A letter is written
once; changed data gets a new file beside it (交办单.v2.docx), never a rewrite. A file found
at the target path with bytes the bot did not write is a clerk's: it is left alone and the
next free version number is used instead.

"Bytes the bot wrote" is decided by hash, never by re-rendering: before each write the path and
the sha256 of the bytes go into ``letter_files``. A run killed between the write and the
``letters`` record leaves a file that a later run (another day: other dates, other bytes)
still recognises as its own, replaces with today's draft and records.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from core.ports import Store
from core.workdir import Workdir
from flows import diskio, failpoints, tempfiles


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_sha256(path: Path) -> str | None:
    try:
        return sha256(path.read_bytes())
    except FileNotFoundError:
        return None


def atomic_write(path: Path, data: bytes, *, scratch: Path | None = None) -> None:
    """Readers (and Word) see the old file or the whole new one, never half of it. The temp file
    is written in ``scratch`` (the private temp folder, swept by every run) when it is on the
    letter's file system, else beside the letter."""
    diskio.ensure_dir(path.parent)
    # Temp files older versions left beside letters (a run killed between its write and the
    # replace; no ``finally`` runs on SIGKILL). Letter runs are serialised by the run lock.
    for stale in path.parent.glob(f".{_glob_escape(path.name)}.*.tmp"):
        stale.unlink(missing_ok=True)
    folder = tempfiles.beside(path, scratch) if scratch is not None else path.parent
    tmp = folder / f".{path.name}.{secrets.token_hex(4)}.tmp"
    try:
        tmp.write_bytes(data)
        failpoints.hit("letters.before_replace")
        diskio.replace(tmp, path)  # keeps a clerk's ownership and mode; checks the run's fence
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
    """What the bot wrote, where, and from which data (the store's letter records)."""

    def __init__(self, store: Store, workdir: Workdir | Path):
        self.store = store
        self.workdir = Workdir.of(workdir)

    def versions(self, scope: str, kind: str) -> list[dict[str, Any]]:
        return self.store.letter_versions(scope, kind)

    def unchanged(self, scope: str, kind: str, data_hash: str) -> dict[str, Any] | None:
        rows = self.versions(scope, kind)
        return rows[-1] if rows and rows[-1]["data_hash"] == data_hash else None

    def place(self, *, scope: str, ref: str | None, kind: str, folder: Path, stem: str, data: bytes,
              data_hash: str, now: datetime, run_id: str | None) -> Placed:
        wd = self.workdir
        rows = self.versions(scope, kind)
        last = rows[-1] if rows else None
        if last and last["data_hash"] == data_hash:
            return Placed("unchanged", wd.resolve(last["path"]), last["version"])
        notes = []
        if last and file_sha256(wd.resolve(last["path"])) not in (None, last["sha256"]):
            notes.append(f"{Path(last['path']).name} 已被人工修改，数据有变化，已另起新版，请核对合并")
        digest = sha256(data)
        version = last["version"] + 1 if last else 1
        scratch = tempfiles.folder(wd)
        while True:
            target = folder / (f"{stem}.docx" if version == 1 else f"{stem}.v{version}.docx")
            rel = wd.relative(target)
            existing = file_sha256(target)
            if existing == digest:
                break  # written by an earlier run that stopped before recording it
            if existing is None or self.store.letter_file_known(rel, existing):
                # Free, or the bot's own unrecorded draft (a run killed before recording it, maybe
                # on another day): today's draft takes its place. Its hash is recorded first.
                self.store.record_letter_file(rel, digest, at=now, run_id=run_id)
                atomic_write(target, data, scratch=scratch)
                # Crash here: the file is whole but not recorded; its hash is in letter_files, so
                # the next run knows it for its own, whatever it renders then.
                failpoints.hit("letters.before_record")
                break
            notes.append(f"{target.name} 已存在且不是本程序写的，未覆盖")
            version += 1
        self.store.record_letter(scope=scope, ref=ref, kind=kind, version=version, path=rel, sha256=digest,
                                 data_hash=data_hash, at=now, run_id=run_id)
        return Placed("new" if last is None else "version", target, version, tuple(notes))
