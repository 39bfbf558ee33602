"""Rebuild the repeat model that ships in the package (flows/analysis/data/repeat_model.json).

Trained on the candidate pairs of the tuning corpora (``build_model.TRAIN_HALVES``; never a held-out
one): every earlier petition that shares an identity key with a later one of the same corpus (the
blocking step of ``repeats.RepeatIndex``), labelled by the writers' truth (both in one repeat chain
or not). The categories in the evidence are the base model's 5-fold cross-validated predictions,
as for the cluster link model. Deterministic: the same inputs give the same file.

    .venv/bin/python tests/data/analysis/build_repeats.py           # build and save
    .venv/bin/python tests/data/analysis/build_repeats.py --loco    # also: each corpus judged by a model
                                                                    # trained on the others, per threshold
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import petitionbot.config  # noqa: E402,F401
from flows.analysis import links, matter, repeats  # noqa: E402
from flows.analysis.items import Item, TextContext  # noqa: E402
from flows.analysis.text import says_again, says_other_matter  # noqa: E402
from tests.data.analysis import build_links, build_model, corpus  # noqa: E402
from tests.data.analysis import evaluate as ev  # noqa: E402

THRESHOLDS = (0.6, 0.7, 0.75, 0.8)
# Inverse L2 strength. Leave one corpus out at 0.75: C 0.3 recall 0.861, 1 0.891, 3 0.915 (3 NOT-repeats
# linked each), 10 0.920 with 4; 3 it is (361 pairs, a third of them other matters).
C = 3.0


def pairs(name: str, cats: dict[str, str], ctx: TextContext) -> tuple[list[list[float]], list[int]]:
    """(inputs, labels) of one corpus's candidate pairs, each petition against the earlier ones it
    shares an identity with."""
    ps, truth = corpus.half(name)
    index = repeats.RepeatIndex()
    x, y = [], []
    for item in sorted((Item.of(p, ctx, category=cats[p.ref]) for p in ps), key=lambda i: (i.day, i.ref)):
        cands = index.candidates(item)
        said = says_other_matter(item.petition) if cands else ""
        again = says_again(item.petition) if cands else ""
        for c in cands.values():
            x.append(repeats.evidence(item, c, matter.score(item, c.other, explain=False), said, again))
            ca, cb = truth[item.ref].get("chain"), truth[c.other.ref].get("chain")
            y.append(int(bool(ca) and ca == cb))
        index.add(item)
    return x, y


def fit(names: tuple[str, ...], data: dict[str, tuple[list[list[float]], list[int]]]) -> links.LinkModel:
    return build_links.fit([v for n in names for v in data[n][0]], [v for n in names for v in data[n][1]],
                           repeats.FEATURES, repeats.SIGNS, C)


def build() -> tuple[links.LinkModel, dict[str, tuple[list[list[float]], list[int]]], dict[str, str], TextContext]:
    """The repeat model of the tuning corpora, each corpus's pairs, the categories and the context used."""
    cats, ctx = build_links.tuning()
    data = {n: pairs(n, cats, ctx) for n in build_model.TRAIN_HALVES}
    return fit(build_model.TRAIN_HALVES, data), data, cats, ctx


def main() -> None:
    from flows.analysis.settings import AnalysisSettings

    ap = argparse.ArgumentParser()
    ap.add_argument("--loco", action="store_true")
    args = ap.parse_args()
    names = build_model.TRAIN_HALVES
    model, data, cats, ctx = build()
    repeats.REPEAT_MODEL.write_text(model.dump(), encoding="utf-8")
    y = [v for n in names for v in data[n][1]]
    print(f"repeat model: {len(y)} candidate pairs ({sum(y)} one person's one matter) from {'+'.join(names)} "
          f"-> {repeats.REPEAT_MODEL.relative_to(ROOT)}")
    print("  " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(repeats.FEATURES, model.coef, strict=True))
          + f", intercept {model.intercept:+.2f}")
    if not args.loco:
        return
    s = AnalysisSettings()
    held = {n: fit(tuple(m for m in names if m != n), data) for n in names}
    for th in THRESHOLDS:
        tot = {"true": 0, "conf": 0, "tp_conf": 0, "any": 0.0, "nr": 0, "nr_cases": 0}
        for n in names:
            ps, truth = corpus.half(n)
            found = repeats.detect([Item.of(p, ctx, category=cats[p.ref]) for p in ps], confident=th,
                                   suspect=s.repeat_suspect_probability, review_window_days=s.review_window_days,
                                   model=held[n])
            r = ev.repeat_scores(ps, truth, found)
            for k, v in (("true", r["true"]), ("conf", r["conf"]), ("tp_conf", r["tp_conf"]),
                         ("any", r["recall_any"] * r["true"]), ("nr", r["not_repeat_false_conf"]),
                         ("nr_cases", r["not_repeat_cases"])):
                tot[k] += v
        print(f"leave one corpus out at {th:.2f}: 重件 {tot['tp_conf']}/{tot['conf']} right of {tot['true']} "
              f"(precision {tot['tp_conf'] / max(1, tot['conf']):.3f}, recall {tot['tp_conf'] / tot['true']:.3f}), "
              f"+疑似 recall {tot['any'] / tot['true']:.3f}, NOT-repeats as 重件 {tot['nr']}/{tot['nr_cases']}")


if __name__ == "__main__":
    main()
