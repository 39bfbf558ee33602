"""A light, matching-ready view of a petition: identity keys, dates, state, lazily its features.

Word features are computed on first use only (or read from the feature cache), so indexing
100,000 past petitions costs the key extraction alone; segmentation is paid for the few
candidates an index returns and the petitions inside a cluster window.
"""

from __future__ import annotations

import gc
import hashlib
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

from core.model import Petition
from flows.analysis import taxonomy, words
from flows.analysis.numbers import buildings
from flows.analysis.text import Who, event_dates, identity_keys, signer_names, village_of

# The clerk's 办理状态 words (the ledger's own vocabulary, flows/ledger/settings.py) that close an
# item; what an upstream status means is its site's business (Petition.closed, set at intake).
CLOSED_STATUSES = ("已办结", "已存档")
# Changing how features are built invalidates every cached feature: bump with the code.
FEATURES_VERSION = "w7"  # w7: a flat's number after its building (3幢1201) is not an amount


@contextmanager
def bulk() -> Iterator[None]:
    """Pause Python's cycle collector while many long-lived objects are built at once (an item, its
    keys and its index entries for each of 100,000 petitions). The collector would otherwise scan
    every object built so far, again and again as they grow: about 2.7 s of the 6.6 s it took to build
    the items and index of 100,000 past petitions in a profile on this project's bench machine (round
    sixteen). Reference counting still frees what is dropped; any cycle is collected when the block
    ends."""
    paused = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if paused:
            gc.enable()


@dataclass
class TextContext:
    """What feature extraction needs besides the petition: the matter words and the place names
    to strip, and a cache of features already computed (ref -> (digest, features))."""

    matter: words.Matter
    places: frozenset[str] = frozenset()
    lexicon: frozenset[str] = frozenset()  # the taxonomy's keywords (kind_words)
    demand_weight: int = 2
    # ref -> (digest, features or their JSON as the store keeps them)
    cache: dict[str, tuple[str, words.Features | str]] = field(default_factory=dict)
    fresh: dict[str, tuple[str, words.Features]] = field(default_factory=dict)  # computed this run

    @classmethod
    def load(cls, taxonomy_dir: Path, places: set[str] | frozenset[str] = frozenset(),
             lexicon: frozenset[str] | None = None) -> TextContext:
        """``lexicon``: the keywords of the taxonomy already loaded (``Taxonomy.keywords``); None
        reads them from ``taxonomy_dir``."""
        return cls(words.load_matter(taxonomy_dir), frozenset(places),
                   taxonomy.lexicon_words(taxonomy_dir) if lexicon is None else lexicon)

    @cached_property
    def kind_words(self) -> frozenset[str]:
        """The words of a kind of matter rather than of one matter: the key objects' names and the
        lexicon's keywords (预付卡, 退费, 物业, 诈骗). One person's two matters of one kind share them."""
        return frozenset(self.matter.objects) | self.lexicon

    def digest(self, p: Petition) -> str:
        names = "|".join(x.name for x in p.petitioners)
        raw = "\x1f".join((FEATURES_VERSION, str(self.demand_weight), self.matter_hash, p.title, p.content, p.demand,
                           names, p.locality))
        return hashlib.blake2b(raw.encode("utf-8"), digest_size=12).hexdigest()

    @property
    def matter_hash(self) -> str:
        h = self.__dict__.get("_mh")
        if h is None:
            h = hashlib.blake2b(repr((sorted(self.matter.objects.items()), sorted(self.matter.spelling.items()),
                                      sorted(self.matter.stopwords))).encode("utf-8"), digest_size=8).hexdigest()
            self.__dict__["_mh"] = h
        return h

    def features(self, p: Petition) -> words.Features:
        d = self.digest(p)
        hit = self.fresh.get(p.ref) or self.cache.get(p.ref)
        if hit is not None and hit[0] == d:
            f = hit[1] if isinstance(hit[1], words.Features) else words.Features.load(hit[1])
            self.cache[p.ref] = (d, f)
        else:
            f = self.compute(p)
            self.fresh[p.ref] = (d, f)
        if not f.vec:
            f.vec = words.weigh(f.tokens, Counter(f.boost))
        return f

    def fresh_rows(self) -> list[tuple[str, str, str]]:
        """(ref, digest, JSON) of the features computed since the cache was loaded."""
        return [(ref, d, f.dump()) for ref, (d, f) in self.fresh.items()]

    def compute(self, p: Petition) -> words.Features:
        names = [x.name for x in p.petitioners if x.name] + signer_names(p)  # a name says nothing of the matter
        places = [*self.places, p.locality, *(village_of(x.address) for x in p.petitioners)]
        story, o1, a1, s1 = words.tokens_of(p.content, self.matter, names=names, places=places)
        demand, o2, a2, s2 = words.tokens_of(f"{p.title}。{p.demand}", self.matter, names=names, places=places)
        boost = demand * (self.demand_weight - 1)
        return words.Features(story + demand, frozenset(o1 | o2), tuple(sorted(set(a1 + a2))), frozenset(s1 | s2),
                              boost=boost)


@dataclass
class Item:
    ref: str
    day: date
    locality: str
    headcount: int
    form: str
    keys: dict[str, Who]
    petition: Petition
    ctx: TextContext | None = field(default=None, repr=False)
    category: str = ""  # the best category known (clerk, upstream or suggested), for agreement
    _f: words.Features | None = field(default=None, repr=False)
    _buildings: frozenset[str] | None = field(default=None, repr=False)
    _asks: dict[str, float] | None = field(default=None, repr=False)
    _events: list[tuple[date, str]] | None = field(default=None, repr=False)

    @classmethod
    def of(cls, p: Petition, ctx: TextContext | None = None, category: str = "") -> Item:
        return cls(p.ref, p.received_on, p.locality, p.headcount or 1, p.form, identity_keys(p), p, ctx,
                   category or p.category)

    @property
    def f(self) -> words.Features:
        if self._f is None:
            if self.ctx is None:
                raise RuntimeError("Item has no TextContext")
            self._f = self.ctx.features(self.petition)
        return self._f

    @property
    def buildings(self) -> frozenset[str]:
        """The building numbers the petition's text names (5幢, 3号楼), for telling one estate's
        buildings apart."""
        if self._buildings is None:
            p = self.petition
            self._buildings = buildings(f"{p.title}\n{p.content}\n{p.demand}")
        return self._buildings

    @property
    def asks(self) -> dict[str, float]:
        """The word weights of the title and the demand alone (what is asked for): the features
        keep those words as the demand's extra count (``demand_weight`` 2, the only one used)."""
        if self._asks is None:
            self._asks = words.weigh(self.f.boost)
        return self._asks

    @property
    def events(self) -> list[tuple[date, str]]:
        """The dates the petition's title and content give (``text.event_dates``), read once: the
        repeat model asks for them against every earlier candidate."""
        if self._events is None:
            self._events = event_dates(self.petition)
        return self._events

    def closed_on(self) -> date | None:
        v = self.petition.clerk.get("closed_on")
        if isinstance(v, date):
            return v
        try:
            return date.fromisoformat(str(v)) if v else None
        except ValueError:
            return None

    def is_open(self) -> bool:
        if self.closed_on() is not None or self.petition.closed:
            return False
        state = str(self.petition.clerk.get("handling_status") or "")
        return not any(s in state for s in CLOSED_STATUSES)
