"""Tuning on the tuning halves only (corpus 1's dev and test, corpus 2's dev2, corpus 4's dev4): it
never loads a held-out half (test2, test3, test5).

    .venv/bin/python tests/data/analysis/tune.py cls   # classification: CV grid, confusions
    .venv/bin/python tests/data/analysis/tune.py rep   # repeat candidates: parts of the score, truth
    .venv/bin/python tests/data/analysis/tune.py clu   # cluster pairs: scores of same-matter vs others

What it printed when the shipped values were chosen is summarised in docs/analysis.md.
"""

from __future__ import annotations

import sys
from itertools import product
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import petitionbot.config  # noqa: E402,F401
from flows.analysis import classify, clusters, matter, repeats, taxonomy  # noqa: E402
from flows.analysis.items import Item  # noqa: E402
from flows.analysis.settings import AnalysisSettings  # noqa: E402
from tests.data.analysis import build_model  # noqa: E402
from tests.data.analysis import evaluate as ev  # noqa: E402
from tests.data.analysis.corpus import HELD_OUT, TUNING_HALVES, halves  # noqa: E402

TAX = taxonomy.load(ROOT / "templates" / "taxonomy")


NAMES = TUNING_HALVES
if "--halves" in sys.argv:  # e.g. --halves dev2 (taken out of argv so the positional grids stay put)
    i = sys.argv.index("--halves")
    NAMES = tuple(sys.argv[i + 1].split(","))
    del sys.argv[i:i + 2]
assert not set(NAMES) & set(HELD_OUT), "a held-out half: tuning never reads it"


def dev():  # noqa: ANN201
    return halves(*NAMES)


def cv_predict(ps, truth, gen, ctx, *, gen_weight, l2, lexicon_weight):  # noqa: ANN001, ANN201
    pred = {}
    for fold in ev.folds(ps, truth):
        inside = set(fold)
        train = build_model.general([p for p in ps if p.ref not in inside], truth)
        m = build_model.build(train, [truth[p.ref]["category"] for p in train], gen, ctx, gen_weight=gen_weight,
                              l2=l2)
        part = [p for p in ps if p.ref in inside]
        got = classify.Classifier(TAX, m, ctx, lexicon_weight=lexicon_weight).predict(part)
        pred.update(zip((p.ref for p in part), got, strict=True))
    return pred


