"""The analysis run: classify, find repeats and clusters, store findings, list what to supervise.

Recomputes everything from the store each run (the results depend only on the petitions and
the settings), so a clerk's correction or a threshold change shows on the next run.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loguru import logger

from core.model import Petition
from core.ports import Clock, Store
from core.workdir import Workdir
from flows.analysis import classify, clusters, matter, repeats
from flows.analysis.items import Item, TextContext, bulk
from flows.analysis.settings import AnalysisSettings
from flows.analysis.taxonomy import Taxonomy
from flows.runs import Run


@dataclass
class AnalysisResult:
    petitions: int = 0
    classified: int = 0
    model_used: bool = False
    model_kind: str = ""  # base | office (fine-tuned on the office's confirmed labels)
    repeats: int = 0
    suspected: int = 0
    supervise: list[dict[str, Any]] = field(default_factory=list)  # ref, repeat_of, unit, why
    alerts: list[dict[str, Any]] = field(default_factory=list)  # those to report: dismissed ones left out
    new_alerts: list[str] = field(default_factory=list)
    dismissed: int = 0  # alerts a clerk dismissed, no longer reported
    supervision_list: str = ""  # path of the supervisors' list
    letters: list[str] = field(default_factory=list)
    decisions: int = 0  # clerk answers to repeat links recorded by this run


# What a clerk may type in 重件确认 (the ledger offers the first two as a drop-down).
ANSWERS = {"是重件": repeats.CONFIRM, "是": repeats.CONFIRM, "确认": repeats.CONFIRM, "重件": repeats.CONFIRM,
           "不是重件": repeats.REJECT, "不是": repeats.REJECT, "否": repeats.REJECT, "非重件": repeats.REJECT,
           "初件": repeats.REJECT}


def clerk_answer(p: Petition) -> str:
    v = "".join(str(p.clerk.get("repeat_confirmed") or "").split())
    return ANSWERS.get(v, "")


def analyse(petitions: list[Petition], settings: AnalysisSettings, tax: Taxonomy, model: Any | None, *,
            ctx: TextContext | None = None, decisions: dict[frozenset[str], str] | None = None,
            weights: matter.Weights | None = None
            ) -> tuple[list[dict[str, Any]], list[clusters.Alert], dict[str, repeats.Repeat]]:
    """Pure analysis of ``petitions`` (no store): rows per petition, alerts, repeats."""
    ctx = ctx or TextContext.load(settings.taxonomy_path(), {p.locality for p in petitions if p.locality},
                                  tax.keywords)
    classifier = classify.Classifier(tax, model, ctx)
    classifier.remember_clerks(petitions, weight=settings.habit_weight, cosine=settings.habit_similarity)
    with bulk():  # features, items and the index of every petition: long-lived, built at once
        suggestions = classifier.suggest_many(petitions)
        items = [Item.of(p, ctx, category=s.category) for p, s in zip(petitions, suggestions, strict=True)]
        reps = repeats.detect(items, confident=settings.repeat_probability,
                              suspect=settings.repeat_suspect_probability,
                              review_window_days=settings.review_window_days, weights=weights, decisions=decisions)
        suggestions = inherit_categories(petitions, suggestions, reps, tax)
        exclude = {frozenset((r.ref, r.matched)) for r in reps.values()}
        alerts = clusters.group_alerts(items, settings.group_headcount) + clusters.cluster_alerts(
            items, min_size=settings.cluster_min, days=settings.cluster_days, link=settings.cluster_link_probability,
            weights=weights, exclude_pairs=exclude)
    by_ref: dict[str, list[str]] = {}
    for a in alerts:
        for ref in a.refs:
            by_ref.setdefault(ref, []).append(a.id)
    rows = []
    for p, s in zip(petitions, suggestions, strict=True):
        r = reps.get(p.ref)
        rows.append({
            "ref": p.ref, "category_suggested": s.category, "category_confidence": s.confidence,
            "category_source": s.source, "category_why": s.why,
            "is_repeat": int(r is not None and r.tier == repeats.CONFIDENT), "repeat_tier": r.tier if r else "",
            "repeat_of": r.repeat_of if r else "", "repeat_matched": r.matched if r else "",
            "repeat_count": r.count if r else 0, "repeat_why": r.explain() if r else "",
            "supervise": int(bool(r and r.supervise and r.tier == repeats.CONFIDENT)),
            "supervise_why": r.why_supervise if r and r.tier == repeats.CONFIDENT else "",
            "group_alert": int(p.ref in by_ref), "alert_ids": by_ref.get(p.ref, []),
        })
    return rows, alerts, reps


def inherit_categories(petitions: list[Petition], suggestions: list[classify.Suggestion],
                       reps: dict[str, repeats.Repeat], tax: Taxonomy) -> list[classify.Suggestion]:
    """A 重件 is the same matter again: where the item it repeats has a category a clerk confirmed
    (or the upstream gave), that category is the suggestion, not the model's reading of new words."""
    by_ref = {p.ref: p for p in petitions}
    out = []
    for p, s in zip(petitions, suggestions, strict=True):
        r = reps.get(p.ref)
        if s.source in classify.SUGGESTED and r is not None and r.tier == repeats.CONFIDENT:
            label, source = classify.label_of(by_ref[r.matched], tax) if r.matched in by_ref else ("", "")
            if label:
                whose = "信访员确认" if source == "clerk" else "上游"
                s = classify.Suggestion(label, max(s.confidence, 0.9), "repeat",
                                        f"与 {r.matched} 为同一事项（重件），沿用其{whose}的分类")
        out.append(s)
    return out


