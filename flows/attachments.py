"""Attachment files on disk: safe names, content hashes, atomic writes.

Files live under ``<workdir>/attachments/<safe ref>/<safe name>``. Writing the same bytes
again (a rerun after a crash) is harmless: the file is replaced atomically.
"""

from __future__ import annotations

import hashlib
import os
import re
import unicodedata
from pathlib import Path

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


def safe_ref(ref: str) -> str:
    """Refs become folder names; anything but plain characters is replaced."""
    text = re.sub(r"[^0-9A-Za-z\u4e00-\u9fff_\-]", "_", ref)[:64]
    return text or hashlib.sha256(ref.encode()).hexdigest()[:16]


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


def write_atomic(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.part")
    with open(tmp, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(tmp, path)


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