def cls() -> None:
    ps, truth = dev()
    gen = build_model.generated()
    ctx = build_model.context([*ps, *gen[0]])
    gold = [truth[p.ref]["category"] for p in ps]
    grid = {"gen_weight": [float(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else [build_model.GEN_WEIGHT],
            "l2": [float(x) for x in sys.argv[3].split(",")] if len(sys.argv) > 3 else [build_model.L2],
            "lexicon_weight": [float(x) for x in sys.argv[4].split(",")] if len(sys.argv) > 4
            else [classify.LEXICON_WEIGHT]}
    best = None
    for gw, l2, lw in product(*grid.values()):
        pred = cv_predict(ps, truth, gen, ctx, gen_weight=gw, l2=l2, lexicon_weight=lw)
        got = [pred[p.ref] for p in ps]
        m = ev.classification(gold, got)
        print(f"gen_weight {gw} l2 {l2} lexicon {lw}: acc {m['accuracy']:.3f} macro-F1 {m['macro_f1']:.3f}")
        if best is None or m["accuracy"] > best[0]:
            best = (m["accuracy"], got)
    got = best[1]
    print("\nconfusions (truth -> predicted):", ev.confusion(gold, got)[:25])
    for p, g, y in zip(ps, gold, got, strict=True):
        if g != y:
            print(f"  {p.ref} {g} -> {y}: {p.title} | {p.demand} | {p.content[:70]}")


def ft() -> None:
    """Fine-tuning strength: a base built without the fold's office, fine-tuned on the other
    folds' labels (as clerks would confirm them), scored on the fold."""
    ps, truth = dev()
    gen = build_model.generated()
    ctx = build_model.context([*ps, *gen[0]])
    _fine_tune_grid(build_model.build([], [], gen, ctx), ps, truth, ctx)


def _fine_tune_grid(base, ps, truth, ctx) -> None:  # noqa: ANN001
    """``base`` alone and fine-tuned on k-1 folds of ``ps`` (each prior strength of argv[2], each
    lexicon weight of argv[3]), scored on the k-th."""
    gold = {p.ref: truth[p.ref]["category"] for p in ps}
    strengths = [float(x) for x in sys.argv[2].split(",")] if len(sys.argv) > 2 else [classify.PRIOR]
    lexicon_weights = [float(x) for x in sys.argv[3].split(",")] if len(sys.argv) > 3 else [classify.LEXICON_WEIGHT]
    res: dict = {}
    for fold in ev.folds(ps, truth):
        inside = set(fold)
        train = [p for p in ps if p.ref not in inside]
        part = [p for p in ps if p.ref in inside]
        models = [("base", base)] + [(st, classify.fine_tune(base, ctx, train, [gold[p.ref] for p in train],
                                                             strength=st)) for st in strengths]
        for name, m in models:
            for lw in lexicon_weights:
                got = classify.Classifier(TAX, m, ctx, lexicon_weight=lw).predict(part)
                res.setdefault((name, lw), {}).update(zip([p.ref for p in part], got, strict=True))
    for k, pred in res.items():
        print(k, ev.classification([gold[p.ref] for p in ps], [pred[p.ref] for p in ps]))


def dev_items():  # noqa: ANN201
    """The development half with cross-validated categories, as items the analysis compares."""
    ps, truth = dev()
    gen = build_model.generated()
    ctx = build_model.context([*ps, *gen[0]])
    pred = cv_predict(ps, truth, gen, ctx, gen_weight=build_model.GEN_WEIGHT, l2=build_model.L2,
                      lexicon_weight=classify.LEXICON_WEIGHT)
    return ps, truth, [Item.of(p, ctx, category=pred[p.ref]) for p in ps]


def rep() -> None:
    ps, truth, items = dev_items()
    s = AnalysisSettings()
    want = ev.truth_repeats(ps, truth)
    index = repeats.RepeatIndex(s.repeat_probability, s.repeat_suspect_probability)
    rows = []
    for it in sorted(items, key=lambda x: (x.day, x.ref)):
        for c in index.candidates(it).values():
            sc = matter.score(it, c.other)
            same = it.ref in want and c.other.ref in want[it.ref]
            rows.append((same, sc, it, c))
        index.add(it)
    for same, sc, it, c in sorted(rows, key=lambda r: -r[1].total):
        kinds = ",".join(sorted({k.split(':')[0] for k in c.keys}))
        print(f"{'REPEAT' if same else 'other '} {sc.total:5.2f} cos {sc.cosine:.2f} obj {sc.objects} amt {sc.amounts} "
              f"cat {sc.category} spots {sc.spots} str {c.strength} [{kinds}] {it.ref}<-{c.other.ref} "
              f"{sc.shared_words} | {truth[it.ref].get('not_repeat', '')}")
    missing = [r for r in want if not any(x[0] and x[2].ref == r for x in rows)]
    print("true repeats with no identity candidate:", missing)
    for r in missing:
        p = next(x for x in ps if x.ref == r)
        earlier = [next(x for x in ps if x.ref == e) for e in want[r]]
        print("  ", r, p.petitioners, "<-", [e.petitioners for e in earlier])


def clu() -> None:
    ps, truth, items = dev_items()
    s = AnalysisSettings()
    rows = []
    for a, b, _cos in clusters.cluster_pairs(items, days=s.cluster_days, floor=0.0):
        if clusters.same_person(a, b):
            continue
        sc = matter.score(a, b)
        ca, cb = truth[a.ref].get("cluster"), truth[b.ref].get("cluster")
        rows.append((bool(ca and ca == cb), sc, a, b))
    rows.sort(key=lambda r: -r[1].total)
    for same, sc, a, b in rows[:60]:
        where = "same-village" if a.locality == b.locality else "cross"
        print(f"{'CLUSTER' if same else 'other  '} {sc.total:5.2f} cos {sc.cosine:.2f} {where} obj {sc.objects} "
              f"spots {sc.spots} cat {sc.category} {a.ref}~{b.ref} {sc.shared_words}")
    pos = [r for r in rows if r[0]]
    print(f"{len(pos)} same-cluster pairs; lowest:",
          [(round(r[1].total, 2), r[2].ref, r[3].ref, r[2].locality == r[3].locality) for r in pos[-8:]])


def dev_table() -> None:
    """The development half's repeat, cluster and group scores at the current settings."""
    from bench.analysis import structure

    ps, truth = dev()
    gen = build_model.generated()
    ctx = build_model.context([*ps, *gen[0]])
    pred = cv_predict(ps, truth, gen, ctx, gen_weight=build_model.GEN_WEIGHT, l2=build_model.L2,
                      lexicon_weight=classify.LEXICON_WEIGHT)
    for k, v in structure(ps, truth, pred, AnalysisSettings(), ctx).items():
        print(k, v)



def office() -> None:
    """Clerk labels as an office gets them: a base that never saw corpus 2 (generated + corpus 1),
    fine-tuned on the labels of four folds of dev2 (the office's own petitions), scored on the
    fifth, for each prior strength (argv[2]) and lexicon weight (argv[3])."""
    c1, t1 = halves("dev", "test")
    ps, truth = halves("dev2")
    gen = build_model.generated()
    ctx = build_model.context([*c1, *ps, *gen[0]])
    _fine_tune_grid(build_model.build(c1, [t1[p.ref]["category"] for p in c1], gen, ctx), ps, truth, ctx)


if __name__ == "__main__":
    {"cls": cls, "ft": ft, "rep": rep, "clu": clu, "dev": dev_table, "office": office}[sys.argv[1]]()
