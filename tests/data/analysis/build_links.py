"""Rebuild the cluster link model that ships in the package (flows/analysis/data/link_model.json).

Trained on the candidate pairs of the tuning corpora (``build_model.TRAIN_HALVES``; never a held-out
one): every pair of petitions from different people within the cluster window whose word cosine
reaches ``clusters.FLOOR``, labelled by the writers' truth (both in one cluster or not). The
categories in the evidence are the base model's as a run would see them on unseen text: 5-fold
cross-validated predictions, never the truth. Deterministic: the same inputs give the same file.

    .venv/bin/python tests/data/analysis/build_links.py           # build and save
    .venv/bin/python tests/data/analysis/build_links.py --loco    # also: each corpus judged by a model
                                                                  # trained on the others, per threshold
"""

from __future__ import annotations

import argparse
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

import petitionbot.config  # noqa: E402,F401
from flows.analysis import classify, clusters, links, matter  # noqa: E402
from flows.analysis.items import Item, TextContext  # noqa: E402
from tests.data.analysis import build_model, corpus, tune  # noqa: E402

C = 1.0  # inverse L2 strength (unconstrained, 1 and 10 gave the same clusters and 0.1 lost one)
THRESHOLDS = (0.8, 0.85, 0.9, 0.95)


def pairs(names: tuple[str, ...], cats: dict[str, str], ctx: TextContext) -> tuple[list[list[float]], list[int]]:
    """(features, labels) of the candidate pairs of these corpora pooled into one store: every writer
    used the brief's villages and months, so petitions of two writers meet as neighbours in one
    week and are the many "same village, same kind, same week, different matter" pairs of a real
    store (one corpus alone has few)."""
    ps, truth = corpus.halves(*names)  # cluster names qualified by their corpus
    items = [Item.of(p, ctx, category=cats[p.ref]) for p in ps]
    x, y = [], []
    for a, b, cos in clusters.cluster_pairs(items, days=7, floor=clusters.FLOOR):
        if clusters.same_person(a, b):
            continue
        s = matter.score(a, b, cos=cos, explain=False)
        x.append(clusters.pair_features(a, b, s))
        ka, kb = truth[a.ref].get("cluster"), truth[b.ref].get("cluster")
        y.append(int(bool(ka) and ka == kb))
    return x, y


def fit(x: list[list[float]], y: list[int], features: tuple[str, ...] = links.FEATURES,
        signs: dict[str, int] = links.SIGNS, c: float = C) -> links.LinkModel:
    """Logistic regression with classes weighed equally (few pairs are one matter), an L2 penalty of
    strength 1/c, and each weight held to its sign in ``signs`` (L-BFGS-B bounds)."""
    import numpy as np
    from scipy.optimize import minimize

    xa, ya = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
    w_pos, w_neg = len(ya) / (2 * ya.sum()), len(ya) / (2 * (len(ya) - ya.sum()))
    sw = np.where(ya == 1, w_pos, w_neg)
    xb = np.hstack([xa, np.ones((len(xa), 1))])

    def loss(w: np.ndarray) -> tuple[float, np.ndarray]:
        z = xb @ w
        p = 1 / (1 + np.exp(-z))
        nll = np.sum(sw * (np.logaddexp(0, z) - ya * z))
        grad = xb.T @ (sw * (p - ya))
        reg = 0.5 * w[:-1] @ w[:-1]
        return c * nll + reg, c * grad + np.append(w[:-1], 0.0)

    bounds = [(0, None) if signs[f] > 0 else (None, 0) for f in features] + [(None, None)]
    w = minimize(loss, np.zeros(xb.shape[1]), jac=True, method="L-BFGS-B", bounds=bounds,
                 options={"maxiter": 5000, "gtol": 1e-8}).x
    return links.LinkModel(tuple(float(c) for c in w[:-1]), float(w[-1]), features)


@cache
def tuning() -> tuple[dict[str, str], TextContext]:
    """The tuning corpora's categories as a run would see them (5-fold cross-validated) and the text
    context of the base model, for the link and repeat models alike (computed once a process: the
    cross-validation takes a quarter of a minute; callers only read them)."""
    names = build_model.TRAIN_HALVES
    assert not set(names) & set(corpus.HELD_OUT), "a held-out half"
    every, truth = corpus.halves(*names)
    gen = build_model.generated()
    ctx = build_model.context([*every, *gen[0]])
    cats = tune.cv_predict(every, truth, gen, ctx, gen_weight=build_model.GEN_WEIGHT, l2=build_model.L2,
                           lexicon_weight=classify.LEXICON_WEIGHT)
    return cats, ctx


def build() -> tuple[links.LinkModel, list[int], dict[str, str], TextContext]:
    """The link model of the tuning corpora, its pairs' labels, the categories and the context used."""
    cats, ctx = tuning()
    x, y = pairs(build_model.TRAIN_HALVES, cats, ctx)
    return fit(x, y), y, cats, ctx


def main() -> None:
    from bench.analysis import structure
    from flows.analysis.settings import AnalysisSettings

    ap = argparse.ArgumentParser()
    ap.add_argument("--loco", action="store_true")
    args = ap.parse_args()
    names = build_model.TRAIN_HALVES
    model, y, cats, ctx = build()
    every, truth = corpus.halves(*names)
    links.LINK_MODEL.write_text(model.dump(), encoding="utf-8")
    print(f"link model: {len(y)} pairs ({sum(y)} one matter) from {'+'.join(names)} pooled "
          f"-> {links.LINK_MODEL.relative_to(ROOT)}")
    print("  " + ", ".join(f"{f} {c:+.2f}" for f, c in zip(links.FEATURES, model.coef, strict=True))
          + f", intercept {model.intercept:+.2f}")
    if not args.loco:
        return
    s = AnalysisSettings()
    held = {name: fit(*pairs(tuple(n for n in names if n != name), cats, ctx)) for name in names}
    for th in THRESHOLDS:
        at = s.model_copy(update={"cluster_link_probability": th})
        tot = [0, 0, 0, 0]
        for name in names:
            ps, t = corpus.half(name)
            clu = structure(ps, t, cats, at, ctx, link_model=held[name])["clu"]
            tot = [tot[0] + clu["found"], tot[1] + clu["clusters"], tot[2] + clu["false_alerts"],
                   tot[3] + clu["decoy_alerts"]]
            print(f"  {th:.2f} {name:5} clusters {clu['found']}/{clu['clusters']}, false alerts "
                  f"{clu['false_alerts']}, on decoys {clu['decoy_alerts']}, missed {clu['missed']}")
        print(f"leave one corpus out at {th:.2f}: clusters {tot[0]}/{tot[1]}, false alerts {tot[2]}, on decoys {tot[3]}")
        clu = structure(every, truth, cats, at, ctx, link_model=model)["clu"]
        print(f"all {len(every)} in one store, shipped model at {th:.2f}: clusters {clu['found']}/{clu['clusters']}, "
              f"false alerts {clu['false_alerts']} ({clu['false_per_100']:.2f} per 100), on decoys {clu['decoy_alerts']}")


if __name__ == "__main__":
    main()
