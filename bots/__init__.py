"""The robot port: what a flow may ask of an upstream web system.

Everything that touches a browser lives under ``bots/``; flows receive an object that
satisfies :class:`Robot` and see only the plain records below. No Playwright type, and no
Playwright exception, crosses this boundary: adapters map failures into ``flows.errors``.

The robot reports what the page shows, as text. Parsing and validation (dates, required
fields, hostile values) happen in ``flows/intake.py`` so they are testable without a browser
and a malformed item becomes a business error there.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Protocol


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
    """A detail that could not be fetched; ``error`` is a flows.errors instance."""

    ref: str
    error: Exception


class Robot(Protocol):
    """One upstream web system, driven for one run. Use as a context manager."""

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
