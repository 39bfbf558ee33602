"""群体预警: a group petition (集体访 or 联名信) or a build-up of petitions about one matter.

Group petitions are named by their form: a visit (来访) of ``threshold`` or more people is a
集体访; a letter or online petition signed by as many is a 联名信. Both alert. A phone call is
neither (its headcount is what one caller says).

A cluster is a connected group of petitions from different people within ``days`` of each
other, two of them linked when the link model (``links.py``) gives their pair a probability of
being one matter of at least ``link`` (``[analysis] cluster_link_probability``). The model weighs
the pair's same-matter evidence (``matter.py``: words, key objects, amounts, named spots,
category, days apart) by where the two are: inside one village, or across villages (a factory's
smell reaches two). A matter on a village border is told from both sides: when one petition names
the other's village (仙宅村 writes "靠近永安村那一边", "溪塔那边渠道过来"), the two count as one
place. Neighbours who each write their own account of one matter share few words, so a key object
or a named spot both mention counts besides the words. One village, one category and one week are
not yet one matter: the model learnt that from the tuning corpora pooled into one store, where
two writers' petitions meet as neighbours. Two petitions that name different buildings (5幢, 12幢)
are less likely one matter; two worded as copies (``links.NEAR_COPY``) are one wherever they are.

Blocking: petitions are compared only inside the time window, by sparse matrix products over
their word weights, so a year of petitions costs seconds.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field
from datetime import timedelta

from core.model import GROUP_VISIT, group_kind
from flows.analysis import links, matter, words
from flows.analysis.items import Item
from flows.analysis.text import place_of, usable

# Pairs whose word cosine is under this are never one matter (the lowest same-matter pair of the
# tuning halves that an alert needs had 0.088): they are not scored at all.
FLOOR = 0.05
LINK = 0.9  # default of [analysis] cluster_link_probability


@dataclass
class Alert:
    id: str
    kind: str  # 集体访 | 联名信 | cluster
    day: str  # date of the latest item
    refs: list[str]
    localities: list[str]
    explanation: str
    pairs: list[tuple[str, str, float]] = field(default_factory=list)


def group_alerts(items: list[Item], threshold: int) -> list[Alert]:
    out = []
    for i in items:
        kind = group_kind(i.form, i.headcount, threshold)
        if not kind:
            continue
        who = "来访人数" if kind == GROUP_VISIT else "联名人数"
        out.append(Alert(f"G-{i.ref}", kind, i.day.isoformat(), [i.ref], [i.locality],
                         f"{kind}：{i.ref}（{i.form}）{who} {i.headcount} 人，达到 {threshold} 人的预警线"))
    return out


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


def same_person(a: Item, b: Item) -> bool:
    """One person's petitions are a repeat, not a crowd."""
    return any(k in b.keys and usable(k, who, b.keys[k]) for k, who in a.keys.items())


def _matrix(items: list[Item]):  # noqa: ANN202 - a scipy CSR matrix
    """Rows of L2-normalised word weights, one per item, over their joint vocabulary."""
    from scipy.sparse import csr_matrix

    vocab: dict[str, int] = {}
    data, cols, ptr = [], [], [0]
    for it in items:
        for w, v in it.f.vec.items():
            cols.append(vocab.setdefault(w, len(vocab)))
            data.append(v)
        ptr.append(len(cols))
    return csr_matrix((data, cols, ptr), shape=(len(items), max(len(vocab), 1)))


