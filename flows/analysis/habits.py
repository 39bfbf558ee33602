"""本办习惯: the office's own way of filing, remembered from the categories its clerks corrected.

Offices settle where the plain meanings overlap: one files every dog matter under 政法, another
medical insurance under 卫生计生, parking under 交通运输. The shipped model cannot know that, and a
hundred labels barely move a model fitted on a thousand petitions. So the categories a clerk
*corrected* (内容分类（确认） differs from what the model and lexicon suggest) are kept as they are:
a new petition whose words are close to a corrected one is pulled towards the clerk's category.

- Only corrections are kept. A label that agrees with the suggestion teaches nothing new, and on
  the tuning corpora without office habits a memory of every label made 1–3 points worse; a memory
  of corrections only moves a petition or two either way there (docs/analysis.md, round seven).
- The pull: the ``K`` nearest corrections with a word cosine of at least ``COSINE`` vote with their
  cosine; the vote is blended in with weight ``WEIGHT`` × min(1, best cosine / (2 × ``COSINE``)),
  so a faint likeness moves little and a close one up to ``WEIGHT``.
- Every suggestion it moves says so ("本办习惯：与 … 相近，信访员确认为 …").
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from flows.analysis import words

WEIGHT = 0.5
COSINE = 0.2
K = 5


@dataclass(frozen=True)
class Correction:
    ref: str
    category: str
    vec: dict[str, float]


@dataclass(frozen=True)
class Vote:
    shares: dict[str, float]  # category -> share of the vote (sums to 1)
    weight: float  # how much of the suggestion the vote decides
    near: list[tuple[float, Correction]]  # (cosine, correction), closest first

    def nearest(self, category: str) -> tuple[float, Correction] | None:
        """The closest correction that voted for ``category``."""
        return next(((s, c) for s, c in self.near if c.category == category), None)


class Habits:
    def __init__(self, corrections: Sequence[Correction], *, weight: float = WEIGHT, cosine: float = COSINE,
                 k: int = K):
        self.corrections, self.weight, self.cosine, self.k = list(corrections), weight, cosine, k
        self.vocab: dict[str, int] = {}
        for c in self.corrections:
            for w in c.vec:
                self.vocab.setdefault(w, len(self.vocab))
        self.matrix = words.rows([c.vec for c in self.corrections], self.vocab)

    def __len__(self) -> int:
        return len(self.corrections)

    def votes(self, vecs: Sequence[dict[str, float]]) -> list[Vote | None]:
        """For each word vector, the corrections' vote, or None when none is close enough."""
        if not self.corrections or not vecs:
            return [None] * len(vecs)
        sims = (words.rows(vecs, self.vocab) @ self.matrix.T).tocsr()
        out: list[Vote | None] = []
        for row in range(len(vecs)):
            lo, hi = sims.indptr[row], sims.indptr[row + 1]
            near = sorted(((float(s), int(j)) for s, j in zip(sims.data[lo:hi], sims.indices[lo:hi], strict=True)
                           if s >= self.cosine), reverse=True)[:self.k]
            if not near:
                out.append(None)
                continue
            tally: dict[str, float] = defaultdict(float)
            for s, j in near:
                tally[self.corrections[j].category] += s
            total = sum(tally.values())
            out.append(Vote({c: x / total for c, x in tally.items()},
                            self.weight * min(1.0, near[0][0] / (2 * self.cosine)),
                            [(s, self.corrections[j]) for s, j in near]))
        return out
