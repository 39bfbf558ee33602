"""Is it the same matter? A score for two petitions, built for paraphrase, that explains itself.

Parts (each shown in the explanation):
- words: cosine of the jieba TF-IDF weights (names, places and boilerplate removed);
- key objects: the share of the matter's objects (彩钢棚, 工资, 低保…) both name;
- amounts: the same amount in both (18600 == 一万八千六百 == 1.86万), or two within 5 % ("near":
  一万八 for 18600), adds; two different amounts (two different debts) take away. The explanation
  says which: 金额一致 or 金额相近 (the repeat model weighs only the first, ``repeats.evidence``);
- spots: a named place both mention (金星模具厂, 禹航路);
- category: the same category adds, two different ones take away;
- time: a gap of more than a year takes a little away.
The weights are set on the development half of the blind corpus (docs/analysis.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from flows.analysis import words
from flows.analysis.items import Item
from flows.analysis.numbers import same_amount


@dataclass(frozen=True)
class Weights:
    objects: float = 0.25
    amount_same: float = 0.20
    amount_differs: float = 0.20
    spot: float = 0.10
    category_same: float = 0.10
    category_differs: float = 0.15
    gap_per_year: float = 0.10  # beyond the first year


@dataclass
class PairScore:
    total: float
    cosine: float
    objects: list[str] = field(default_factory=list)
    object_share: float = 0.0
    amounts: str = ""  # same (one amount in both) | near (within 5 %, ``numbers.same_amount``) | differ | ""
    amount_values: list[int] = field(default_factory=list)  # the new item's amounts that agree
    near_values: list[int] = field(default_factory=list)  # for "near": the earlier item's amounts they are near
    spots: list[str] = field(default_factory=list)
    category: str = ""  # same | differ | ""
    category_names: tuple[str, str] = ("", "")
    gap_days: int = 0
    shared_words: list[str] = field(default_factory=list)

    def explain(self) -> str:
        bits = [f"词语相似 {self.cosine:.2f}"]
        if self.shared_words:
            bits.append(f"共同词语：{'、'.join(self.shared_words)}")
        if self.objects:
            bits.append(f"关键对象：{'、'.join(self.objects)}")
        if self.amounts == "same":
            bits.append(f"金额一致：{'、'.join(f'{v}元' for v in self.amount_values)}")
        elif self.amounts == "near":
            bits.append(f"金额相近：本件{'、'.join(f'{v}元' for v in self.amount_values)}，"
                        f"前件{'、'.join(f'{v}元' for v in self.near_values)}")
        elif self.amounts == "differ":
            bits.append("金额不同")
        if self.spots:
            bits.append(f"同一地点：{'、'.join(self.spots)}")
        if self.category == "same":
            bits.append(f"分类相同（{self.category_names[0]}）")
        elif self.category == "differ":
            # the new item's category here is the model's first reading: a 重件 may then take the
            # earlier item's category, so the explanation says whose reading each one is
            bits.append(f"分类不同（本件初判{self.category_names[0]}／前件{self.category_names[1]}）")
        bits.append(f"相隔 {self.gap_days} 天")
        return f"同一事项得分 {self.total:.2f}（{'，'.join(bits)}）"


def score(a: Item, b: Item, w: Weights | None = None, *, cos: float | None = None, explain: bool = True
          ) -> PairScore:
    """The same-matter score of ``a`` and ``b``; ``cos`` when the caller computed it already, and
    ``explain=False`` to skip finding the shared words (added later for the pairs that count)."""
    w = w or Weights()
    fa, fb = a.f, b.f
    if cos is None:
        cos = words.cosine(fa.vec, fb.vec)
    s = PairScore(0.0, round(cos, 3), shared_words=words.shared_words(fa.vec, fb.vec, 5) if explain else [])
    total = cos
    if fa.objects and fb.objects:
        both = fa.objects & fb.objects
        s.objects = sorted(both)
        s.object_share = len(both) / min(len(fa.objects), len(fb.objects))
        total += w.objects * s.object_share
    if fa.amounts and fb.amounts:
        same = sorted({x for x in fa.amounts if x in fb.amounts})
        near = [(x, y) for x in fa.amounts for y in fb.amounts if same_amount(x, y)]
        if same:
            s.amounts, s.amount_values = "same", same
        elif near:
            s.amounts = "near"
            s.amount_values, s.near_values = sorted({x for x, _ in near}), sorted({y for _, y in near})
        else:
            s.amounts = "differ"
        total += w.amount_same if near else -w.amount_differs
    spots = sorted(fa.spots & fb.spots)
    if spots:
        s.spots = spots
        total += w.spot
    if a.category and b.category:
        s.category_names = (a.category, b.category)
        s.category = "same" if a.category == b.category else "differ"
        total += w.category_same if s.category == "same" else -w.category_differs
    s.gap_days = abs((a.day - b.day).days)
    total -= w.gap_per_year * max(0, s.gap_days - 365) / 365
    s.total = round(total, 4)
    return s