def cluster_pairs(items: list[Item], *, days: int, floor: float, focus: set[str] | None = None
                  ) -> list[tuple[Item, Item, float]]:
    """(a, b, cosine) for pairs of items within ``days`` whose word cosine reaches ``floor``; with
    ``focus``, only pairs that involve one of those refs."""
    ordered = sorted(items, key=lambda x: (x.day, x.ref))
    if focus is not None:
        # Only the window around the focus items takes part: their features are all we compute.
        need = sorted({x.day for x in ordered if x.ref in focus})
        window = timedelta(days=days)
        ordered = [x for x in ordered if need and _near(need, x.day, window)]
    if len(ordered) < 2:
        return []
    dates = [x.day for x in ordered]
    x = _matrix(ordered)
    out = []
    span = timedelta(days=days)
    i = 0
    while i < len(ordered):
        j = bisect.bisect_right(dates, dates[i])  # the block of one day
        hi = bisect.bisect_right(dates, dates[i] + span)
        sims = (x[i:j] @ x[i:hi].T).tocoo()
        for r, c, v in zip(sims.row, sims.col, sims.data, strict=True):
            a, b = i + int(r), i + int(c)
            if b <= a or v < floor:
                continue  # each pair once (the block holds later items and its own day)
            ia, ib = ordered[a], ordered[b]
            if focus is not None and ia.ref not in focus and ib.ref not in focus:
                continue
            out.append((ia, ib, float(v)))
        i = j
    return out


def _near(days_sorted: list, d, window: timedelta) -> bool:  # noqa: ANN001 - dates
    k = bisect.bisect_left(days_sorted, d - window)
    return k < len(days_sorted) and days_sorted[k] <= d + window


def one_place(a: Item, b: Item) -> bool:
    """The same 问题属地, or one petition names the other's village (a matter on their border)."""
    if a.locality and a.locality == b.locality:
        return True
    return _names(a, b.locality) or _names(b, a.locality)


def _names(item: Item, village: str) -> bool:
    stem = place_of(village).removesuffix("社区").removesuffix("村")
    if len(stem) < 2:
        return False
    p = item.petition
    return stem in p.content or stem in p.title or stem in p.demand


def pair_features(a: Item, b: Item, s: matter.PairScore, model: links.LinkModel | None = None) -> list[float]:
    """The link model's inputs for ``a`` and ``b`` scored ``s`` (the run and the training script
    both build them here); an input ``model`` weighs at 0 is not computed."""
    beyond = bool(s.objects) and (model is None or model.weighs("beyond_objects")) and _beyond_objects(a, b)
    return links.features(s, one_place=one_place(a, b), same_locality=bool(a.locality) and a.locality == b.locality,
                          beyond_objects=beyond,
                          building_differs=bool(a.buildings and b.buildings and not a.buildings & b.buildings))


def link_probability(a: Item, b: Item, s: matter.PairScore, model: links.LinkModel) -> float:
    """The model's probability that ``a`` and ``b`` (different people) are one matter; 1 for a near
    copy (``links.NEAR_COPY``)."""
    if s.cosine >= links.NEAR_COPY:
        return 1.0
    return model.probability(pair_features(a, b, s, model))


