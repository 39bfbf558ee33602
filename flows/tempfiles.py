"""The private temp folder: ``<workdir>/tmp/<pid>/``, with the workdir's own mode (the bot's user
only, or the office's group when ``[storage] group`` shares the workdir).

Half-written files (a workbook's sheet XML, an attachment being saved, a letter before its
atomic replace) hold the same personal data as the finished ones. They go here, never beside
the clerks' files or into the system's shared /tmp; and a run killed mid-write, or stopped by a
full disk, leaves them here only, where the next run sweeps them before doing anything else
(``petitionbot.app`` calls :func:`sweep` as every run starts).

A final file is still renamed into place atomically: the folder lives in the workdir, on the
same file system as the books, letters and attachments. A destination on another file system
(a ledger folder configured elsewhere) gets its temp file beside it instead (:func:`beside`).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from core.workdir import Workdir
from flows import diskio


def folder(workdir: Workdir | Path) -> Path:
    """This process's private temp folder, created on first use with the workdir's folder mode."""
    root = Workdir.of(workdir).tmp
    mine = root / str(os.getpid())
    for d in (root, mine):
        diskio.secure_root(d)  # also tightens a folder an older version left 0755
    return mine


def beside(target: Path, scratch: Path) -> Path:
    """Where to write ``target``'s temp file: the private folder when a rename from there is
    atomic (same file system), else a dot-file next to the target."""
    try:
        same = os.stat(scratch).st_dev == os.stat(target.parent).st_dev
    except OSError:
        same = False
    return scratch if same else target.parent


def sweep(workdir: Workdir | Path) -> list[Path]:
    """Delete what earlier runs left in the private temp folder. Runs hold the run lock, so
    nothing of this process is in flight when a run starts; another live process's folder is
    left alone (a command that is not a run may be using it)."""
    root = Workdir.of(workdir).tmp
    if not root.is_dir():
        return []
    gone = []
    for entry in sorted(root.iterdir()):
        if entry.is_dir() and not entry.is_symlink():
            if entry.name.isdigit() and int(entry.name) != os.getpid() and alive(int(entry.name)):
                continue
            if entry.name == str(os.getpid()):
                for child in list(entry.iterdir()):
                    _remove(child)
                    gone.append(child)
                continue
        _remove(entry)
        gone.append(entry)
    return gone


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
