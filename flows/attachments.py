"""Attachment files on disk: safe names, content hashes, atomic writes.

Files live under ``<workdir>/attachments/<folder of the ref>/<safe name>``, the folder named by
``core.refs.folder_name`` (two refs never share one). Writing the same bytes again (a rerun
after a crash) is harmless: the file is replaced atomically, and read back to check its hash.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

from core.errors import AttachmentRejected
from flows import diskio, tempfiles
from flows.parse import clean_text

RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}
MAX_NAME = 100  # characters, for people reading the folder
MAX_BYTES = 180  # file systems stop at 255 bytes (CJK takes 3 each); room for ".part" and "(2)"
_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(name: str, *, fallback: str = "附件") -> str:
    """A file name that cannot escape its folder or upset Windows, keeping Chinese text."""
    text = clean_text(name, keep_newlines=False)
    text = text.replace("\\", "/").split("/")[-1]  # drop any path the name carried
    text = _UNSAFE.sub("_", text).strip(" .")
    if not text or set(text) <= {"_", "."}:
        text = fallback
    stem, dot, ext = text.rpartition(".")
    if not dot:
        stem, ext = text, ""
    if stem.split(".")[0].upper() in RESERVED:
        stem = "_" + stem
    ext = ext[:10]
    room = MAX_NAME - (len(ext) + 1 if ext else 0)
    stem = stem[:room]
    budget = MAX_BYTES - len(ext.encode()) - 1
    while len(stem.encode()) > budget:
        stem = stem[:-1]
    return unicodedata.normalize("NFC", f"{stem}.{ext}" if ext else stem)


def unique_names(names: list[str]) -> list[str]:
    """Two attachments may sanitise to one name: number the later ones."""
    seen: dict[str, int] = {}
    out = []
    for n in names:
        key = n.lower()
        if key in seen:
            seen[key] += 1
            stem, dot, ext = n.rpartition(".")
            n = f"{stem}({seen[key]}).{ext}" if dot else f"{n}({seen[key]})"
        else:
            seen[key] = 0
        out.append(n)
    return out


def write_atomic(path: Path, data: bytes, *, scratch: Path | None = None) -> None:
    """Write through a temp file in ``scratch`` (the private temp folder; beside ``path`` when
    none is given or it is on another file system) and rename it into place."""
    diskio.ensure_dir(path.parent)
    folder = tempfiles.beside(path, scratch) if scratch is not None else path.parent
    tmp = folder / f".{path.name}.{os.getpid()}.part"
    try:
        with open(tmp, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        diskio.replace(tmp, path)  # private mode, the replaced file's owner kept, the run's fence checked
    finally:
        tmp.unlink(missing_ok=True)


def write_checked(path: Path, data: bytes, *, scratch: Path | None = None) -> str:
    """``write_atomic``, then read the file back: its sha256, which is the one recorded. Raises
    AttachmentRejected when the bytes on disk are not the bytes written (another writer, a
    failing disk): a record must never carry the hash of a file it does not describe."""
    digest = sha256(data)
    write_atomic(path, data, scratch=scratch)
    with open(path, "rb") as fh:
        found = hashlib.file_digest(fh, "sha256").hexdigest()
    if found != digest:
        raise AttachmentRejected(f"附件“{path.name}”写入后校验不一致（磁盘上的文件与下载内容不同）")
    return digest


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
