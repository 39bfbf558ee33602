"""What analysis adds to ``petitionbot export`` and to the ledger (台账)."""

from __future__ import annotations

from typing import Any

from core.model import Petition
from core.ports import Store
from flows.analysis.classify import SUGGESTED

EMPTY = {"category_suggested": "", "category_confidence": 0.0, "is_repeat": False, "repeat_tier": "", "repeat_of": "",
         "repeat_count": 0, "group_alert": False, "analysis_explanation": []}


def _fields(r: dict[str, Any] | None) -> dict[str, Any]:
    if r is None:
        return dict(EMPTY)
    why = [x for x in (r["category_why"] and f"分类建议：{r['category_suggested']}（{r['category_why']}）",
                       r["repeat_why"], r["supervise_why"]) if x]
    return {"category_suggested": r["category_suggested"], "category_confidence": r["category_confidence"],
            "is_repeat": bool(r["is_repeat"]), "repeat_tier": r.get("repeat_tier") or "", "repeat_of": r["repeat_of"],
            "repeat_count": r["repeat_count"], "group_alert": bool(r["group_alert"]),
            "analysis_explanation": why + list(r["alert_ids"])}


def export_fields(p: Petition, store: Store) -> dict[str, Any]:
    """Export contributor ``(petition, store) -> dict``: one lookup per petition."""
    return _fields(store.analysis_row(p.ref))


def export_contributor(store: Store):  # noqa: ANN201 - a Contributor
    """Same fields, reading the table once per export (use this for large stores)."""
    cache: dict[str, dict[str, Any]] | None = None

    def contribute(p: Petition, s: Store) -> dict[str, Any]:  # noqa: ARG001 - Contributor signature
        nonlocal cache
        if cache is None:
            cache = store.analysis_rows()
        return _fields(cache.get(p.ref))

    return contribute


def ledger_columns(store: Store) -> dict[str, dict[str, Any]]:
    """ref -> {ledger column: value} for the ledger owner to add (read once per sync)."""
    alerts = {a["id"]: a for a in store.analysis_alerts()}
    out = {}
    for ref, r in store.analysis_rows().items():
        suggested = r["category_source"] in SUGGESTED
        mine = [alerts[i] for i in r["alert_ids"] if i in alerts]
        kinds = list(dict.fromkeys(ALERT_ZH.get(a["kind"], a["kind"]) for a in mine))
        tier = r.get("repeat_tier") or ("重件" if r["is_repeat"] else "")
        notes = [r["repeat_why"], r["supervise_why"], *(a["explanation"] for a in mine)]
        if suggested and r["category_why"]:
            notes.append(f"分类建议 {r['category_suggested']}：{r['category_why']}")
        out[ref] = {
            "分类建议": r["category_suggested"] if suggested else "",
            "建议可信度": round(r["category_confidence"], 2) if suggested else "",
            "初件/重件": tier or "初件",
            "首件编号": r["repeat_of"] if tier else "",
            "重复次数": r["repeat_count"] or "" if tier else "",
            "群体预警": "、".join(kinds),
            "分析说明": "；".join(x for x in notes if x),
        }
    return out


# How the ledger names an alert's kind: a group petition by its form, a build-up as a cluster.
ALERT_ZH = {"集体访": "集体访", "联名信": "联名信", "cluster": "同一事项聚集", "group": "集体访"}
