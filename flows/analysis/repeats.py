"""重复件: the same person (any shared identity, any co-signer), essentially the same matter, again.

Identity first: an inverted index from identity keys to earlier items is the blocking step, so
only petitions that share an ID, a phone with the name, a name with the address (or, weakly, a
name with the village) are ever compared by matter. Then a "same matter" score built for
paraphrase (``matter.py``). Two tiers: 重件 (confident) and 疑似重件, which a clerk confirms or
rejects in the ledger; the clerk's answer is remembered and wins over the score on every later run.

A weak identity (the same name in the same village, one side without an ID) is confident only
when the matter is plainly the same (``weak_confident``, well above ``confident``): two people of
one name in one village are common, two of them raising the same matter in the same words are not.
A strong identity (the same resident ID, or the same phone and name) is the other end: the person
is certain and only the matter is in question, and the words the two letters share answer it
(``person_cosine``). The score's other parts say little there: one person's matters often share a
category and a common object (two enrolment questions, a child's 入学 twice), and a later letter
about the same matter often names a new amount. On the six tuning halves the same person's other
matters have a word cosine of at most 0.14 (61 pairs; one farmer's polytunnel and his subsidy), the
same matter rewritten mostly 0.16 and more (82 pairs; four at 0.09–0.14, which stay 疑似 or are
重件 by the score). Any identity with words that alike is at least 疑似重件. On the same halves
every pair linked by a weak or medium key that was not a repeat scored −0.14 or less, the weak-key
repeats 0.05–1.00; hence ``weak_confident`` 0.45.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta

from flows.analysis import matter, words
from flows.analysis.items import Item
from flows.analysis.text import (
    KIND_STRENGTH,
    MEDIUM,
    STRONG,
    WEAK,
    address_words,
    describe_key,
    kind_of,
    relative_names,
    says_other_matter,
    usable,
    village_of,
)

CONFIDENT, SUSPECTED = "重件", "疑似重件"
CONFIRM, REJECT = "confirm", "reject"
WEAK_CONFIDENT = 0.45  # default of [analysis] repeat_weak_similarity
PERSON_COSINE = 0.15  # default of [analysis] repeat_person_cosine


@dataclass
class Repeat:
    ref: str
    repeat_of: str  # the first item of the chain
    matched: str  # the earlier item it matched best
    count: int  # earlier items in the chain (1 = raised once before)
    shared: list[str]  # masked identities the two share
    similarity: float  # the same-matter score
    tier: str = CONFIDENT
    strength: int = 0
    pair: matter.PairScore | None = None
    by_clerk: bool = False  # a clerk confirmed this link
    supervise: bool = False
    why_supervise: str = ""
    chain: list[str] = field(default_factory=list)
    other_matter: str = ""  # the words in which the petitioner says this is another matter

    def explain(self) -> str:
        who = "；".join(self.shared) or "信访员确认为同一人"
        weak = self.tier == CONFIDENT and not self.by_clerk and self.strength < MEDIUM
        if weak:
            who = who.replace("，仅作参考", "").replace("；仅作参考", "")  # a weak key alone is "for reference"; here the matter decided
        if self.by_clerk:
            head = f"重件（信访员已确认）：与 {self.matched} 为同一信访人（{who}）"
        elif weak and "联名人" in who:
            head = f"重件：来件人曾在 {self.matched} 上联名签名，且所反映事项高度一致（{who}）"
        elif weak and "代亲属反映" in who:
            head = f"重件：来件人代亲属反映，与 {self.matched} 所反映事项高度一致（{who}）"
        elif weak:
            head = f"重件：与 {self.matched} 同名同村且所反映事项高度一致，应为同一信访人（{who}）"
        elif self.tier == CONFIDENT:
            head = f"重件：与 {self.matched} 为同一信访人（{who}）"
        else:
            head = f"疑似重件（请在“重件确认”列选择“是重件”或“不是重件”）：与 {self.matched} 可能为同一信访人（{who}）"
        parts = [head]
        if self.other_matter:
            parts.append(f"来件人称此次反映的是另一件事（“{self.other_matter}”），请核对")
        if self.pair is not None:
            parts.append(self.pair.explain())
        parts.append(f"首件 {self.repeat_of}，此前已来 {self.count} 次")
        return "；".join(parts)


@dataclass
class Candidate:
    other: Item
    keys: list[str]
    strength: int


class RepeatIndex:
    def __init__(self, confident: float = 0.55, suspect: float = 0.30, review_window_days: int = 30, *,
                 weights: matter.Weights | None = None, decisions: dict[frozenset[str], str] | None = None,
                 weak_confident: float = WEAK_CONFIDENT, person_cosine: float = PERSON_COSINE):
        self.confident, self.suspect = confident, suspect
        self.weak_confident = max(weak_confident, confident)
        self.person_cosine = person_cosine
        self.weights = weights or matter.Weights()
        self.review_window = timedelta(days=review_window_days)
        self.decisions = decisions or {}
        self.by_key: dict[str, list[Item]] = defaultdict(list)
        self.by_ref: dict[str, Item] = {}
        self.root: dict[str, str] = {}  # ref -> first item of its chain
        self.chains: dict[str, list[str]] = defaultdict(list)  # first ref -> refs in order

    def add(self, item: Item) -> None:
        for k in item.keys:
            self.by_key[k].append(item)
        self.by_ref[item.ref] = item
        root = self.root.setdefault(item.ref, item.ref)
        self.chains[root].append(item.ref)

    def candidates(self, item: Item) -> dict[str, Candidate]:
        """Earlier items that share a usable identity key with ``item`` (vetoes applied)."""
        out: dict[str, Candidate] = {}
        for k, who in item.keys.items():
            for other in self.by_key.get(k, ()):
                if other.ref == item.ref or (other.day, other.ref) > (item.day, item.ref):
                    continue
                if not usable(k, who, other.keys[k]):
                    continue  # e.g. one name, one village, two different resident IDs
                c = out.setdefault(other.ref, Candidate(other, [], 0))
                if who.signer or other.keys[k].signer:
                    k = f"signer:{k.partition(':')[2]}"  # the name stood in a signature list: say so
                c.keys.append(k)
                c.strength = max(c.strength, KIND_STRENGTH[kind_of(k)])
        self._relatives(item, out)
        return out

    def _relatives(self, item: Item, out: dict[str, Candidate]) -> None:
        """Earlier petitioners named next to a word of kinship in ``item`` (a daughter writing for
        her father): a weak link, in the item's village only."""
        names = relative_names(item.petition)
        if not names:
            return
        villages = {v for v in (village_of(x.address, item.locality) for x in item.petition.petitioners) if v}
        villages.add(village_of("", item.locality))
        for name in names:
            for village in villages:
                for other in self.by_key.get(f"name_village:{name}|{village}", ()):
                    if other.ref == item.ref or (other.day, other.ref) > (item.day, item.ref):
                        continue
                    c = out.setdefault(other.ref, Candidate(other, [], 0))
                    c.keys.append(f"relative:{name}|{village}")
                    c.strength = max(c.strength, WEAK)

    def match(self, item: Item) -> Repeat | None:
        """Best earlier match of ``item`` (not yet added), or None."""
        cands = self.candidates(item)
        for (a, b), answer in ((tuple(sorted(k)), v) for k, v in self.decisions.items()):
            other = b if a == item.ref else a if b == item.ref else None
            if answer == CONFIRM and other in self.by_ref and other not in cands:
                o = self.by_ref[other]
                if (o.day, o.ref) < (item.day, item.ref):
                    cands[other] = Candidate(o, [], 0)
        best: tuple[tuple, Repeat] | None = None
        other_matter = says_other_matter(item.petition) if cands else ""
        for c in cands.values():
            answer = self.decisions.get(frozenset((item.ref, c.other.ref)))
            if answer == REJECT:
                continue  # a clerk said no: never proposed again
            pair = matter.score(item, c.other, self.weights)
            if answer == CONFIRM:
                tier = CONFIDENT
            elif pair.total >= self.confident and c.strength >= MEDIUM:
                tier = CONFIDENT
            elif c.strength >= STRONG and self._own_words(item, c.other) >= self.person_cosine:
                tier = CONFIDENT  # the person is certain and the letters tell one matter
            elif pair.total >= self.weak_confident:
                tier = CONFIDENT  # weak identity, plainly the same matter
            elif pair.total >= self.suspect or pair.cosine >= self.person_cosine:
                tier = SUSPECTED
            else:
                continue
            if tier == CONFIDENT and other_matter and answer != CONFIRM:
                tier = SUSPECTED  # the petitioner says it is another matter: the clerk decides
            rep = Repeat(item.ref, "", c.other.ref, 0, _shared(c.keys), round(pair.total, 3),
                         tier=tier, strength=c.strength, pair=pair, by_clerk=answer == CONFIRM,
                         other_matter=other_matter)
            rank = (answer == CONFIRM, tier == CONFIDENT, c.strength >= MEDIUM, pair.total, c.other.day)
            if best is None or rank > best[0]:
                best = (rank, rep)
        if best is None:
            return None
        rep = best[1]
        root = self.root.get(rep.matched, rep.matched)
        rep.repeat_of, rep.chain = root, list(self.chains.get(root, [root]))
        rep.count = len(rep.chain)
        self._supervision(rep, self.by_ref[rep.matched], item)
        return rep

    @staticmethod
    def _own_words(item: Item, other: Item) -> float:
        """The word cosine of two letters of one person, their own address and places left out."""
        drop = address_words(item.f.vec.keys() | other.f.vec.keys(), item.petition, other.petition)
        return words.cosine_without(item.f.vec, other.f.vec, drop)

    def link(self, item: Item, rep: Repeat | None) -> None:
        """Record ``item`` (after ``match``) so later items can find it and its chain; only a
        confident link extends a chain (a suspected one waits for the clerk)."""
        if rep is not None and rep.tier == CONFIDENT:
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