def record_answers(store: Store, petitions: list[Petition], before: dict[str, dict[str, Any]], clock: Clock) -> int:
    """Turn each clerk's 重件确认 into a kept answer on the pair the ledger showed them."""
    answers = []
    for p in petitions:
        answer = clerk_answer(p)
        shown = before.get(p.ref) or {}
        other = shown.get("repeat_matched") or ""
        if answer and other:
            answers.append((p.ref, other, answer))
    known = store.repeat_decisions()
    new = [a for a in answers if known.get(frozenset((a[0], a[1]))) != a[2]]
    store.record_repeat_decisions(new, at=clock.now())
    return len(new)


def context(store: Store, settings: AnalysisSettings, petitions: list[Petition], tax: Taxonomy,
            base: Path | None = None) -> TextContext:
    """The text context with the store's feature cache loaded (the lexicon's words from ``tax``,
    already read)."""
    ctx = TextContext.load(settings.taxonomy_path(base), {p.locality for p in petitions if p.locality},
                           tax.keywords)
    ctx.cache = dict(store.word_features())
    return ctx


def office_model(petitions: list[Petition], tax: Taxonomy, ctx: TextContext, workdir: Path, run: Run
                 ) -> tuple[Any | None, str]:
    """The model to classify with: the office's fine-tuned one, refitted when the clerks' confirmed
    labels changed since it was made, else the shipped base model."""
    base = classify.base_model()
    if base is None:
        return None, ""
    ps, labels, digest, clerk = classify.office_labels(petitions, tax)
    if not clerk:
        return base, "base"
    current = classify.load_model(workdir)
    if current is not None and current.meta.get("digest") == digest:
        return current, "office"
    try:
        model = classify.fine_tune(base, ctx, ps, labels, digest=digest)
        model.save(Workdir.of(workdir).model)
        return model, "office"
    except Exception as exc:  # noqa: BLE001 - the shipped model still classifies
        run.warn(f"用本办已确认分类微调模型失败，本次使用内置模型：{type(exc).__name__}: {exc}")
        return base, "base"


# The 督办单 drafter the shell hands in: (unit, [(petition, why it is supervised)]) -> the
# letter's path, or None when nothing could be listed (every item accused that unit).
SupervisionDrafter = Callable[[str, list[tuple[Petition, str]]], "Path | None"]


