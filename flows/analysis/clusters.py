"""群体预警: a group petition (headcount at the threshold) or a build-up of similar petitions.

A cluster is a connected group of petitions within ``days`` of each other that are similar and
either from one locality, or so alike that they are about one matter wherever they come from
(a factory's smell reaches two villages). Blocking: only petitions inside the time window are
compared, found by bisecting the date-sorted list.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import timedelta

from flows.analysis.items import Item, similarity


@dataclass
class Alert:
    id: str
    kind: str  # group | cluster
    day: str  # date of the latest item
    refs: list[str]
    localities: list[str]
    explanation: str
    pairs: list[tuple[str, str, float]] = field(default_factory=list)


def group_alerts(items: list[Item], threshold: int) -> list[Alert]:
    return [Alert(f"G-{i.ref}", "group", i.day.isoformat(), [i.ref], [i.locality],
                  f"集体访：{i.ref} 人数 {i.headcount} 人（达到 {threshold} 人的预警线）")
            for i in items if i.headcount >= threshold]


class _Union:
    def __init__(self) -> None:
        self.parent: dict[str, str] = {}

    def find(self, x: str) -> str:
        self.parent.setdefault(x, x)
        while self.parent[x] != x:
            self.parent[x] = self.parent[self.parent[x]]
            x = self.parent[x]
        return x

    def union(self, a: str, b: str) -> None:
        self.parent[self.find(a)] = self.find(b)


def cluster_alerts(items: list[Item], *, min_size: int, days: int, local_similarity: float,
                   matter_similarity: float, focus: set[str] | None = None,
                   exclude_pairs: set[frozenset[str]] | None = None) -> list[Alert]:
    """Alerts for clusters; with ``focus``, only pairs involving those refs are compared (new items)."""
    ordered = sorted(items, key=lambda x: (x.day, x.ref))
    dates = [x.day for x in ordered]
    window = timedelta(days=days)
    uf, edges = _Union(), []
    for a in ordered:
        if focus is not None and a.ref not in focus:
            continue
        lo = bisect.bisect_left(dates, a.day - window)
        hi = bisect.bisect_right(dates, a.day + window)
        for b in ordered[lo:hi]:
            earlier = (b.day, b.ref) < (a.day, a.ref)
            if b.ref == a.ref or (earlier and (focus is None or b.ref in focus)):
                continue  # each pair once
            if exclude_pairs and frozenset((a.ref, b.ref)) in exclude_pairs:
                continue  # a repeat of oneself is not a crowd
            need = local_similarity if a.locality and a.locality == b.locality else matter_similarity
            s = similarity(a, b)
            if s >= need:
                uf.union(a.ref, b.ref)
                edges.append((a.ref, b.ref, round(s, 2)))
    groups: dict[str, list[Item]] = {}
    by_ref = {x.ref: x for x in ordered}
    for ref in list(uf.parent):
        groups.setdefault(uf.find(ref), []).append(by_ref[ref])
    alerts = []
    for members in groups.values():
        members.sort(key=lambda x: (x.day, x.ref))
        best = _densest(members, window)
        if len(best) < min_size:
            continue
        refs = [m.ref for m in best]
        locs = sorted({m.locality for m in best if m.locality})
        where = locs[0] if len(locs) == 1 else "、".join(locs) + "（跨村社，同一事项）"
        explanation = (f"{best[0].day.isoformat()} 至 {best[-1].day.isoformat()} 的 {days} 天内，{where} "
                       f"有 {len(best)} 件内容相似的来件：{'、'.join(refs)}")
        pairs = [e for e in edges if e[0] in refs and e[1] in refs]
        alerts.append(Alert(f"C-{refs[0]}", "cluster", best[-1].day.isoformat(), refs, locs, explanation, pairs))
    return alerts


def _densest(members: list[Item], window: timedelta) -> list[Item]:
    """The largest run of members that fits inside one window."""
    best: list[Item] = []
    j = 0
    for i in range(len(members)):
        while members[i].day - members[j].day > window:
            j += 1
        if i - j + 1 > len(best):
            best = members[j:i + 1]
    return best
