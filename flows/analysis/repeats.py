"""重复件: the same person (any shared identity, any co-signer), essentially the same matter, again.

Identity first: an inverted index from identity keys to earlier items is the blocking step, so only
petitions that share an ID, a phone with the name, a name with the address (or, weakly, a name with
the village) are ever compared. Then a learned weighing of the evidence that the two are one
person's one matter (``FEATURES``): how sure the identity is, the "same matter" score's parts
(``matter.py``), the words of the two letters once the person's own address is left out, the words
of the two titles and demands, key objects the new letter names and the old one does not, one
category with little else in common, and whether the petitioner says it is another matter or that
they come back to an earlier one. Two tiers: 重件 (probability at least ``[analysis]
repeat_probability``) and 疑似重件, which a clerk confirms or rejects in the ledger; the clerk's answer
is remembered and wins over the model on every later run.

Until round eleven hand-set rules decided (a score threshold per identity strength, and "the same
person and a word cosine of 0.15"). Two corpora written with many hard NOT-repeats (one person's
two matters about one shop, one employer, one estate) showed what those rules miss: the letters of
one person share the names of the places in that person's life, a cosine of 0.15 is reached by
those names alone, and what is asked for differs (rules: 6 of 35 NOT-repeats linked as 重件 on
corpus 18, 7 of 32 on the held-out corpus 19). The model, trained on the tuning corpora's candidate
pairs, links far fewer of them and leaves more repeats to the clerk as 疑似重件 (docs/analysis.md,
round eleven). Its weights ship in ``data/repeat_model.json``, rebuilt by
``tests/data/analysis/build_repeats.py``; nothing is fitted at run time.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from functools import cache
from pathlib import Path

from flows.analysis import links, matter, words
from flows.analysis.items import Item
from flows.analysis.text import (
    KIND_STRENGTH,
    MEDIUM,
    RECENT_DAYS,
    STRONG,
    WEAK,
    address_words,
    describe_key,
    kind_of,
    relative_names,
    says_again,
    says_other_matter,
    usable,
    village_of,
)

CONFIDENT, SUSPECTED = "重件", "疑似重件"
CONFIRM, REJECT = "confirm", "reject"
REPEAT_MODEL = Path(__file__).resolve().parent / "data" / "repeat_model.json"
# The model's inputs for one candidate pair, in order (repeat_model.json names them).
FEATURES = ("strong", "medium_or_strong", "relative", "cosine", "own_words", "asks", "object_share",
            "objects_new", "amount_same", "amount_differs", "category_same", "category_differs", "gap",
            "other_matter", "strong_own_words", "category_only", "again", "shops_differ", "event_after")
# The way each input may push, fixed before fitting (as for the cluster link): evidence of one
# matter never counts against it, so the explanation reads the way the model weighed the pair. The
# identity inputs are cumulative (a strong key is also "medium or strong"), so a surer identity never
# weighs less: the writers gave one person's other matters the same ID far more often than a new
# phone, and a free "medium" input learned that artefact (a name and address outweighed an ID).
SIGNS = {"strong": 1, "medium_or_strong": 1, "relative": -1, "cosine": 1, "own_words": 1, "asks": 1,
         "object_share": 1, "objects_new": -1, "amount_same": 1, "amount_differs": -1, "category_same": 1,
         "category_differs": -1, "gap": -1, "other_matter": -1, "strong_own_words": 1, "category_only": -1,
         "again": 1, "shops_differ": -1, "event_after": -1}
GAP_DAYS = 180  # the gap input grows to this many days, then stays at 1
# "category only": one category, and the person's own words, without the words of a kind of matter
# (``TextContext.kind_words``), do not reach this cosine. A linear weighing adds the category's
# weight whatever else the letters share, so one person's other matter of the same kind (two 城乡建设
# letters about one estate) reached 0.7 on the category alone; this input grows as the shared words
# fall below the bar and takes that weight back. Round twelve measured the shared words with the
# key objects and keywords in, and the titles and demands too: one person's second prepaid card, or
# second defect of one building, shares 预付卡 and 退费, 物业 and 维修基金, which say what kind of matter
# it is, not which one. Round thirteen leaves them out (leaving one corpus out, fourteen corpora, at
# 0.8: NOT-repeats as 重件 5 -> 2 of 275, 重件 261 -> 257 of 299, + 疑似 0.977 -> 0.983).
CATEGORY_ONLY_BELOW = 0.25
# Kinds of shop among the key objects (matter.toml). One person's second prepaid card is often at
# another kind of shop (a 干洗店 after a 美发店, a 美容院 after a 健身房): "shops differ" when both
# letters name kinds of shop and none is common (round fifteen; on the twenty-one tuning corpora it
# stood in eleven candidate pairs, none of them a repeat). Round sixteen reads them from the title and
# demand first (``shop_kinds``) and tells a 美发店 from a 美容院.
SHOP_KINDS = frozenset(("培训机构", "健身房", "汽修店", "饭店", "早餐店", "美容院", "足浴店", "宾馆", "超市", "网吧",
                        "旅行社", "驾校", "家政", "装修公司", "房产中介", "KTV", "酒吧", "棋牌室", "药店", "托管", "干洗店", "美发店",
                        "卫生院", "口腔诊所"))


@cache
def shipped() -> links.LinkModel:
    return links.LinkModel.load(REPEAT_MODEL, FEATURES)


@dataclass
class Repeat:
    ref: str
    repeat_of: str  # the first item of the chain
    matched: str  # the earlier item it matched best
    count: int  # earlier items in the chain (1 = raised once before)
    shared: list[str]  # masked identities the two share
    similarity: float  # the same-matter score
    tier: str = CONFIDENT
    probability: float = 0.0  # the model's: one person's one matter
    strength: int = 0
    pair: matter.PairScore | None = None
    by_clerk: bool = False  # a clerk confirmed this link
    supervise: bool = False
    why_supervise: str = ""
    chain: list[str] = field(default_factory=list)
    other_matter: str = ""  # the words in which the petitioner says this is another matter
    again: str = ""  # the words in which the petitioner says they come back to an earlier petition
    shops: tuple[tuple[str, ...], tuple[str, ...]] = ((), ())  # kinds of shop named (this item, the earlier), none common
    later: str = ""  # the words dating what this item tells after the earlier item's receipt

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
        elif self.again:
            parts.append(f"来件提到此前已反映过（“{self.again}”）")
        if self.shops[0]:
            parts.append(f"两件说的不是同一类店或机构（本件：{'、'.join(self.shops[0])}；前件：{'、'.join(self.shops[1])}）")
        if self.later and self.tier != CONFIDENT:
            # for the clerk who decides; a 重件 often tells of new events of its matter too
            parts.append(f"本件所述的事发生在前件收件之后（“{self.later}”）")
        if self.pair is not None:
            parts.append(self.pair.explain())
        if not self.by_clerk:
            parts.append(f"为同一人同一事项的可能性 {self.probability:.2f}")
        parts.append(f"首件 {self.repeat_of}，此前已来 {self.count} 次")
        return "；".join(parts)


@dataclass
class Candidate:
    other: Item
    keys: list[str]
    strength: int


class RepeatIndex:
    def __init__(self, confident: float = 0.8, suspect: float = 0.2, review_window_days: int = 30, *,
                 weights: matter.Weights | None = None, decisions: dict[frozenset[str], str] | None = None,
                 model: links.LinkModel | None = None):
        self.confident, self.suspect = confident, suspect  # probabilities of the repeat model
        self.model = model  # None: the shipped one, loaded when first needed
        self.weights = weights or matter.Weights()
        self.review_window = timedelta(days=review_window_days)
        self.decisions = decisions or {}
        # ref -> {other ref: the clerk's answer}, read once: match() asks it for every item
        self.answers: dict[str, dict[str, str]] = defaultdict(dict)
        for pair, answer in self.decisions.items():
            a, b = sorted(pair)
            self.answers[a][b] = self.answers[b][a] = answer
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
        answers = self.answers.get(item.ref, {})
        for other, answer in answers.items():
            if answer == CONFIRM and other in self.by_ref and other not in cands:
                o = self.by_ref[other]
                if (o.day, o.ref) < (item.day, item.ref):
                    cands[other] = Candidate(o, [], 0)
        best: tuple[tuple, Repeat] | None = None
        other_matter = says_other_matter(item.petition) if cands else ""
        again = says_again(item.petition) if cands else ""
        # A chain is one matter: a 不是重件 to one of its petitions is a no to all of them, or the next
        # run would offer the same petition against the chain's others (on the held-out sets, 6 of 37
        # false 重件 so answered came back as 重件 of their chain).
        rejected = {self.root.get(other, other) for other, answer in answers.items() if answer == REJECT}
        for c in cands.values():
            answer = answers.get(c.other.ref)
            if answer == REJECT or (answer != CONFIRM and self.root.get(c.other.ref, c.other.ref) in rejected):
                continue  # a clerk said no, to this petition or to another of its chain: never proposed again
            pair = matter.score(item, c.other, self.weights)
            shops, later = shops_differ(item, c.other), event_after(item, c.other)  # input and explanation
            p = (self.model or shipped()).probability(evidence(item, c, pair, other_matter, again,
                                                               shops=shops, later=later))
            if answer == CONFIRM or p >= self.confident:
                tier = CONFIDENT
            elif p >= self.suspect:
                tier = SUSPECTED
            else:
                continue
            if tier == CONFIDENT and other_matter and answer != CONFIRM:
                tier = SUSPECTED  # the petitioner says it is another matter: the clerk decides
            rep = Repeat(item.ref, "", c.other.ref, 0, _shared(c.keys), round(pair.total, 3), tier=tier,
                         probability=round(p, 3), strength=c.strength, pair=pair, by_clerk=answer == CONFIRM,
                         other_matter=other_matter, again=again, shops=shops, later=later)
            rank = (answer == CONFIRM, tier == CONFIDENT, p, c.other.day)
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
           index: RepeatIndex | None = None, model: links.LinkModel | None = None) -> dict[str, Repeat]:
    """Every item in date order against the ones before it; ``index`` may hold the past already."""
    index = index or RepeatIndex(confident, suspect, review_window_days, weights=weights, decisions=decisions,
                                 model=model)
    out: dict[str, Repeat] = {}
    for item in sorted(items, key=lambda x: (x.day, x.ref)):
        rep = index.match(item)
        index.link(item, rep)
        if rep is not None:
            out[item.ref] = rep
    return out


def shops_differ(item: Item, other: Item) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The kinds of shop each is about (``shop_kinds``) when both are about one and none is common,
    else two empty tuples."""
    a, b = shop_kinds(item), shop_kinds(other)
    return (tuple(sorted(a)), tuple(sorted(b))) if a and b and not a & b else ((), ())