def _shared(keys: list[str]) -> list[str]:
    """The shared identities to show, strongest first; the weak name + village key only when
    nothing stronger links the two."""
    ranked = sorted(set(keys), key=lambda k: (-KIND_STRENGTH[kind_of(k)], k))
    if ranked and KIND_STRENGTH[kind_of(ranked[0])] > WEAK:
        ranked = [k for k in ranked if KIND_STRENGTH[kind_of(k)] > WEAK]
    return list(dict.fromkeys(describe_key(k) for k in ranked))


def detect(items: list[Item], *, confident: float, suspect: float, review_window_days: int,
           weights: matter.Weights | None = None, decisions: dict[frozenset[str], str] | None = None,
           index: RepeatIndex | None = None, weak_confident: float = WEAK_CONFIDENT,
           person_cosine: float = PERSON_COSINE) -> dict[str, Repeat]:
    """Every item in date order against the ones before it; ``index`` may hold the past already."""
    index = index or RepeatIndex(confident, suspect, review_window_days, weights=weights, decisions=decisions,
                                 weak_confident=weak_confident, person_cosine=person_cosine)
    out: dict[str, Repeat] = {}
    for item in sorted(items, key=lambda x: (x.day, x.ref)):
        rep = index.match(item)
        index.link(item, rep)
        if rep is not None:
            out[item.ref] = rep
    return out
