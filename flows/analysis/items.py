"""A light, matching-ready view of a petition: identity keys, dates, state, lazily its shingles.

Shingles are computed on first use only, so indexing 100,000 past petitions costs the key
extraction alone; similarity is paid for the few candidates an index returns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flows.analysis.text import identity_keys, jaccard, matter_text, norm, shingles
from flows.model import Petition

CLOSED_STATUSES = ("已办结", "已存档")


@dataclass
class Item:
    ref: str
    day: date
    locality: str
    headcount: int
    keys: dict[str, str]
    petition: Petition
    _sh: frozenset[str] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, p: Petition) -> Item:
        return cls(p.ref, p.received_on, p.locality, p.headcount or 1, identity_keys(p), p)

    @property
    def sh(self) -> frozenset[str]:
        if self._sh is None:
            text = matter_text(self.petition)
            if self.locality:  # a place name says where, not what: two villages can share one matter
                text = text.replace(norm(self.locality), "")
            self._sh = shingles(text[:600])  # junk appended to a text must not drown its matter
        return self._sh

    def closed_on(self) -> date | None:
        v = self.petition.clerk.get("closed_on")
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v)) if v else None
        except ValueError:
            return None

    def is_open(self) -> bool:
        if self.closed_on() is not None:
            return False
        state = str(self.petition.clerk.get("handling_status") or self.petition.status)
        return not any(s in state for s in CLOSED_STATUSES)


def similarity(a: Item, b: Item) -> float:
    return jaccard(a.sh, b.sh)


def overlap(a: Item, b: Item) -> float:
    """Share of the shorter text found in the longer: a repeat often adds "again" and history."""
    if not a.sh or not b.sh:
        return 0.0
    return len(a.sh & b.sh) / min(len(a.sh), len(b.sh))
