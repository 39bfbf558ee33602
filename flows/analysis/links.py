"""Are two petitions from different people about one matter? A learned weighing of the evidence.

The evidence is the pair's ``matter.PairScore`` (word cosine, key objects, amounts, named spots,
category, days apart) and where the two are (one village, or one names the other's village). Until
round nine, hand-set thresholds decided (one inside a village, a higher one across villages, a lower
one for a shared key object or spot). Those were tuned on the same corpora they were judged on and
found 83 % of the held-out clusters; a logistic model over the same evidence, trained on the tuning
corpora, finds as many clusters of a corpus it has not seen (leave-one-corpus-out) and links far
fewer unrelated petitions in a large store (docs/analysis.md, round nine).

The weights ship in ``data/link_model.json``, rebuilt by ``tests/data/analysis/build_links.py``
from the tuning corpora only; nothing is fitted at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from flows.analysis import matter

LINK_MODEL = Path(__file__).resolve().parent / "data" / "link_model.json"
# Two petitions worded alike (word cosine at least this, names and places left out) are one matter
# wherever their petitioners live: one text copied by many hands is how an organised petition looks.
# The tuning corpora hold no such pair (no pair of different people there reaches 0.76), so the
# model cannot learn it and weighs a cosine across villages too low; this rule says it instead. It
# is a copy, not a paraphrase: at 0.85 the generator's templates (one text for many matters) raised
# 146 false alerts in 2,000 petitions, at 0.98 51, without the rule 6 (docs/analysis.md, round ten).
NEAR_COPY = 0.98
# The order of the model's inputs; link_model.json names them, and a file built for other inputs is refused.
FEATURES = ("cosine", "object_share", "amount_same", "amount_differs", "spot", "category_same",
            "category_differs", "one_place", "same_locality", "gap_week", "beyond_objects", "score",
            "place_cosine", "place_category", "building_differs")
# The way each input may push, fixed before fitting: evidence for one matter never counts against
# it, so a link's explanation (its common words, objects, spots, category) reads the way the model
# weighed it. Unconstrained, collinear inputs took the wrong sign (a common named spot lowered the
# probability once the score, which includes it, had raised it).
SIGNS = {"cosine": 1, "object_share": 1, "amount_same": 1, "amount_differs": -1, "spot": 1, "category_same": 1,
         "category_differs": -1, "one_place": 1, "same_locality": 1, "gap_week": -1, "beyond_objects": 1,
         "score": 1, "place_cosine": 1, "place_category": 1, "building_differs": -1}


def features(s: matter.PairScore, *, one_place: bool, same_locality: bool, beyond_objects: bool,
             building_differs: bool) -> list[float]:
    """The model's inputs for one pair, in ``FEATURES`` order. ``building_differs``: both name a
    building (5幢, 3号楼) and no number is common, as three buildings of one estate with three
    matters do (round ten)."""
    same_cat = s.category == "same"
    # near amounts agree here: neighbours retelling one matter round a figure each their own way
    return [s.cosine, s.object_share, float(s.amounts in ("same", "near")), float(s.amounts == "differ"),
            float(bool(s.spots)), float(same_cat), float(s.category == "differ"), float(one_place),
            float(same_locality), min(s.gap_days, 7) / 7, float(beyond_objects), s.total,
            one_place * s.cosine, float(one_place and same_cat), float(building_differs)]


@dataclass(frozen=True)
class LinkModel:
    """A logistic model over named inputs. The cluster link uses ``FEATURES``; the repeat link
    (``repeats.FEATURES``) is the same kind of model over its own inputs."""

    coef: tuple[float, ...]
    intercept: float
    features: tuple[str, ...] = FEATURES

    def weighs(self, feature: str) -> bool:
        """Whether the input counts at all: one weighed at 0 need not be computed."""
        return self.coef[self.features.index(feature)] != 0

    def probability(self, x: list[float]) -> float:
        z = self.intercept + sum(c * v for c, v in zip(self.coef, x, strict=True))
        return 1.0 / (1.0 + math.exp(-z))

    def dump(self) -> str:
        return json.dumps({"features": list(self.features), "coef": [round(c, 6) for c in self.coef],
                           "intercept": round(self.intercept, 6)}, ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def load(cls, path: Path, features: tuple[str, ...] = FEATURES) -> LinkModel:
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw.get("features") != list(features):
            raise ValueError(f"{path.name}: built for other inputs {raw.get('features')}, expected {list(features)}")
        return cls(tuple(float(c) for c in raw["coef"]), float(raw["intercept"]), features)


@cache
def shipped() -> LinkModel:
    return LinkModel.load(LINK_MODEL)
