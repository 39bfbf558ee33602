"""重复件: same petitioner (any shared identity, any co-signer) and essentially the same matter.

An inverted index from identity keys to earlier items is the blocking step: only petitions
that share an ID number, a phone or a normalised name+address are ever compared by text.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flows.analysis.items import Item, overlap
from flows.analysis.text import describe_key


@dataclass
class Repeat:
    ref: str
    repeat_of: str  # the first item of the chain
    matched: str  # the earlier item it matched best
    count: int  # earlier items in the chain (1 = raised once before)
    shared: list[str]  # masked identities the two share
    similarity: float
    supervise: bool = False
    why_supervise: str = ""
    chain: list[str] = field(default_factory=list)


class RepeatIndex:
    def __init__(self, min_similarity: float = 0.35, review_window_days: int = 30):
        self.min_similarity = min_similarity
        self.review_window = timedelta(days=review_window_days)
        self.by_key: dict[str, list[Item]] = defaultdict(list)
        self.root: dict[str, str] = {}  # ref -> first item of its chain
        self.chains: dict[str, list[str]] = defaultdict(list)  # first ref -> refs in order

    def add(self, item: Item) -> None:
        for k in item.keys:
            self.by_key[k].append(item)
        root = self.root.setdefault(item.ref, item.ref)
        self.chains[root].append(item.ref)

    def match(self, item: Item) -> Repeat | None:
        """Best earlier match of ``item`` (not yet added), or None."""
        seen: dict[str, tuple[Item, list[str]]] = {}
        for k in item.keys:
            for other in self.by_key.get(k, ()):
                if other.ref == item.ref or (other.day, other.ref) > (item.day, item.ref):
                    continue
                seen.setdefault(other.ref, (other, []))[1].append(k)
        best: tuple[float, Item, list[str]] | None = None
        for other, keys in seen.values():
            s = overlap(item, other)
            if s >= self.min_similarity and (best is None or (s, other.day) > (best[0], best[1].day)):
                best = (s, other, keys)
        if best is None:
            return None
        s, other, keys = best
        root = self.root.get(other.ref, other.ref)
        chain = self.chains.get(root, [root])
        rep = Repeat(item.ref, root, other.ref, len(chain), sorted({describe_key(k) for k in keys}), round(s, 3),
                     chain=list(chain))
        self._supervision(rep, other, item)
        return rep

    def link(self, item: Item, rep: Repeat | None) -> None:
        """Record ``item`` (after ``match``) so later items can find it and its chain."""
        if rep is not None:
            self.root[item.ref] = rep.repeat_of
        self.add(item)

    def _supervision(self, rep: Repeat, other: Item, item: Item) -> None:
        if other.is_open():
            rep.supervise, rep.why_supervise = True, f"前次来件 {other.ref} 尚未办结又再次来信访"
            return
        closed = other.closed_on()
        if closed is not None and item.day - closed <= self.review_window:
            rep.supervise = True
            rep.why_supervise = (f"前次来件 {other.ref} 于 {closed.isoformat()} 办结，"
                                 f"{(item.day - closed).days} 天后再次来信访（复查期内）")


def detect(items: list[Item], *, min_similarity: float, review_window_days: int,
           index: RepeatIndex | None = None) -> dict[str, Repeat]:
    """Every item in date order against the ones before it; ``index`` may hold the past already."""
    index = index or RepeatIndex(min_similarity, review_window_days)
    out: dict[str, Repeat] = {}
    for item in sorted(items, key=lambda x: (x.day, x.ref)):
        rep = index.match(item)
        index.link(item, rep)
        if rep is not None:
            out[item.ref] = rep
    return out
