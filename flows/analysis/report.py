"""`petitionbot report --month`: the monthly analysis report (Word + Excel), in plain Chinese."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path

from flows.analysis import charts, report_docx, report_xlsx, tables, trends
from flows.analysis.report_model import Report
from flows.analysis.settings import AnalysisSettings
from flows.analysis.taxonomy import Taxonomy
from flows.model import Petition
from flows.store import Store


@dataclass
class ReportFiles:
    docx: Path
    xlsx: Path
    summary: list[str]


def _pct(x: float | None) -> str:
    if x is None:
        return "无可比数据"
    return f"{'上升' if x > 0 else '下降' if x < 0 else '持平'} {abs(x):.0%}" if x else "持平"


def summary_lines(t: trends.Trends, month_repeats: int, month_alerts: int, month_supervise: int) -> list[str]:
    y, m = t.month.split("-")
    lines = [f"{int(y)}年{int(m)}月共收到信访件 {t.total} 件，比上月（{t.previous} 件）{_pct(t.mom)}，"
             f"比去年同月（{t.last_year} 件）{_pct(t.yoy)}。"]
    cats = list(t.by_dim["category"].items())[:3]
    if cats:
        lines.append("反映最多的问题是" + "、".join(f"{c}（{n} 件）" for c, n in cats) + "。")
    locs = list(t.by_dim["locality"].items())[:3]
    if locs:
        lines.append("来件最多的村社是" + "、".join(f"{c}（{n} 件）" for c, n in locs) + "。")
    if t.rising:
        lines.append("需要关注的上升情况：" + "；".join(r.explain() for r in t.rising[:5]) + "。")
    else:
        lines.append("本月没有明显上升的类别或村社。")
    lines.append(f"本月重复来信访 {month_repeats} 件，其中建议督办 {month_supervise} 件；群体预警 {month_alerts} 条。")
    red = [c.locality for c in t.caps if c.colour in ("橙", "红")]
    if red:
        lines.append("已接近或超过年度控制数的村社：" + "、".join(red) + "。")
    return lines


def monthly_report(store: Store, month: str, settings: AnalysisSettings, tax: Taxonomy, out_dir: Path, *,
                   office: str, today: date) -> ReportFiles:
    petitions = [p for p in store.petitions() if p.upstream_state != "withdrawn"]
    found = tables.all_rows(store)

    def category_of(p: Petition) -> str:
        return (tax.canonical(str(p.clerk.get("category_confirmed") or "")) or tax.canonical(p.category)
                or found.get(p.ref, {}).get("category_suggested", "") or "未分类")

    t = trends.compute(petitions, month, settings, category_of)
    in_month = [p for p in petitions if trends.month_of(p.received_on) == month]
    rows = [found[p.ref] for p in in_month if p.ref in found]
    alerts = [a for a in tables.alerts(store) if a["day"].startswith(month)]
    reps, sup = sum(r["is_repeat"] for r in rows), sum(r["supervise"] for r in rows)
    y, m = month.split("-")
    rep = Report(f"{int(y)}年{int(m)}月信访形势分析报告", office, f"{today.year}年{today.month}月{today.day}日")
    lines = summary_lines(t, reps, len(alerts), sup)
    rep.sections.append(("一、总体情况", lines))
    rep.sections.append(("二、群体预警与重复来信访", [a["explanation"] for a in alerts[:15]] or ["本月无群体预警。"]))
    out_dir.mkdir(parents=True, exist_ok=True)
    months = list(t.by_month)
    rep.charts.append(("近24个月来件趋势", charts.line(out_dir / f"趋势-{month}.png", months, list(t.by_month.values()),
                                                      "每月信访件数")))
    cat = list(t.by_dim["category"].items())[:12]
    if cat:
        rep.charts.append(("本月内容分类", charts.bar(out_dir / f"分类-{month}.png", [c for c, _ in cat],
                                                        [n for _, n in cat], "本月各类问题件数", horizontal=True)))
    if t.caps:
        rep.charts.append(("村社控制数（五色图）", charts.five_colour(
            out_dir / f"五色图-{month}.png", [(c.locality, c.share, c.colour) for c in t.caps], "村社年度控制数使用情况")))
    rep.tables.append(("月度件数", ["月份", "件数"], [[k, v] for k, v in t.by_month.items()]))
    for dim, label in trends.DIMENSIONS.items():
        cur, prev, ly = t.by_dim[dim], t.by_dim_prev[dim], t.by_dim_last_year[dim]
        rep.tables.append((f"按{label}", [label, "本月", "上月", "环比", "去年同月", "同比"],
                           [[k, n, prev.get(k, 0), _ratio(n, prev.get(k, 0)), ly.get(k, 0), _ratio(n, ly.get(k, 0))]
                            for k, n in cur.items()]))
    rep.tables.append(("上升预警", ["维度", "名称", "本月", "前三月均值", "高出"],
                       [[trends.DIMENSIONS[r.dimension], r.value, r.count, r.trailing_mean, f"{r.ratio:.0%}"]
                        for r in t.rising]))
    rep.tables.append(("村社控制数", ["村社", "基准年件数", "年度控制数", "今年已发生", "已用比例", "等级"],
                       [[c.locality, c.base_count, c.cap, c.used, f"{c.share:.0%}", c.colour] for c in t.caps]))
    rep.tables.append(("群体预警", ["预警", "日期", "说明"], [[a["id"], a["day"], a["explanation"]] for a in alerts]))
    docx = report_docx.write(out_dir / f"信访形势分析-{month}.docx", rep)
    xlsx = report_xlsx.write(out_dir / f"信访形势分析-{month}.xlsx", rep)
    return ReportFiles(docx, xlsx, lines)


def _ratio(now: int, before: int) -> str:
    return f"{(now - before) / before:+.0%}" if before else "—"
