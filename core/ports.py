"""The ports: what the business flows ask of the world, owned by neither side.

Flows (``flows/``) and adapters (``bots/``, ``flows/store/sqlite.py``, the reminder channels, the
shell's progress bars) both import from here and never from each other, so the arrows point one
way: shell -> flows -> core <- adapters.

- :class:`Robot`: one upstream web system, driven for one run (adapters in ``bots/<site>/``), with
  the plain records it returns (:class:`Listing`, :class:`Scraped`, ...) and the site's vocabulary
  (:class:`Site`), so flows never compare one site's strings.
- :class:`Store`: the system of record (adapter: ``flows/store/sqlite.py``).
- :class:`Channel`: delivers one reminder :class:`Message` (e-mail, DingTalk, WeCom).
- :class:`Clock` and :class:`Progress`: time and progress reporting, injected.

No Playwright type or exception crosses the robot boundary: adapters map failures into
``core.errors``. The robot reports what the page shows, as text; parsing and validation happen in
``flows/intake.py`` so they are testable without a browser.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, NamedTuple, Protocol, runtime_checkable

from core.model import Petition

# -- the robot port -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Site:
    """What one upstream system's words mean. Each robot declares its own; flows ask it and never
    compare one site's strings (a status, a form, a date format) themselves."""

    name: str  # the registry key and the config's ``site``: "district", "hotline"
    label: str  # shown to clerks (the ledger's 来源 column, messages): "区信访系统", "12345热线"
    to_sign: frozenset[str]  # statuses meaning "assigned to us, not yet signed for" (签收/接单)
    closed: frozenset[str]  # statuses that end the matter: no deadline runs after them
    withdrawn: frozenset[str] = frozenset()  # statuses meaning the upstream took it back
    # Statuses of an item still being handled (besides to_sign): with the three above, every word
    # the site is known to use. Intake notes an item whose status is none of them (a new word
    # after an upgrade must not pass silently as "open"); the contract suite checks the simulator.
    open: frozenset[str] = frozenset()
    forms: Mapping[str, str] = field(default_factory=dict)  # the site's word -> a core.model FORMS value
    purposes: Mapping[str, str] = field(default_factory=dict)  # the site's word -> a PURPOSES value
    ref_pattern: str = r"[A-Za-z0-9-]+"  # a ref of this site, as the upstream writes it
    date_formats: tuple[str, ...] = ("%Y-%m-%d",)  # how its pages write dates and times
    statutory: bool = True  # the petition statutes' deadlines apply; False: the item's own 办理时限

    def knows(self, status: str) -> bool:
        """True when ``status`` is one of the site's classified words."""
        return status in self.to_sign or status in self.closed or status in self.withdrawn or status in self.open


@dataclass(frozen=True)
class Listing:
    """One row of the 待签收 / 待办理 lists."""

    ref: str
    title: str
    status: str  # 待签收 | 待办理 | ...
    assigned_on: str = ""  # as shown
    due_on: str = ""  # as shown, may be empty


@dataclass
class ScrapedAttachment:
    name: str  # as the upstream named it (not yet sanitised)
    media_type: str = "application/octet-stream"
    data: bytes | None = None  # None when not downloaded (error set, or over the cap)
    size: int | None = None  # declared or actual size in bytes
    error: str = ""  # why data is None, in Chinese
    retry: bool = False  # the download failed (worth trying on a later run), rather than being refused for its size


@dataclass
class Scraped:
    """Everything the detail view shows for one petition, as text.

    ``fields`` keys follow the dataset names: title, form, received_on, assigned_on,
    assigned_to, assigning_office, handover, handover_no, due_on, headcount, locality,
    purpose, category, content, demand, anonymous, status.
    """

    ref: str
    fields: dict[str, str]
    petitioners: list[dict[str, str]] = field(default_factory=list)  # name,id_number,phone,address
    attachments: list[ScrapedAttachment] = field(default_factory=list)


@dataclass
class FetchFailure:
    """A detail that could not be fetched; ``error`` is a core.errors instance."""

    ref: str
    error: Exception


class Robot(Protocol):
    """One upstream web system, driven for one run. Use as a context manager."""

    site: Site

    def __enter__(self) -> Robot: ...

    def __exit__(self, *exc: object) -> None: ...

    def login(self) -> None:
        """Reuse the saved session or log in once. Raises LoginFailed / SessionExpired."""

    def list_assigned(self) -> list[Listing]:
        """Every item assigned to our unit, across all pages of 待签收 and 待办理, deduplicated."""

    def fetch(self, refs: Sequence[str]) -> Iterator[Scraped | FetchFailure]:
        """Details and attachments of ``refs``, fetched concurrently (bounded), yielded as
        each completes so the caller can store it at once."""

    def sign(self, ref: str) -> bool:
        """签收 one item. True if signed now, False if it was already signed."""

    @property
    def stats(self) -> dict[str, int]:
        """Counts for the run summary (retries, re-logins, ...): no personal data, no refs."""


