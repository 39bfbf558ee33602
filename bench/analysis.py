"""Figures for smart analysis (issue 7): quality on held-out generated data and on hand-written
texts, and the time of repeat + cluster detection for 500 new against 100,000 past petitions.

    .venv/bin/python bench/analysis.py            # full run (about a minute, one core)
    .venv/bin/python bench/analysis.py --quick    # smaller sizes, for a smoke check
"""

from __future__ import annotations

import argparse
import json
import time
from datetime import date
from pathlib import Path

from flows.analysis import classify, clusters, repeats, taxonomy
from flows.analysis.items import Item, overlap, similarity
from flows.analysis.settings import AnalysisSettings
from flows.model import Petition, Petitioner, petition_from_dict
from petitionbot.sim.generate import generate

TRAIN_SEED, TEST_SEEDS = 301, (901, 902, 903)
HANDWRITTEN = Path(__file__).resolve().parents[1] / "tests" / "data" / "analysis" / "handwritten.json"


def petitions(ds: dict) -> list[Petition]:
    return [petition_from_dict(p) for p in ds["petitions"]]


def f1s(truth: list[str], pred: list[str]) -> tuple[float, float]:
    from sklearn.metrics import accuracy_score, f1_score

    return float(accuracy_score(truth, pred)), float(f1_score(truth, pred, average="macro"))


def quality(s: AnalysisSettings, tax: taxonomy.Taxonomy, n: int) -> object:
    import pickle
    import tempfile

    train_ds = generate(n * 2, TRAIN_SEED, days=365)
    with tempfile.TemporaryDirectory() as tmp:
        rep = classify.train(petitions(train_ds), tax, Path(tmp))
        model = pickle.loads(Path(rep.path).read_bytes())["model"]
    print(f"训练集（种子 {TRAIN_SEED}，{rep.samples} 件有分类）：交叉验证 准确率 {rep.accuracy:.3f} 宏F1 {rep.macro_f1:.3f}")
    clf = classify.Classifier(tax, model)
    lex = classify.Classifier(tax, None)
    tp = fp = fn = 0
    for seed in TEST_SEEDS:
        ds = generate(n, seed, days=365)
        ps, truth = petitions(ds), ds["truth"]
        gold = [truth[p.ref]["category"] for p in ps]
        acc, f1 = f1s(gold, [x.category for x in clf.suggest_many(ps, use_labels=False)])
        lacc, lf1 = f1s(gold, [x.category for x in lex.suggest_many(ps, use_labels=False)])
        found = repeats.detect([Item.of(p) for p in ps], min_similarity=s.repeat_similarity,
                               review_window_days=s.review_window_days)
        for p in ps:
            want, got = truth[p.ref]["repeat_of"], found.get(p.ref)
            tp += bool(want and got and got.repeat_of == want)
            fp += bool(got and got.repeat_of != want)
            fn += bool(want and not (got and got.repeat_of == want))
        print(f"  留出种子 {seed}（{len(ps)} 件，不看上游分类）：模型 准确率 {acc:.3f} 宏F1 {f1:.3f}；"
              f"仅关键词 准确率 {lacc:.3f} 宏F1 {lf1:.3f}")
    print(f"  重复件（{len(TEST_SEEDS)} 个留出种子合计）：精确率 {tp / max(tp + fp, 1):.3f} 召回率 {tp / max(tp + fn, 1):.3f}"
          f"（TP {tp} FP {fp} FN {fn}；漏掉的主要是匿名件，没有身份可比）")
    return model