def run_analysis(store: Store, settings: AnalysisSettings, tax: Taxonomy, clock: Clock, run: Run, *,
                 workdir: Path, draft_supervision: SupervisionDrafter | None = None,
                 taxonomy_base: Path | None = None) -> AnalysisResult:
    petitions = [p for p in store.petitions() if p.upstream_state != "withdrawn"]
    ctx = context(store, settings, petitions, tax, taxonomy_base)
    model, kind = office_model(petitions, tax, ctx, workdir, run)
    result = AnalysisResult(petitions=len(petitions), model_used=model is not None, model_kind=kind)
    if model is None:
        run.warn("内置分类模型缺失，分类建议只用关键词（请重新安装 petitionbot）")
    before_rows = store.analysis_rows()
    result.decisions = record_answers(store, petitions, before_rows, clock)
    before = {a["id"] for a in store.analysis_alerts()}
    rows, alerts, reps = analyse(petitions, settings, tax, model, ctx=ctx, decisions=store.repeat_decisions())
    store.save_word_features(ctx.fresh_rows())
    alert_dicts = [{"id": a.id, "kind": a.kind, "day": a.day, "refs": a.refs, "localities": a.localities,
                    "explanation": a.explanation, "pairs": a.pairs} for a in alerts]
    store.replace_analysis(rows, alert_dicts, run.id, at=clock.now())
    by_ref = {p.ref: p for p in petitions}
    result.classified = sum(1 for r in rows if r["category_source"] in classify.SUGGESTED)
    result.repeats = sum(r["is_repeat"] for r in rows)
    result.suspected = sum(1 for r in rows if r["repeat_tier"] == repeats.SUSPECTED)
    # A clerk's answer feeds this run: an alert dismissed in the console is not reported again (it stays in
    # the store, and comes back under a new id if its petitions change); a confirmed one says so.
    answers = store.alert_answers()
    result.alerts = [{**a, "confirmed": answers.get(a["id"], {}).get("answer") == "confirm"} for a in alert_dicts
                     if answers.get(a["id"], {}).get("answer") != "dismiss"]
    result.dismissed = len(alert_dicts) - len(result.alerts)
    result.new_alerts = [a["id"] for a in result.alerts if a["id"] not in before]
    result.supervise = [{"ref": r["ref"], "repeat_of": r["repeat_of"], "why": r["supervise_why"],
                         "unit": by_ref[r["ref"]].responsible_unit or "待分派"} for r in rows if r["supervise"]]
    run.counts.listed = len(petitions)
    run.counts.updated = len(rows)
    run.extra["analysis"] = {"repeats": result.repeats, "suspected": result.suspected,
                             "supervise": len(result.supervise), "alerts": len(alert_dicts), "dismissed": result.dismissed,
                             "new_alerts": len(result.new_alerts), "model": kind, "decisions": result.decisions}
    path = run.folder / "督办建议与群体预警.txt"
    path.write_text(supervisors_text(result, by_ref, clock), encoding="utf-8")
    run.outputs.append(str(path))
    result.supervision_list = str(path)
    if settings.draft_supervision and draft_supervision is not None and result.supervise:
        result.letters = _draft_letters(result, by_ref, draft_supervision, run)
    logger.info("分析完成：{} 件，重件 {}，疑似重件 {}，建议督办 {}，预警 {}（新增 {}）", len(petitions), result.repeats,
                result.suspected, len(result.supervise), len(alert_dicts), len(result.new_alerts))
    return result


def supervision_lines(store: Store) -> list[str]:
    """Lines for the supervisors' daily list (flows/reminders may include them): no personal data."""
    rows = store.analysis_rows()
    lines = [f"重复来信访建议督办：{r['ref']}（首件 {r['repeat_of']}，第 {r['repeat_count'] + 1} 次）：{r['supervise_why']}"
             for r in rows.values() if r["supervise"]]
    answers = store.alert_answers()
    lines += [f"群体预警：{a['explanation']}" for a in store.analysis_alerts()
              if answers.get(a["id"], {}).get("answer") != "dismiss"]
    return lines


def supervisors_text(result: AnalysisResult, by_ref: dict[str, Petition], clock: Clock) -> str:
    out = [f"督办建议与群体预警（{clock.today().isoformat()}）", ""]
    out.append(f"一、重复来信访建议督办（{len(result.supervise)} 件）")
    for s in result.supervise:
        p = by_ref[s["ref"]]
        out.append(f"  {s['ref']}《{p.title}》 责任单位：{s['unit']}；首件 {s['repeat_of']}；{s['why']}")
    out.append("")
    dismissed = f"，经核实排除 {result.dismissed} 条未列出" if result.dismissed else ""
    out.append(f"二、群体预警（{len(result.alerts)} 条，本次新增 {len(result.new_alerts)} 条{dismissed}）")
    for a in result.alerts:
        flag = ("【新】" if a["id"] in result.new_alerts else "") + ("【已确认】" if a.get("confirmed") else "")
        out.append(f"  {flag}{a['explanation']}")
    return "\n".join(out) + "\n"


def _draft_letters(result: AnalysisResult, by_ref: dict[str, Petition], draft: SupervisionDrafter, run: Run
                   ) -> list[str]:
    """One 督办单 per responsible unit listing its repeat items."""
    groups: dict[str, list[tuple[Petition, str]]] = {}
    for s in result.supervise:
        groups.setdefault(s["unit"], []).append((by_ref[s["ref"]], s["why"]))
    paths = []
    for unit, items in groups.items():
        try:
            path = draft(unit, items)
            if path is not None:  # None: every item accused this very unit (the run says so)
                paths.append(str(path))
        except Exception as exc:  # noqa: BLE001 - a letter problem must not lose the analysis
            run.warn(f"督办单起草失败（{unit}）：{exc}")
    return paths