# Shown the captcha as the headless browser sees it (PNG bytes; empty when the page has none) and
# the upstream's message about the previous code ("" the first time); returns the code a person
# read. It may block while the person types, and raise to give up.
CaptchaSolver = Callable[[bytes, str], str]


@runtime_checkable
class InteractiveLogin(Protocol):
    """Optional capability of a robot whose upstream asks a person (a captcha): ``petitionbot
    login`` and the console use it when ``isinstance(robot, InteractiveLogin)``."""

    def interactive_login(self, *, captcha_solver: CaptchaSolver | None = None, timeout_s: float = 300) -> None:
        """Log in once with a person's help and keep the session for the nightly runs: in a
        visible browser, or headless with ``captcha_solver`` answering the captcha."""


# -- the store port -------------------------------------------------------------------------------
# The system of record, spoken in the domain's words: features call these methods and never write
# a query, so another adapter (PostgreSQL) changes flows/store/ only. The port is one protocol made
# of one part per feature, each part documented where it is declared.
#
# Fencing: while ``fence_generation`` is set (by the shell, for the run holding the run lock),
# every write below, and every read a feature makes inside a unit of work, raises LockLost once a
# newer run has taken the lock over. Only ``begin_generation`` and ``record_run`` are never fenced.


class LedgerRow(NamedTuple):
    """What the bot last wrote for one ref in one book: the base of the next three-way merge
    (a tuple: a 100,000-row book loads one per row)."""

    book: str
    ref: str  # its key (core.refs.ref_key)
    clerk: dict[str, str]  # the clerk columns as written
    bot_crc: int  # checksum of the bot columns as written


@dataclass
class Queued:
    """One message in the outbox, stored before any send is tried."""

    id: int
    key: str
    kind: str
    unit: str
    message: Message
    attempts: int
    last_error: str | None
    send_day: str
    created_at: str


# (key, kind, unit, message, [(ref, step, level), ...]): one message and the reminder-log entries
# it carries out, stored together.
Outgoing = tuple[str, str, str, "Message", list[tuple[str, str, str]]]


class PetitionRecords(Protocol):
    def get(self, ref: str) -> Petition | None: ...

    def refs(self) -> set[str]: ...

    def petitions(self, *, include_withdrawn: bool = True) -> Iterator[Petition]:
        """Every petition, ordered by (assigned_on, ref)."""

    def insert(self, petition: Petition, *, run_id: str | None, source: str,
               at: datetime | None = None) -> None:
        """Store a new petition, and close its open quarantine, in one transaction; first seen ``at``
        (the caller's clock; the wall clock when omitted). Raises StoreError on a duplicate ref.
        ``source`` names where it came from (upstream, district, hotline, ledger…) and has no default:
        a new source that forgot it would have been filed as the upstream's."""

    def save(
        self, petition: Petition, *, changes: list[tuple[str, Any, Any]], source: str, run_id: str | None,
        at: datetime | None = None,
    ) -> None:
        """Replace a petition and record ``changes`` (field, old, new) as history stamped ``at``, atomically."""

    def history(self, ref: str) -> list[dict[str, Any]]: ...

    def quarantine(self, ref: str, reason: str, raw: Any, *, run_id: str | None) -> None: ...

    def quarantined(self, *, open_only: bool = True) -> list[dict[str, Any]]: ...

    def resolve_quarantine(self, ref: str) -> None: ...

    def next_local_ref(self, year: int) -> str:
        """A fresh ref for a petition that has none upstream (a walk-in row in the ledger)."""


class RunRecords(Protocol):
    fence_generation: int | None

    def begin_generation(self, token: str) -> int:
        """Issue the next fencing number to the run that has just taken the run lock."""

    def check_generation(self) -> None:
        """Raise LockLost when a newer run has taken the lock."""

    def record_run(self, run_id: str, **fields: Any) -> None:
        """Insert or update a run's row (never fenced: a stopped run still records why)."""

    def running(self) -> list[dict[str, Any]]:
        """Rows still marked running (id, flow, started, pid, host, generation)."""

    def runs(self, limit: int = 20) -> list[dict[str, Any]]:
        """The latest runs, newest first, ``summary`` decoded."""

    def runs_starting(self, prefix: str, limit: int = 2) -> list[dict[str, Any]]:
        """Runs whose id starts with ``prefix`` (a clerk types the first few characters)."""


class LedgerRecords(Protocol):
    """The ledger's memory of what it wrote, and the walk-ins it imported."""

    def ledger_rows(self) -> list[LedgerRow]: ...

    def refile_ledger_rows(self, moves: Sequence[tuple[str, str, str]]) -> None:
        """(book, ref, key): file a row under ``key`` unless that book already has one there;
        the row under ``ref`` goes either way."""

    def save_ledger_rows(self, rows: Sequence[LedgerRow], drop: Sequence[tuple[str, str]]) -> None:
        """Upsert ``rows`` and delete the (book, ref) rows in ``drop``, atomically."""

    def walkin_ref(self, fingerprint: str) -> str | None:
        """The ref given to the walk-in row with this fingerprint, if it was imported."""

    def remember_walkin(self, fingerprint: str, ref: str, book: str, at: str) -> None: ...


