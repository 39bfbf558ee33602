"""Figures for smart analysis on petitions the code never shaped: the blind corpus's development
half (tuned on; classification by 5-fold cross-validation inside it), its test half (reported
only) and the 30 hand-written texts; then the time of repeat + cluster detection for 500 new
against 100,000 past petitions.

    .venv/bin/python bench/analysis.py            # everything (a few minutes on a shared core)
    .venv/bin/python bench/analysis.py --quick    # 10,000 past petitions for the timing
    .venv/bin/python bench/analysis.py --no-speed # quality table only
    .venv/bin/python bench/analysis.py --speed-only
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import petitionbot.config  # noqa: E402,F401 - composes the settings sections first
from core.model import Petition, Petitioner, petition_from_dict  # noqa: E402
from flows.analysis import classify, clusters, repeats, taxonomy  # noqa: E402
from flows.analysis.items import Item, TextContext  # noqa: E402
from flows.analysis.settings import AnalysisSettings  # noqa: E402
from tests.data.analysis import build_model, corpus  # noqa: E402
from tests.data.analysis import evaluate as ev  # noqa: E402

CLERK_LABELS = 100


def structure(ps: list[Petition], truth: dict, cats: dict[str, str], s: AnalysisSettings, ctx: TextContext) -> dict:
    """Repeats, clusters and group alerts as the analysis run finds them, scored against truth."""
    items = [Item.of(p, ctx, category=cats[p.ref]) for p in ps]
    found = repeats.detect(items, confident=s.repeat_similarity, suspect=s.repeat_suspect_similarity,
                           review_window_days=s.review_window_days)
    exclude = {frozenset((r.ref, r.matched)) for r in found.values()}
    alerts = clusters.group_alerts(items, s.group_headcount) + clusters.cluster_alerts(
        items, min_size=s.cluster_min, days=s.cluster_days, local=s.cluster_similarity, cross=s.matter_similarity,
        exclude_pairs=exclude)
    return {"rep": ev.repeat_scores(ps, truth, found), "clu": ev.cluster_scores(ps, truth, alerts, s.cluster_min),
            "grp": ev.group_scores(ps, truth, alerts)}


def handwritten_set(tax: taxonomy.Taxonomy, model: classify.LinearModel, ctx: TextContext, s: AnalysisSettings,
                    tuned: classify.LinearModel) -> dict:
    data = corpus.handwritten()
    ps = [Petition(ref=f"HW{i:03d}", title=t["title"], form="来信", received_on=date(2026, 11, 1),
                   assigned_on=date(2026, 11, 1), content=t["content"], demand=t["demand"])
          for i, t in enumerate(data["texts"])]
    gold = [t["category"] for t in data["texts"]]
    out = {"cls": ev.classification(gold, classify.Classifier(tax, model, ctx).predict(ps)),
           "cls_tuned": ev.classification(gold, classify.Classifier(tax, tuned, ctx).predict(ps))}
    right = 0
    for i, pair in enumerate(data["pairs"]):
        a, b = (_person(f"HP{i}{k}", pair[k], date(2026, 10, 1 + 10 * j)) for j, k in enumerate("ab"))
        cats = dict(zip((a.ref, b.ref), classify.Classifier(tax, model, ctx).predict([a, b]), strict=True))
        got = repeats.detect([Item.of(a, ctx, cats[a.ref]), Item.of(b, ctx, cats[b.ref])],
                             confident=s.repeat_similarity, suspect=s.repeat_suspect_similarity,
                             review_window_days=s.review_window_days)
        confident = b.ref in got and got[b.ref].tier == repeats.CONFIDENT
        right += confident == pair["repeat"]
    out["pairs"] = (right, len(data["pairs"]))
    return out


def _person(ref: str, d: dict, day: date) -> Petition:
    who = Petitioner(d["name"], d["id_number"], d["phone"], d["address"])
    return Petition(ref=ref, title=d["title"], form="来访", received_on=day, assigned_on=day, content=d["content"],
                    demand=d["demand"], petitioners=[who], locality="永福村")


def quality(s: AnalysisSettings, tax: taxonomy.Taxonomy) -> None:
    dev, dev_truth = corpus.half("dev")
    test, test_truth = corpus.half("test")
    gen = build_model.generated()
    ctx = build_model.context([*dev, *test, *gen[0]])
    shipped = classify.base_model()
    assert shipped is not None, "flows/analysis/data/base_model.npz is missing: run tests/data/analysis/build_model.py"
    clf = classify.Classifier(tax, shipped, ctx)
    # Development half: 5-fold cross-validation (a base model rebuilt without the fold), else its
    # figures would be the training fit.
    dev_pred: dict[str, str] = {}
    for fold in ev.folds(dev, dev_truth):
        inside = set(fold)
        train = [p for p in dev if p.ref not in inside]
        m = build_model.build(train, [dev_truth[p.ref]["category"] for p in train], gen, ctx)
        part = [p for p in dev if p.ref in inside]
        dev_pred.update(zip((p.ref for p in part), classify.Classifier(tax, m, ctx).predict(part), strict=True))
    test_pred = dict(zip((p.ref for p in test), clf.predict(test), strict=True))
    lex = classify.Classifier(tax, None, ctx)
    # 100 confirmed labels, simulated from the development half's truth (see evaluate.clerk_labels).
    labels = ev.clerk_labels(dev, dev_truth, CLERK_LABELS)
    labelled = [p for p in dev if p.ref in labels]
    tuned = classify.fine_tune(shipped, ctx, labelled, [labels[p.ref] for p in labelled])
    test_tuned = classify.Classifier(tax, tuned, ctx).predict(test)
    hw = handwritten_set(tax, shipped, ctx, s, tuned)

    res = {}
    for name, ps, truth, pred in (("dev", dev, dev_truth, dev_pred), ("test", test, test_truth, test_pred)):
        gold = [truth[p.ref]["category"] for p in ps]
        res[name] = {"cls": ev.classification(gold, [pred[p.ref] for p in ps]),
                     "lex": ev.classification(gold, lex.predict(ps)), **structure(ps, truth, pred, s, ctx)}
    res["test"]["cls_tuned"] = ev.classification([test_truth[p.ref]["category"] for p in test], test_tuned)
    table(res, hw, len(dev), len(test))
    misses(res)


def table(res: dict, hw: dict, n_dev: int, n_test: int) -> None:
    d, t = res["dev"], res["test"]
    rows = [
        ("classification accuracy (no clerk labels)", "≥ 0.85", _f(d["cls"]["accuracy"]), _f(t["cls"]["accuracy"]),
         _f(hw["cls"]["accuracy"])),
        ("classification macro-F1 (no clerk labels)", "≥ 0.80", _f(d["cls"]["macro_f1"]), _f(t["cls"]["macro_f1"]),
         _f(hw["cls"]["macro_f1"])),
        (f"accuracy after {CLERK_LABELS} clerk labels (from dev)", "higher", "—", _f(t["cls_tuned"]["accuracy"]),
         _f(hw["cls_tuned"]["accuracy"])),
        (f"macro-F1 after {CLERK_LABELS} clerk labels", "higher", "—", _f(t["cls_tuned"]["macro_f1"]),
         _f(hw["cls_tuned"]["macro_f1"])),
        ("lexicon alone: accuracy", "", _f(d["lex"]["accuracy"]), _f(t["lex"]["accuracy"]), ""),
    ]
    for name, key, target in (("repeats 重件 precision", "precision_conf", "≥ 0.95"),
                              ("repeats 重件 recall", "recall_conf", "≥ 0.85"),
                              ("repeats 重件+疑似 recall", "recall_any", "≥ 0.95")):
        rows.append((name, target, _f(d["rep"][key]), _f(t["rep"][key]), ""))
    rows += [
        ("true repeats / 重件 found / 疑似 found", "", _n(d["rep"], "true", "conf", "susp"),
         _n(t["rep"], "true", "conf", "susp"), f"{hw['pairs'][0]}/{hw['pairs'][1]} pairs right"),
        ("NOT-repeat cases linked as 重件", "0", f"{d['rep']['not_repeat_false_conf']}/{d['rep']['not_repeat_cases']}",
         f"{t['rep']['not_repeat_false_conf']}/{t['rep']['not_repeat_cases']}", ""),
        ("clusters found", "≥ 90 %", f"{d['clu']['found']}/{d['clu']['clusters']}",
         f"{t['clu']['found']}/{t['clu']['clusters']}", "—"),
        ("false cluster alerts per 100 petitions", "≤ 1", f"{d['clu']['false_per_100']:.2f}",
         f"{t['clu']['false_per_100']:.2f}", "—"),
        ("cluster alerts on decoys", "0", str(d["clu"]["decoy_alerts"]), str(t["clu"]["decoy_alerts"]), "—"),
        ("group alerts named right (集体访/联名信) / extra", "all / 0",
         f"{d['grp']['named_right']}/{d['grp']['groups']} / {d['grp']['extra']}",
         f"{t['grp']['named_right']}/{t['grp']['groups']} / {t['grp']['extra']}", "—"),
    ]
    head = ("measure", "target", f"dev ({n_dev}, tuned on)", f"TEST ({n_test})", "handwritten (30)")
    widths = [max(_w(r[i]) for r in (*rows, head)) for i in range(5)]
    print("\n" + "  ".join(_pad(h, w) for h, w in zip(head, widths, strict=True)))
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(_pad(c, w) for c, w in zip(r, widths, strict=True)))


def misses(res: dict) -> None:
    for name in ("dev", "test"):
        r, c, g = res[name]["rep"], res[name]["clu"], res[name]["grp"]
        print(f"\n{name}: repeats missed {r['missed']}, wrong 重件 {r['wrong_conf']}, 疑似 not a repeat {r['susp_wrong']}; "
              f"clusters missed {c['missed']}, false alerts {c['false_refs']}; groups wrong {g['wrong']} extra {g['extra_refs']}")


def _f(x: float) -> str:
    return f"{x:.3f}"


def _n(d: dict, *keys: str) -> str:
    return " / ".join(str(d[k]) for k in keys)


def _w(s: str) -> int:
    return sum(2 if ord(ch) > 0x2E80 else 1 for ch in s)


def _pad(s: str, w: int) -> str:
    return s + " " * (w - _w(s))


def performance(s: AnalysisSettings, past_n: int, new_n: int) -> None:
    from flows.analysis.words import idf_table
    from petitionbot.sim.generate import generate

    t0 = time.perf_counter()
    ds = generate(past_n + new_n, 77, days=1095, hostile_share=0.0, other_unit_count=0)
    ps = [petition_from_dict(d) for d in ds["petitions"]]
    ps.sort(key=lambda p: (p.received_on, p.ref))
    past, new = ps[:-new_n], ps[-new_n:]
    ctx = TextContext.load(s.taxonomy_path(), {p.locality for p in ps if p.locality})
    idf_table()  # jieba's dictionary and IDF load once per process (about 2 s), not per petition
    print(f"\nspeed: {len(past)} past + {len(new)} new petitions (generated in {time.perf_counter() - t0:.1f}s, not "
          "counted); jieba loaded beforehand")
    print(f"  (wall-clock seconds, then CPU seconds of this process in brackets: the machine is shared, load "
          f"average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores at the start)")
    for label, warm in (("cold (past features computed as needed)", False), ("with the feature cache", True)):
        ctx.cache, ctx.fresh = {}, {}
        if warm:  # what the store's analysis_features table holds after earlier runs
            ctx.cache = {p.ref: (ctx.digest(p), ctx.compute(p).dump()) for p in past[-3000:]}
            ctx.fresh = {}
        c1 = time.process_time()
        t1 = time.perf_counter()
        past_items = [Item.of(p, ctx) for p in past]
        index = repeats.RepeatIndex(s.repeat_similarity, s.repeat_suspect_similarity, s.review_window_days)
        for it in past_items:
            index.add(it)
        t2, c2 = time.perf_counter(), time.process_time()
        new_items = [Item.of(p, ctx) for p in new]
        found = repeats.detect(new_items, confident=s.repeat_similarity, suspect=s.repeat_suspect_similarity,
                               review_window_days=s.review_window_days, index=index)
        t3, c3 = time.perf_counter(), time.process_time()
        alerts = clusters.cluster_alerts(past_items + new_items, min_size=s.cluster_min, days=s.cluster_days,
                                         local=s.cluster_similarity, cross=s.matter_similarity,
                                         focus={x.ref for x in new_items})
        t4, c4 = time.perf_counter(), time.process_time()
        print(f"  {label}: index {t2 - t1:.2f}s [{c2 - c1:.2f}]; repeats {t3 - t2:.2f}s [{c3 - c2:.2f}] ({len(found)} "
              f"found); clusters {t4 - t3:.2f}s [{c4 - c3:.2f}] ({len(alerts)} alerts, {len(ctx.fresh)} petitions "
              f"segmented); total {t4 - t1:.2f}s [{c4 - c1:.2f}] (target ≤ 10 s)")


def nightly(s: AnalysisSettings, tax: taxonomy.Taxonomy, n: int) -> None:
    """The nightly run recomputes every finding from the whole store: its cost per petition, first
    with no feature cache (the first run after an upgrade), then with the cache the first run left."""
    from flows.analysis.flow import analyse
    from petitionbot.sim.generate import generate

    ps = [petition_from_dict(d) for d in generate(n, 78, days=365 * n // 30000 + 30, hostile_share=0.0,
                                                   other_unit_count=0)["petitions"]]
    ctx = TextContext.load(s.taxonomy_path(), {p.locality for p in ps if p.locality})
    model = classify.base_model()
    print(f"\nnightly full run (classify + repeats + clusters + alerts) on {n} petitions:")
    for label in ("no feature cache", "with the feature cache"):
        if ctx.fresh:
            ctx.cache, ctx.fresh = {r: (d, f.dump()) for r, (d, f) in ctx.fresh.items()}, {}
        t, c = time.perf_counter(), time.process_time()
        rows, alerts, reps = analyse(ps, s, tax, model, ctx=ctx)
        dt, dc = time.perf_counter() - t, time.process_time() - c
        print(f"  {label}: {dt:.1f}s [{dc:.1f}] ({dc / n * 1e3:.2f} ms CPU a petition, ≈ {dc / n * 100_000 / 60:.1f} min "
              f"for 100,000); {sum(r['repeat_tier'] == '重件' for r in rows)} 重件, {len(alerts)} alerts")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--no-speed", action="store_true")
    ap.add_argument("--speed-only", action="store_true")
    args = ap.parse_args()
    s = AnalysisSettings()
    tax = taxonomy.load(s.taxonomy_path())
    if not args.speed_only:
        quality(s, tax)
    if not args.no_speed:
        performance(s, 10_000 if args.quick else 100_000, 500)
        nightly(s, tax, 5_000 if args.quick else 20_000)


if __name__ == "__main__":
    main()