def handwritten(s: AnalysisSettings, tax: taxonomy.Taxonomy, model: object) -> None:
    data = json.loads(HANDWRITTEN.read_text(encoding="utf-8"))
    ps = [Petition(ref=f"HW{i:03d}", title=t["title"], form="来信", received_on=date(2026, 11, 1),
                   assigned_on=date(2026, 11, 1), content=t["content"], demand=t["demand"])
          for i, t in enumerate(data["texts"])]
    gold = [t["category"] for t in data["texts"]]
    acc, f1 = f1s(gold, [x.category for x in classify.Classifier(tax, model).suggest_many(ps)])
    lacc, lf1 = f1s(gold, [x.category for x in classify.Classifier(tax, None).suggest_many(ps)])
    print(f"手写文本 {len(ps)} 条（不是生成器模板）：模型 准确率 {acc:.3f} 宏F1 {f1:.3f}；仅关键词 准确率 {lacc:.3f} 宏F1 {lf1:.3f}")
    ok = 0
    for i, pair in enumerate(data["pairs"]):
        a, b = (_person_petition(f"HP{i}{k}", pair[k], date(2026, 10, 1 + 10 * j)) for j, k in enumerate("ab"))
        got = repeats.detect([Item.of(a), Item.of(b)], min_similarity=s.repeat_similarity,
                             review_window_days=s.review_window_days)
        ok += (b.ref in got) == pair["repeat"]
    print(f"手写重复件判断 {len(data['pairs'])} 对：判断正确 {ok} 对")


def _person_petition(ref: str, d: dict, day: date) -> Petition:
    who = Petitioner(d["name"], d["id_number"], d["phone"], d["address"])
    return Petition(ref=ref, title=d["title"], form="来访", received_on=day, assigned_on=day, content=d["content"],
                    demand=d["demand"], petitioners=[who], locality="永福村")


def performance(s: AnalysisSettings, past_n: int, new_n: int) -> None:
    t0 = time.perf_counter()
    ds = generate(past_n + new_n, 77, days=1095, hostile_share=0.0, other_unit_count=0)
    ps = petitions(ds)
    ps.sort(key=lambda p: (p.received_on, p.ref))
    past, new = ps[:-new_n], ps[-new_n:]
    print(f"性能：生成 {len(past)} 件历史 + {len(new)} 件新件（用时 {time.perf_counter() - t0:.1f}s，不计入）")
    t1 = time.perf_counter()
    past_items = [Item.of(p) for p in past]
    index = repeats.RepeatIndex(s.repeat_similarity, s.review_window_days)
    for it in past_items:
        index.add(it)
    t2 = time.perf_counter()
    new_items = [Item.of(p) for p in new]
    found = repeats.detect(new_items, min_similarity=s.repeat_similarity, review_window_days=s.review_window_days,
                           index=index)
    t3 = time.perf_counter()
    alerts = clusters.cluster_alerts(past_items + new_items, min_size=s.cluster_min, days=s.cluster_days,
                                     local_similarity=s.cluster_similarity, matter_similarity=s.matter_similarity,
                                     focus={x.ref for x in new_items})
    t4 = time.perf_counter()
    print(f"  建索引 {t2 - t1:.2f}s；重复件比对 {t3 - t2:.2f}s（{len(found)} 件重件）；"
          f"聚集比对 {t4 - t3:.2f}s（{len(alerts)} 条）；合计 {t4 - t1:.2f}s")
    # All pairs: every new item against every past one by identity and by text, timed on a sample.
    sample = past_items[-2000:]
    for it in sample:
        _ = it.sh
    t5 = time.perf_counter()
    pairs = 0
    for a in new_items[:100]:
        for b in sample:
            _ = (a.keys.keys() & b.keys.keys(), overlap(a, b), similarity(a, b))
            pairs += 1
    per_pair = (time.perf_counter() - t5) / pairs
    shingle_cost = (t2 - t1) / len(past_items)
    est = per_pair * len(new_items) * len(past_items) + shingle_cost * len(past_items)
    print(f"  全量两两比对（在 100×2000 对上实测 {per_pair * 1e6:.1f} µs/对，外推到 {len(new_items)}×{len(past_items)} 对）"
          f"≈ {est:.0f}s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--quick", action="store_true")
    args = ap.parse_args()
    s = AnalysisSettings()
    tax = taxonomy.load(s.taxonomy_path())
    model = quality(s, tax, 600 if args.quick else 1500)
    handwritten(s, tax, model)
    performance(s, 10_000 if args.quick else 100_000, 500)


if __name__ == "__main__":
    main()