class LetterRecords(Protocol):
    """Which letter files the bot wrote: path (relative to the workdir) and sha256 of its bytes."""

    def letter_versions(self, scope: str, kind: str) -> list[dict[str, Any]]:
        """{version, path, sha256, data_hash} of every version of one letter, oldest first."""

    def record_letter(self, *, scope: str, ref: str | None, kind: str, version: int, path: str, sha256: str,
                      data_hash: str, at: datetime, run_id: str | None) -> None: ...

    def record_letter_file(self, path: str, sha256: str, *, at: datetime, run_id: str | None) -> None:
        """About to write these bytes at this path (recorded before the write)."""

    def letter_file_known(self, path: str, sha256: str) -> bool:
        """Did the bot write exactly these bytes at this path (recorded as a letter or not)?"""

    def letters_of(self, ref: str) -> list[dict[str, Any]]:
        """{kind, path, version} of a petition's letters, in the order they were drafted."""


class OutboxRecords(Protocol):
    """Reminder messages waiting to be delivered, and the once-a-day reminder log."""

    def reminders_logged(self, day: date) -> set[tuple[str, str, str]]:
        """(ref, step, level) of every reminder queued on ``day``."""

    def enqueue(self, batch: Sequence[Outgoing], *, day: date, at: datetime, run_id: str | None) -> int:
        """Store messages and their log entries atomically; a key already queued is kept as it
        is. Returns how many messages are new."""

    def outbox(self, *, due_by: datetime | None = None) -> list[Queued]:
        """Undelivered messages (those due by ``due_by`` when given), oldest first."""

    def mark_sent(self, qid: int, *, at: datetime, generation: int | None) -> None: ...

    def mark_failed(self, qid: int, *, attempts: int, error: str, retry_at: datetime,
                    generation: int | None) -> None: ...


class AnalysisRecords(Protocol):
    """Analysis findings (replaced whole by each run), clerks' answers, the word features cache."""

    def replace_analysis(self, rows: Sequence[Mapping[str, Any]], alerts: Sequence[Mapping[str, Any]],
                         run_id: str | None, *, at: datetime) -> None:
        """The findings of one run replace the previous run's, stamped ``at``; an alert keeps its first_seen."""

    def analysis_row(self, ref: str) -> dict[str, Any] | None: ...

    def analysis_rows(self) -> dict[str, dict[str, Any]]: ...

    def analysis_alerts(self) -> list[dict[str, Any]]:
        """Group alerts, newest day first."""

    def repeat_decisions(self) -> dict[frozenset[str], str]:
        """{frozenset((ref, other)): confirm | reject}: every answer a clerk ever gave."""

    def record_repeat_decisions(self, answers: Sequence[tuple[str, str, str]], *, at: datetime) -> None:
        """Keep (ref, other, answer) decided ``at``; a later answer on the same pair replaces the earlier."""

    def word_features(self) -> dict[str, tuple[str, str]]:
        """ref -> (digest, JSON) of the cached word features."""

    def save_word_features(self, rows: Sequence[tuple[str, str, str]]) -> None: ...

    def alert_answers(self) -> dict[str, dict[str, Any]]:
        """alert id -> {answer: confirm | dismiss, reason, username, at}: clerks' answers to group alerts."""

    def answer_alert(self, alert_id: str, answer: str, *, reason: str, username: str, at: datetime) -> None:
        """Keep a clerk's answer to a group alert; a later answer replaces it."""


class Store(PetitionRecords, RunRecords, LedgerRecords, LetterRecords, OutboxRecords, AnalysisRecords, Protocol):
    def transaction(self, *, fenced: bool = True) -> AbstractContextManager[None]:
        """Group domain calls into one atomic unit of work: commits on exit, rolls back on an
        exception (a thousand ledger saves are one commit). Yields nothing to use: callers pass
        domain operations, never queries."""

    def close(self) -> None: ...


# -- reminder channels ---------------------------------------------------------------------------

@dataclass
class Message:
    channel: str  # email | dingtalk | wecom
    to: list[str]  # e-mail addresses, or the one webhook URL of a chat robot
    subject: str
    body: str  # plain text for e-mail, markdown for chat robots
    cc: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # file paths; chat robots only name them
    mentions: list[str] = field(default_factory=list)  # mobiles to @ in a chat group
    secret_name: str = ""  # DingTalk: env var holding the signing secret (never the secret itself)
    key: str = ""  # the outbox key: stable across retries (e-mail's Message-ID is made from it)


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise ChannelError. Must not retry internally (the outbox does)."""


# -- time and progress ---------------------------------------------------------------------------

class Clock(Protocol):
    def now(self) -> datetime: ...

    def today(self) -> date: ...


class Progress(Protocol):
    def start(self, total: int, label: str) -> None: ...

    def advance(self, n: int = 1) -> None: ...

    def close(self) -> None: ...

