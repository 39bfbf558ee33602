"""The one error tree of petitionbot.

What to do next decides the branch, not where the error came from::

    PetitionbotError
     ├── BusinessError            one item is wrong: quarantine it, keep going, never retry
     │    ├── MalformedPetition   a field is missing or cannot be parsed
     │    ├── AttachmentRejected  over the size cap, unreadable
     │    └── NotOurs             another unit's item (403): reassigned away from us
     │         └── Withdrawn      the upstream no longer has it (404)
     ├── SystemError_             the run cannot go on: stop cleanly, keep evidence, tell a person
     │    ├── ConfigError         the config file or environment is wrong (names the key)
     │    ├── LoginFailed         credentials refused (never retried: no lockout storms)
     │    ├── SessionExpired      needs a person (captcha): run `petitionbot login`
     │    ├── LayoutChanged       a page no longer looks like we expect
     │    ├── LedgerShapeChanged  a ledger book's header or key column cannot be trusted: nothing written
     │    ├── UpstreamDown        the upstream does not answer after the retries
     │    ├── LockBusy            another run holds the lock
     │    ├── LockLost            this run was frozen and another run took its lock over: stop now
     │    ├── StoreError          the database cannot be read or written
     │    └── DiskError           a file or folder cannot be written (disk full, read-only, no permission)
     └── TransientError           worth retrying with backoff (timeout, 5xx, 429)
          └── ChannelError        a reminder could not be delivered: the outbox retries it later

Library errors (Playwright, sqlite3, openpyxl ...) are mapped into this tree at the adapter
boundary with ``raise X from exc``; they never leak into flows.
Every error carries a Chinese ``message`` for the clerk; ``str(exc)`` is that message.
"""

from __future__ import annotations


class PetitionbotError(Exception):
    """Base of every error petitionbot raises on purpose."""

    def __init__(self, message: str, *, ref: str | None = None, hint: str | None = None):
        super().__init__(message)
        self.message = message
        self.ref = ref
        self.hint = hint

    def __str__(self) -> str:
        text = self.message
        if self.ref:
            text = f"[{self.ref}] {text}"
        if self.hint:
            text = f"{text}（{self.hint}）"
        return text


class BusinessError(PetitionbotError):
    """This one item is wrong. Quarantine it with its reason; the run goes on."""


class MalformedPetition(BusinessError):
    pass


class AttachmentRejected(BusinessError):
    pass


class NotOurs(BusinessError):
    pass


class Withdrawn(NotOurs):
    pass


class SystemError_(PetitionbotError):  # noqa: N801 - avoid shadowing the builtin SystemError
    """The run cannot go on. Stop cleanly, keep evidence, tell a person."""


class ConfigError(SystemError_):
    pass


class LoginFailed(SystemError_):
    pass


class SessionExpired(SystemError_):
    pass


class LayoutChanged(SystemError_):
    pass


class LedgerShapeChanged(SystemError_):
    """A clerk changed a book's header (renamed or deleted 信访件编号, ...) or a sync would register an
    unusual number of walk-ins: the sync stops before writing anything and says how to fix it."""


class UpstreamDown(SystemError_):
    pass


class LockBusy(SystemError_):
    pass


class LockLost(SystemError_):
    """Another run took the lock over (this one looked dead or frozen). Every side effect
    (send, write, upstream action) checks for it first: a run that lost the lock stops at once."""


class StoreError(SystemError_):
    pass


class DiskError(SystemError_):
    pass


class TransientError(PetitionbotError):
    """Worth retrying with backoff. ``retry_after`` (seconds) when the server said so."""

    def __init__(self, message: str, *, retry_after: float | None = None, **kw):
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ChannelError(TransientError):
    """A reminder channel could not deliver a message; the outbox keeps it and retries later."""