def cluster_alerts(items: list[Item], *, min_size: int, days: int, link: float = LINK,
                   weights: matter.Weights | None = None, floor: float = FLOOR, focus: set[str] | None = None,
                   exclude_pairs: set[frozenset[str]] | None = None, model: links.LinkModel | None = None
                   ) -> list[Alert]:
    """Alerts for clusters; with ``focus``, only pairs involving those refs are compared (new items)."""
    model = model or links.shipped()
    uf, edges = _Union(), []
    by_ref = {x.ref: x for x in items}
    for a, b, cos in cluster_pairs(items, days=days, floor=floor, focus=focus):
        if exclude_pairs and frozenset((a.ref, b.ref)) in exclude_pairs:
            continue
        if same_person(a, b):
            continue
        s = matter.score(a, b, weights, cos=cos, explain=False)
        p = link_probability(a, b, s, model)
        if p >= link:
            uf.union(a.ref, b.ref)
            s.shared_words = words.shared_words(a.f.vec, b.f.vec, 5)
            edges.append((a.ref, b.ref, round(p, 2), s))
    groups: dict[str, list[Item]] = {}
    for ref in list(uf.parent):
        groups.setdefault(uf.find(ref), []).append(by_ref[ref])
    edges_of: dict[str, list] = {}
    for e in edges:
        edges_of.setdefault(uf.find(e[0]), []).append(e)
    alerts = []
    window = timedelta(days=days)
    for root, members in groups.items():
        members.sort(key=lambda x: (x.day, x.ref))
        best = _densest(members, window, edges_of.get(root, []))
        if len(best) < min_size:
            continue
        refs = [m.ref for m in best]
        locs = sorted({m.locality for m in best if m.locality})
        where = locs[0] if len(locs) == 1 else "、".join(locs) + "（跨村社，同一事项）"
        keep = set(refs)
        inside = [e for e in edges_of.get(root, []) if e[0] in keep and e[1] in keep]
        if not inside:
            continue  # linked only through members outside this window: no build-up inside it
        common = _common(inside)
        if any(e[3].cosine >= links.NEAR_COPY for e in inside):
            common = "，".join(x for x in ("部分信访措辞几乎相同（可能统一撰写）", common) if x)
        explanation = (f"{best[0].day.isoformat()} 至 {best[-1].day.isoformat()} 的 {days} 天内，{where}"
                       f"有 {len(best)} 件不同信访人反映同一事项：{'、'.join(refs)}"
                       + (f"；共同点：{common}" if common else "")
                       + f"；两两为同一事项的可能性 {_span([e[2] for e in inside])}")
        alerts.append(Alert(f"C-{refs[0]}", "cluster", best[-1].day.isoformat(), refs, locs, explanation,
                            [(e[0], e[1], e[2]) for e in inside]))
    return alerts


def _span(values: list[float]) -> str:
    lo, hi = f"{min(values):.2f}", f"{max(values):.2f}"
    return lo if lo == hi else f"{lo}–{hi}"


def _beyond_objects(a: Item, b: Item) -> bool:
    """Whether two petitions share a word besides their key objects: 异味 alone is three smells
    from three sources, 异味 and 印染厂 is one."""
    return words.cosine_without(a.f.vec, b.f.vec, set(a.f.objects | b.f.objects)) > 0


def _common(edges: list) -> str:  # noqa: ANN001
    from collections import Counter

    common, objs, spots = Counter(), Counter(), Counter()
    for e in edges:
        s: matter.PairScore = e[3]
        common.update(s.shared_words[:3])
        objs.update(s.objects)
        spots.update(s.spots)
    parts = []
    if objs:
        parts.append("关键对象 " + "、".join(w for w, _ in objs.most_common(3)))
    if spots:
        parts.append("地点 " + "、".join(w for w, _ in spots.most_common(2)))
    if common:
        parts.append("词语 " + "、".join(w for w, _ in common.most_common(4)))
    return "，".join(parts)


def _densest(members: list[Item], window: timedelta, edges: list | None = None) -> list[Item]:  # noqa: ANN001
    """The largest run of members that fits inside one window; of runs as large, the one whose
    members are linked most strongly (a chain of generic links should not outrank a real build-up)."""
    if not members:
        return []
    spans: list[tuple[int, int]] = []  # (first, last) index of the run ending at each member
    j = 0
    for i in range(len(members)):
        while members[i].day - members[j].day > window:
            j += 1
        spans.append((j, i))
    size = max(b - a + 1 for a, b in spans)
    firsts = [a for a, b in spans if b - a + 1 == size]
    if len(firsts) == 1 or not edges:
        return members[firsts[0]:firsts[0] + size]
    # an edge between positions a < b lies inside the run starting at f when b - size < f <= a:
    # one difference array gives every run's strength in a single pass over the edges
    pos = {m.ref: k for k, m in enumerate(members)}
    diff = [0.0] * (len(members) + 1)
    for e in edges:
        a, b = sorted((pos[e[0]], pos[e[1]]))
        lo = max(0, b - size + 1)
        if lo <= a:
            diff[lo] += e[2]
            diff[a + 1] -= e[2]
    strength, run = [], 0.0
    for d in diff:
        run += d
        strength.append(run)
    best = max(firsts, key=lambda f: strength[f])
    return members[best:best + size]
