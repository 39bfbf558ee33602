"""Scoring the analysis against the blind corpus's truth (used by bench/analysis.py and tune.py).

Definitions (docs/analysis.md):
- a true repeat is every member of a chain after its first (by date); a found link is right when
  the earlier item it matched is in the same chain;
- a NOT-repeat case is a petition whose truth names ``not_repeat``; it fails if it is linked as a
  confident repeat to anything;
- a truth cluster is found when one cluster alert holds at least ``min(3, size)`` of its members;
  an alert is false when no truth cluster holds at least half of its refs; a decoy alert is a
  cluster alert holding any decoy petition;
- group naming: every petition whose truth names a group kind gets that alert, and no other
  petition gets one.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from core.model import Petition, group_kind
from flows.analysis import clusters, repeats


def classification(gold: Sequence[str], pred: Sequence[str]) -> dict[str, float]:
    from sklearn.metrics import accuracy_score, f1_score

    labels = sorted(set(gold))
    return {"accuracy": float(accuracy_score(gold, pred)),
            "macro_f1": float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)),
            "n": len(gold)}


def truth_repeats(ps: Sequence[Petition], truth: dict[str, dict[str, Any]]) -> dict[str, set[str]]:
    """ref -> the earlier refs of its chain (only for true repeats)."""
    chains: dict[str, list[Petition]] = defaultdict(list)
    for p in ps:
        c = truth[p.ref].get("chain")
        if c:
            chains[str(c)].append(p)
    out = {}
    for members in chains.values():
        members.sort(key=lambda p: (p.received_on, p.ref))
        for i, p in enumerate(members[1:], 1):
            out[p.ref] = {m.ref for m in members[:i]}
    return out


def repeat_scores(ps: Sequence[Petition], truth: dict[str, dict[str, Any]], found: dict[str, repeats.Repeat]
                  ) -> dict[str, Any]:
    want = truth_repeats(ps, truth)
    conf = {r: x for r, x in found.items() if x.tier == repeats.CONFIDENT}
    susp = {r: x for r, x in found.items() if x.tier == repeats.SUSPECTED}
    chain_of = {p.ref: truth[p.ref].get("chain") for p in ps}

    def right(ref: str, rep: repeats.Repeat) -> bool:
        # bool(): a chain absent from the truth is None, which ``and`` would hand back to sum()
        return ref in want and (rep.matched in want[ref] or bool(chain_of.get(rep.matched) and
                                                                    chain_of.get(rep.matched) == chain_of.get(ref)))

    tp_conf = sum(right(r, x) for r, x in conf.items())
    tp_any = sum(1 for r in want if (r in found and right(r, found[r])))
    not_rep = [p.ref for p in ps if truth[p.ref].get("not_repeat")]
    false_conf_not = [r for r in not_rep if r in conf and not right(r, conf[r])]
    return {
        "true": len(want), "conf": len(conf), "susp": len(susp), "tp_conf": tp_conf,
        "precision_conf": tp_conf / len(conf) if conf else 1.0,
        "recall_conf": tp_conf / len(want) if want else 1.0,
        "recall_any": tp_any / len(want) if want else 1.0,
        "susp_wrong": sum(not right(r, x) for r, x in susp.items()),
        "not_repeat_cases": len(not_rep), "not_repeat_false_conf": len(false_conf_not),
        "missed": sorted(r for r in want if not (r in found and right(r, found[r]))),
        "wrong_conf": sorted(r for r, x in conf.items() if not right(r, x)),
    }


def cluster_scores(ps: Sequence[Petition], truth: dict[str, dict[str, Any]], alerts: Sequence[clusters.Alert],
                   min_size: int = 3) -> dict[str, Any]:
    truth_sets: dict[str, set[str]] = defaultdict(set)
    decoys = set()
    for p in ps:
        t = truth[p.ref]
        if t.get("cluster"):
            truth_sets[str(t["cluster"])].add(p.ref)
        if t.get("decoy"):
            decoys.add(p.ref)
    cl = [a for a in alerts if a.kind == "cluster"]
    found = [c for c, refs in truth_sets.items()
             if any(len(refs & set(a.refs)) >= min(min_size, len(refs)) for a in cl)]
    false = [a for a in cl if not any(len(refs & set(a.refs)) * 2 >= len(a.refs) for refs in truth_sets.values())]
    return {"clusters": len(truth_sets), "found": len(found), "alerts": len(cl), "false_alerts": len(false),
            "false_per_100": 100 * len(false) / max(len(ps), 1),
            "decoy_alerts": sum(1 for a in cl if decoys & set(a.refs)),
            "missed": sorted(set(truth_sets) - set(found)), "false_refs": [a.refs for a in false]}


def group_scores(ps: Sequence[Petition], truth: dict[str, dict[str, Any]], alerts: Sequence[clusters.Alert]
                 ) -> dict[str, Any]:
    got = {a.refs[0]: a.kind for a in alerts if a.kind in ("集体访", "联名信")}
    want = {}
    for p in ps:
        g = truth[p.ref].get("group")
        if g in ("集体访", "联名信"):
            want[p.ref] = g
        elif g is True:  # a writer's plain flag: name it by the form
            want[p.ref] = group_kind(p.form, p.headcount, 5) or "?"
    right = sum(1 for r, k in want.items() if got.get(r) == k)
    extra = sorted(r for r in got if r not in want)
    return {"groups": len(want), "named_right": right, "extra": len(extra), "extra_refs": extra,
            "wrong": sorted(r for r, k in want.items() if got.get(r) != k)}


def folds(ps: Sequence[Petition], truth: dict[str, dict[str, Any]], k: int = 5, seed: int = 7
          ) -> list[list[str]]:
    """k folds of refs for cross-validation inside the development half, linked sets whole."""
    from tests.data.analysis.corpus import components

    groups = components([p.ref for p in ps], truth)
    random.Random(seed).shuffle(groups)
    groups.sort(key=len, reverse=True)
    out: list[list[str]] = [[] for _ in range(k)]
    for g in groups:
        min(out, key=len).extend(g)
    return out


def clerk_labels(ps: Sequence[Petition], truth: dict[str, dict[str, Any]], n: int = 100, seed: int = 11
                 ) -> dict[str, str]:
    """``n`` development petitions, drawn at random (fixed seed), with their true category as the
    clerk's 内容分类（确认）: an office that confirmed 100 suggestions."""
    refs = sorted(p.ref for p in ps)
    random.Random(seed).shuffle(refs)
    return {r: truth[r]["category"] for r in refs[:n]}


def confusion(gold: Sequence[str], pred: Sequence[str]) -> list[tuple[str, str, int]]:
    return sorted(((g, p, n) for (g, p), n in Counter(zip(gold, pred, strict=True)).items() if g != p),
                  key=lambda x: -x[2])
