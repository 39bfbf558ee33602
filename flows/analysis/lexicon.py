"""First layer of type analysis: keyword scores from the lexicon that ships with the taxonomy.

Works with no history at all (a new office), and explains itself: the words it matched.
"""

from __future__ import annotations

from dataclasses import dataclass

from core.model import Petition
from flows.analysis.taxonomy import Taxonomy
from flows.analysis.text import norm


@dataclass
class LexiconScore:
    category: str
    confidence: float
    matched: list[str]
    scores: dict[str, float]


def score(p: Petition, tax: Taxonomy) -> LexiconScore:
    """A hit in the story counts 1, in the title or the demand 2 (what is asked for says more
    about the category than the history told around it). No hit: no category, never 其他."""
    body, title = norm(p.content), norm(f"{p.title} {p.demand}")
    scores: dict[str, float] = {}
    hits: dict[str, list[str]] = {}
    for cat, words in _normalised(tax).items():
        s = 0.0
        for w in words:
            if w in body:
                s += 1
            if w in title:
                s += 2
            if w in body or w in title:
                hits.setdefault(cat, []).append(w)
        if s:
            scores[cat] = s
    if not scores:
        return LexiconScore("", 0.0, [], {})
    best = max(scores, key=lambda c: scores[c])
    total = sum(scores.values())
    # Share of the keyword evidence, damped when there is little of it (one hit is weak).
    conf = scores[best] / total * min(1.0, scores[best] / 4)
    return LexiconScore(best, round(conf, 3), hits.get(best, []), {c: s / total for c, s in scores.items()})


_NORMALISED: dict[int, tuple[dict[str, list[str]], dict[str, tuple[str, ...]]]] = {}


def _normalised(tax: Taxonomy) -> dict[str, tuple[str, ...]]:
    """The lexicon's words normalised once per taxonomy (not once per petition)."""
    hit = _NORMALISED.get(id(tax))
    if hit is None or hit[0] is not tax.lexicon:
        words = {cat: tuple(dict.fromkeys(w for w in map(norm, ws) if w)) for cat, ws in tax.lexicon.items()}
        hit = _NORMALISED[id(tax)] = (tax.lexicon, words)
    return hit[1]
