"""The workdir's folder layout, in one place, and the one way a name becomes a folder.

Every file petitionbot keeps lives under one folder (config ``[storage] workdir``)::

    <workdir>/
      petitionbot.db            the store (SQLite; another database when [storage] database says so)
      petitionbot.lock          the run lock (one run at a time); serve.lock: one service per workdir
      scheduler.db              the scheduler's job store (petitionbot serve)
      attachments/<ref>/        files fetched with each petition
      letters/<year>/<ref>/     drafted letters of a petition, by the year it was assigned
      letters/<year>/单位/<unit>/<yyyymmdd>/   letters to a unit (督办单), by the day drafted
      reminders/<yyyymmdd>/     the overdue lists and digests of one send day
      reports/<yyyy>/           monthly analysis reports
      analysis/                 the office's fine-tuned classification model
      ledger/                   the tracking books (config [ledger] folder may put them elsewhere)
      runs/<run id>/            one folder per run: summary.json, evidence of failures
      runs/login-evidence/      what ``petitionbot login`` saw when it failed
      secrets/                  saved upstream sessions (mode 0600)
      logs/                     rotating log files
      tmp/<pid>/                private half-written files, swept as every run starts

A ref becomes a folder name through :func:`core.refs.folder_name` only (its key, sanitised, with a
hash when sanitising changed it); other names (a unit's) through :func:`safe_name`. Nothing here
touches the disk: callers create what they write into.
"""

from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from core.refs import folder_name

DATABASE = "petitionbot.db"
LOCK = "petitionbot.lock"
SERVE_LOCK = "serve.lock"
SCHEDULER_DB = "scheduler.db"
MODEL = Path("analysis") / "category_model.npz"
UNITS = "单位"  # letters addressed to a unit rather than about one petition

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]')


def safe_name(text: str) -> str:
    """A Windows-safe folder or file name from a name that is not a ref (a unit's). When
    sanitising changed the text, a short hash of it follows a ``~``: two names that sanitise
    alike (``a/b`` and ``a_b``) never share a folder."""
    name = _UNSAFE.sub("_", text).strip(" .")
    if name == text and name:
        return name
    return f"{name or '_'}~{hashlib.sha256(text.encode()).hexdigest()[:8]}"


@dataclass(frozen=True)
class Workdir:
    """Where each kind of file goes under ``root``. ``os.fspath(workdir)`` is the root."""

    root: Path

    def __post_init__(self) -> None:
        object.__setattr__(self, "root", Path(self.root))

    @classmethod
    def of(cls, where: Workdir | str | os.PathLike[str]) -> Workdir:
        return where if isinstance(where, Workdir) else cls(Path(where))

    def __fspath__(self) -> str:
        return os.fspath(self.root)

    # -- files of the workdir itself -----------------------------------------------------------
    @property
    def database(self) -> Path:
        return self.root / DATABASE

    @property
    def lock(self) -> Path:
        return self.root / LOCK

    @property
    def serve_lock(self) -> Path:
        return self.root / SERVE_LOCK

    @property
    def scheduler_db(self) -> Path:
        return self.root / SCHEDULER_DB

    @property
    def model(self) -> Path:
        return self.root / MODEL

    # -- folders --------------------------------------------------------------------------------
    @property
    def attachments(self) -> Path:
        return self.root / "attachments"

    def letters(self, year: int) -> Path:
        return self.root / "letters" / str(year)

    def letters_of(self, ref: str, year: int) -> Path:
        return self.letters(year) / folder_name(ref)

    def unit_letters(self, unit: str, day: date) -> Path:
        return self.letters(day.year) / UNITS / safe_name(unit) / f"{day:%Y%m%d}"

    def reminders(self, day: date) -> Path:
        return self.root / "reminders" / f"{day:%Y%m%d}"

    def reports(self, year: int | str) -> Path:
        return self.root / "reports" / str(year)

    def ledger(self, folder: Path) -> Path:
        """The books' folder: ``folder`` itself when absolute, else under the workdir."""
        return folder if folder.is_absolute() else self.root / folder

    @property
    def runs(self) -> Path:
        return self.root / "runs"

    def run(self, run_id: str) -> Path:
        return self.runs / run_id

    @property
    def login_evidence(self) -> Path:
        return self.runs / "login-evidence"

    @property
    def secrets(self) -> Path:
        return self.root / "secrets"

    def session(self, site: str, username: str) -> Path:
        """The saved upstream session of one account (Playwright storage state)."""
        return self.secrets / f"{site}-{username}.state.json"

    @property
    def logs(self) -> Path:
        return self.root / "logs"

    @property
    def tmp(self) -> Path:
        return self.root / "tmp"

    # -- paths recorded in the store ------------------------------------------------------------
    def relative(self, path: Path) -> str:
        """How the store records a file of the workdir (portable: the workdir may move)."""
        return path.relative_to(self.root).as_posix()

    def resolve(self, recorded: str) -> Path:
        return self.root / recorded
