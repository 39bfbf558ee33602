"""Rebuild the base category model that ships in the package (flows/analysis/data/base_model.npz).

Trained on the generator's petitions (many, but written from a few templates per category, so
each counts for less) and the tuning halves of the blind corpora (``TRAIN_HALVES``, which is
``corpus.TUNING_HALVES``: corpus 1's both halves, corpus 2's dev2, and the even corpora from 4 on
whole); never on a held-out half or on handwritten.json. Petitions a writer filed by the office's own habit (truth ``habit``, corpus 10)
are left out (``general``): the base model reads the plain meanings, and an office's habits are
learned from its own corrections (``flows/analysis/habits.py``).
Deterministic: the same inputs give the same file.

    .venv/bin/python tests/data/analysis/build_model.py            # build and save
    .venv/bin/python tests/data/analysis/build_model.py --cv       # also print 5-fold CV on the dev half
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from core.model import Petition, petition_from_dict  # noqa: E402
from flows.analysis import classify  # noqa: E402
from flows.analysis.classify import LinearModel  # noqa: E402
from flows.analysis.items import TextContext  # noqa: E402
from tests.data.analysis.corpus import HELD_OUT, TUNING_HALVES, halves  # noqa: E402

GEN_COUNT, GEN_SEED = 2000, 301
GEN_WEIGHT = 0.25  # a templated generated petition counts a quarter of a real one
DEV_WEIGHT = 1.0
L2 = classify.BASE_L2
# The blind halves the shipped model is trained on (corpus.HALVES names): every tuning half, never a
# held-out one. A corpus registered as tuning data in corpus.py is trained on at the next rebuild.
TRAIN_HALVES: tuple[str, ...] = TUNING_HALVES


def general(ps: list[Petition], truth: dict) -> list[Petition]:
    """The petitions a base model may learn from: not those filed by one office's own habit."""
    return [p for p in ps if not truth[p.ref].get("habit")]


def generated(count: int = GEN_COUNT, seed: int = GEN_SEED) -> tuple[list[Petition], list[str]]:
    from petitionbot.sim.generate import generate

    ds = generate(count, seed, days=365, hostile_share=0.0)
    ps = [petition_from_dict(d) for d in ds["petitions"]]
    return ps, [ds["truth"][p.ref]["category"] for p in ps]


def context(ps: list[Petition]) -> TextContext:
    return TextContext.load(ROOT / "templates" / "taxonomy", {p.locality for p in ps if p.locality})


def build(dev: list[Petition], dev_labels: list[str], gen: tuple[list[Petition], list[str]], ctx: TextContext, *,
          gen_weight: float = GEN_WEIGHT, l2: float = L2) -> LinearModel:
    gps, glabels = gen
    ps, labels = [*gps, *dev], [*glabels, *dev_labels]
    weights = [gen_weight] * len(gps) + [DEV_WEIGHT] * len(dev)
    classes = sorted(set(labels))
    model = classify.fit([ctx.features(p).vec for p in ps], labels, classes=classes, strength=l2, weights=weights,
                         min_df=1, max_iter=500)
    model.meta.update({"built": f"gen{len(gps)}@{GEN_SEED}+blind{len(dev)}", "gen_weight": gen_weight, "l2": l2,
                       "demand_weight": ctx.demand_weight})
    return model


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--cv", action="store_true")
    args = ap.parse_args()
    assert not set(TRAIN_HALVES) & set(HELD_OUT), "a held-out half"
    every, truth = halves(*TRAIN_HALVES)
    dev = general(every, truth)
    labels = [truth[p.ref]["category"] for p in dev]
    gen = generated()
    ctx = context([*every, *gen[0]])
    model = build(dev, labels, gen, ctx)
    model.save(classify.BASE_MODEL)
    size = classify.BASE_MODEL.stat().st_size
    print(f"base model: {len(model.classes)} classes, {len(model.vocab)} words, {size / 1024:.0f} KiB "
          f"-> {classify.BASE_MODEL.relative_to(ROOT)}")
    if args.cv:
        from tests.data.analysis.evaluate import classification, folds

        pred = {}
        for fold in folds(every, truth):
            inside = set(fold)
            train = [p for p in dev if p.ref not in inside]
            m = build(train, [truth[p.ref]["category"] for p in train], gen, ctx)
            test = [p for p in every if p.ref in inside]
            for p, c in zip(test, classify.Classifier(_tax(), m, ctx).predict(test), strict=True):
                pred[p.ref] = c
        for name, ps in (("without the habit petitions", dev), ("all, habits scored too", every)):
            print(f"{'+'.join(TRAIN_HALVES)} 5-fold, {name}:",
                  classification([truth[p.ref]["category"] for p in ps], [pred[p.ref] for p in ps]))


def _tax():  # noqa: ANN202
    from flows.analysis import taxonomy

    return taxonomy.load(ROOT / "templates" / "taxonomy")


if __name__ == "__main__":
    main()