def shop_kinds(item: Item) -> frozenset[str]:
    """The kinds of shop (``SHOP_KINDS``) a petition is about: those of its title and demand, or of
    its whole text when those name none. A letter about a gym card may name the earlier hair salon in
    passing ("跟之前那个美发店就隔了三个门面"); its title and demand name the gym (round sixteen)."""
    return frozenset(item.f.boost) & SHOP_KINDS or item.f.objects & SHOP_KINDS


def event_after(item: Item, other: Item) -> str:
    """The words of the latest date ``item`` gives (``text.event_dates``) when it is more than
    ``RECENT_DAYS`` after ``other`` was received, else ''."""
    dates = item.events
    if not dates:
        return ""
    when, words_ = max(dates, key=lambda d: d[0])
    return words_ if when > other.day + timedelta(days=RECENT_DAYS) else ""


def evidence(item: Item, c: Candidate, pair: matter.PairScore, other_matter: str, again: str, *,
             shops: tuple[tuple[str, ...], tuple[str, ...]] | None = None, later: str | None = None) -> list[float]:
    """The repeat model's inputs for ``item`` and an earlier candidate, in ``FEATURES`` order
    (``shops`` and ``later``: ``shops_differ`` and ``event_after`` when the caller has them already,
    as ``match`` has for the explanation; None computes them).

    - own words: the word cosine without the two petitioners' own addresses and places, which
      every letter of one person shares;
    - asks: the cosine of the two titles and demands alone (what is asked for): one person's
      other matter at the same shop or factory shares the place's name, rarely the demand;
    - objects new: the share of the new item's key objects the earlier one does not name;
    - amount same: one amount exactly in both. Amounts only within 5 % of each other (3000 and
      2980) count for neither side: on the tuning pairs they stood in 13 repeats (一万八 for 18600)
      and in 2 of one person's other matters of the same kind (a card charged with 5000, a 5130
      balance on another), and the model fitted them a weight of 0 (round fifteen);
    - category only: the same category and little in common beyond the words of that kind of
      matter (``CATEGORY_ONLY_BELOW``);
    - again: the new letter says it comes back to an earlier petition (``text.says_again``);
    - shops differ: both name kinds of shop, none in common (``SHOP_KINDS``);
    - event after: the new letter dates what it tells after the earlier one was received (``event_after``)."""
    a, b = item.f, c.other.f
    both = a.vec.keys() | b.vec.keys()
    own = address_words(both, item.petition, c.other.petition)
    own_words = words.cosine_without(a.vec, b.vec, own)
    kind = item.ctx.kind_words if item.ctx is not None else frozenset()
    specific = words.cosine_without(a.vec, b.vec, own | (both & kind))
    asks = words.cosine_without(item.asks, c.other.asks, address_words(item.asks.keys() | c.other.asks.keys(),
                                                                       item.petition, c.other.petition))
    new = len(a.objects - b.objects) / len(a.objects) if a.objects and b.objects else 0.0
    strong = float(c.strength >= STRONG)
    same_category = float(pair.category == "same")
    category_only = same_category * max(0.0, CATEGORY_ONLY_BELOW - specific) / CATEGORY_ONLY_BELOW
    return [strong, float(c.strength >= MEDIUM), float(any(kind_of(k) == "relative" for k in c.keys)), pair.cosine,
            own_words, asks, pair.object_share, new, float(pair.amounts == "same"),
            float(pair.amounts == "differ"), same_category, float(pair.category == "differ"),
            min(pair.gap_days, GAP_DAYS) / GAP_DAYS, float(bool(other_matter)), strong * own_words, category_only,
            float(bool(again)), float(bool((shops if shops is not None else shops_differ(item, c.other))[0])),
            float(bool(later if later is not None else event_after(item, c.other)))]
