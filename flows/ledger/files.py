"""File safety around the book: is a clerk holding it open, atomic replace, dated backups,
and the pending file written beside a book that could not be replaced."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path

from flows import diskio, tempfiles


def owner_files(book: Path) -> list[Path]:
    """Lock files an office suite leaves beside an open book.

    Excel and WPS write ``~$<name>`` (Word-style ``~$`` + name without its first two characters
    for long names is also seen); LibreOffice writes ``.~lock.<name>#``.
    """
    names = {f"~${book.name}", f"~${book.name[2:]}", f".~lock.{book.name}#"}
    return [book.parent / n for n in sorted(names) if (book.parent / n).exists()]


def is_open(book: Path) -> bool:
    if owner_files(book):
        return True
    if not book.exists():
        return False
    try:
        # On Windows an open workbook refuses a writer; elsewhere this simply succeeds.
        with open(book, "r+b"):
            pass
    except PermissionError:
        return True
    except OSError:
        return False
    return False


def pending_path(book: Path) -> Path:
    return book.with_name(f"{book.stem}.待更新{book.suffix}")


def temp_path(book: Path, scratch: Path | None = None) -> Path:
    """Where the new book is written before it replaces ``book``: the private temp folder
    ``scratch`` when it is on the book's file system (the final os.replace is then an atomic
    rename), else beside the book."""
    folder = tempfiles.beside(book, scratch) if scratch is not None else book.parent
    return folder / f".{book.stem}.{os.getpid()}.tmp{book.suffix}"


def sweep_temps(book: Path) -> list[Path]:
    """Delete temp files a killed run left beside ``book`` (``.<stem>.<pid>.tmp.xlsx`` and the
    writer's ``.part`` / ``.rows`` side files), unless their process is still alive."""
    gone = []
    for f in book.parent.glob(f".{glob_escape(book.stem)}.*.tmp{book.suffix}*"):
        pid = f.name[len(book.stem) + 2:].split(".", 1)[0]
        if pid.isdigit() and int(pid) != os.getpid() and tempfiles.alive(int(pid)):
            continue  # another run is writing right now (should not happen: runs hold a lock)
        f.unlink(missing_ok=True)
        gone.append(f)
    return gone


def glob_escape(text: str) -> str:
    return "".join(f"[{c}]" if c in "*?[" else c for c in text)


def backup(book: Path, now: datetime, keep: int) -> Path | None:
    """Copy the current book into ``备份/`` with a timestamp; keep the newest ``keep``."""
    if keep <= 0 or not book.exists():
        return None
    folder = book.parent / "备份"
    folder.mkdir(exist_ok=True)
    dest = folder / f"{book.stem}.{now:%Y%m%d-%H%M%S}{book.suffix}"
    n = 1
    while dest.exists():
        dest = folder / f"{book.stem}.{now:%Y%m%d-%H%M%S}-{n}{book.suffix}"
        n += 1
    # A copy, not a hard link: a suite that saves in place would otherwise change the backup too.
    shutil.copy2(book, dest)
    old = sorted(folder.glob(f"{book.stem}.*{book.suffix}"), key=lambda p: p.name)
    for stale in old[:-keep]:
        stale.unlink(missing_ok=True)
    return dest


def replace(tmp: Path, book: Path) -> None:
    """Atomic on the same file system; raises PermissionError when Windows holds the book.
    The book keeps its owner and mode (a clerk's file stays the clerk's), and a run that lost
    its lock writes nothing (diskio checks the run's fence)."""
    diskio.replace(tmp, book)
