"""`petitionbot report --month`: the monthly analysis report (Word + Excel), in plain Chinese.

What it counts is said on its first page: petitions by the same date the ledger counts by
(``date_basis``: the ledger's ``year_by``, 交办日期 by default); a month still under way is
reported "截至X日" and compared with the same days of the previous month and of the same month
last year; the series starts at the first month with data; categories the bot only suggested are
counted, and said to be machine suggestions not yet confirmed.
"""

from __future__ import annotations

import calendar
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time
from pathlib import Path

from core.model import Petition
from core.ports import Store
from flows.analysis import charts, report_docx, report_xlsx, trends
from flows.analysis.report_model import Chart, Report, Table
from flows.analysis.settings import COLOURS, AnalysisSettings
from flows.analysis.taxonomy import Taxonomy

BASIS_LABELS = {"assigned_on": "交办日期", "received_on": "登记日期"}
FIVE_COLOURS = {"绿": "2E8B57", "蓝": "2F6DB5", "黄": "E0B000", "橙": "E07000", "红": "C0392B", trends.NO_BASE: "A6A6A6"}
TOP_CATEGORIES = 12


@dataclass
class ReportFiles:
    docx: Path
    xlsx: Path
    summary: list[str]


@dataclass
class Period:
    """The reported month and the windows it is compared with (like with like)."""

    month: str
    through_day: int | None  # None: the whole month

    def label(self, month: str | None = None) -> str:
        y, m = (int(x) for x in (month or self.month).split("-"))
        return f"{y}年{m}月"

    def days(self, month: str) -> str:
        """"10月1日至24日" for a compared window, "" for a whole month."""
        if self.through_day is None:
            return ""
        y, m = (int(x) for x in month.split("-"))
        return f"{m}月1日至{min(self.through_day, calendar.monthrange(y, m)[1])}日"

    @property
    def title(self) -> str:
        return self.label() + (f"（截至{self.through_day}日）" if self.through_day else "")

    @property
    def same(self) -> str:
        return "同期" if self.through_day else ""


def period_of(month: str, today: date) -> Period:
    y, m = (int(x) for x in month.split("-"))
    last = calendar.monthrange(y, m)[1]
    partial = (today.year, today.month) == (y, m) and today.day < last
    return Period(month, today.day if partial else None)


def _change(now: int, before: int) -> float | None:
    return (now - before) / before if before else None


def _pct(x: float | None) -> str:
    if x is None:
        return "无可比数据"
    return f"{'上升' if x > 0 else '下降'} {abs(x):.0%}" if round(x, 2) else "持平"


def summary_lines(t: trends.Trends, p: Period, basis: str, month_repeats: int, month_alerts: int,
                  month_supervise: int, machine: int, base_year: int) -> list[str]:
    prev, ly = trends.shift(t.month, -1), trends.shift(t.month, -12)

    def compared(name: str, month: str, n: int, change: float | None) -> str:
        if t.first_month is None or month < t.first_month:
            return f"{name}尚无数据（数据自{p.label(t.first_month or t.month)}起），无法比较"
        days = p.days(month)
        return f"比{name}{p.same}（{days + '，' if days else ''}{n} 件）{_pct(change)}"

    lines = [f"本报告按{basis}统计（与台账一致）" + (
        f"；{p.label()}为截至{p.through_day}日的不完整月份，环比、同比均与相同日数（1日至{p.through_day}日）比较" if
        p.through_day else "") + "。",
        f"{p.title}共收到信访件 {t.total} 件，" + compared("上月", prev, t.previous, _change(t.total, t.previous))
        + "，" + compared("去年同月", ly, t.last_year, _change(t.total, t.last_year)) + "。"]
    cats = list(t.by_dim["category"].items())[:3]
    if cats:
        lines.append("反映最多的问题是" + "、".join(f"{c}（{n} 件）" for c, n in cats) + "。" +
                     (f"其中 {machine} 件的分类为机器建议，未经确认。" if machine else ""))
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
    unbased = [c.locality for c in t.caps if c.cap is None]
    if unbased and len(unbased) == len(t.caps):
        lines.append(f"基准年（{base_year}年）没有数据，各村社未设年度控制数，五色图等级为“无基准”；"
                     "可在配置 [analysis] 中设定基准年或为村社指定控制数（caps）。")
    elif unbased:
        lines.append(f"{len(unbased)} 个村社无基准年数据，未设年度控制数（标为“无基准”）。")
    return lines


def monthly_report(store: Store, month: str, settings: AnalysisSettings, tax: Taxonomy, out_dir: Path, *,
                   office: str, today: date, date_basis: str = "assigned_on",
                   now: datetime | None = None) -> ReportFiles:
    """``date_basis``: the Petition date counted by, the ledger's ``year_by`` (assigned_on | received_on)."""
    petitions = [p for p in store.petitions() if p.upstream_state != "withdrawn"]
    found = store.analysis_rows()
    machine: set[str] = set()

    def category_of(p: Petition) -> str:
        known = tax.canonical(str(p.clerk.get("category_confirmed") or "")) or tax.canonical(p.category)
        if known:
            return known
        suggested = found.get(p.ref, {}).get("category_suggested", "")
        if suggested:
            machine.add(p.ref)  # counted, and said to be a suggestion nobody confirmed
            return suggested
        return "未分类"

    def date_of(p: Petition) -> date:
        return getattr(p, date_basis)

    period = period_of(month, today)
    basis = BASIS_LABELS.get(date_basis, date_basis)
    y, m = (int(x) for x in month.split("-"))
    t = trends.compute(petitions, month, settings, category_of, date_of=date_of, through_day=period.through_day)
    in_month = [p for p in petitions if trends.month_of(date_of(p)) == month]
    suggested_by_cat = Counter(category_of(p) for p in in_month if p.ref in machine)
    rows = [found[p.ref] for p in in_month if p.ref in found]
    alerts = [a for a in store.analysis_alerts() if a["day"].startswith(month)]
    reps, sup = sum(r["is_repeat"] for r in rows), sum(r["supervise"] for r in rows)
    rep = Report(f"{y}年{m}月信访形势分析报告", office, f"{today.year}年{today.month}月{today.day}日",
                 now or datetime.combine(today, time(9, 0)))
    lines = summary_lines(t, period, basis, reps, len(alerts), sup, sum(suggested_by_cat.values()),
                          settings.base_year or y - 1)
    rep.basis = lines[0]
    rep.sections.append(("一、总体情况", lines))
    rep.sections.append(("二、群体预警与重复来信访", [a["explanation"] for a in alerts[:15]] or ["本月无群体预警。"]))
    rep.legend = [(k, v) for k, v in FIVE_COLOURS.items()]
    out_dir.mkdir(parents=True, exist_ok=True)
    _tables(rep, t, period, suggested_by_cat, alerts)
    _charts(rep, t, period, out_dir, month, basis)
    docx = report_docx.write(out_dir / f"信访形势分析-{month}.docx", rep)
    xlsx = report_xlsx.write(out_dir / f"信访形势分析-{month}.xlsx", rep)
    return ReportFiles(docx, xlsx, lines)


def _month_label(month: str, p: Period, first: bool) -> str:
    y, m = (int(x) for x in month.split("-"))
    label = f"{y}年{m}月" if first or m == 1 else f"{m}月"
    return label + (f"（截至{p.through_day}日）" if month == p.month and p.through_day else "")


def _tables(rep: Report, t: trends.Trends, p: Period, suggested: Counter, alerts: list[dict]) -> None:
    months = list(t.by_month)
    rep.tables.append(Table("月度件数", ["月份", "件数"], ["text", "int"],
                            [[_month_label(mo, p, i == 0), n] for i, (mo, n) in enumerate(t.by_month.items())],
                            note=f"自有数据的第一个月（{p.label(months[0])}）起" +
                            (f"；{p.label()}截至{p.through_day}日" if p.through_day else "") + "。"))
    same = p.same

    def known(month: str) -> bool:  # a month before the first data has no count, not a count of 0
        return t.first_month is not None and month >= t.first_month

    has_prev, has_ly = known(trends.shift(p.month, -1)), known(trends.shift(p.month, -12))
    for dim, label in trends.DIMENSIONS.items():
        cur, prev, ly = t.by_dim[dim], t.by_dim_prev[dim], t.by_dim_last_year[dim]
        head = [label, "本月"] + (["其中机器建议"] if dim == "category" else []) + \
            [f"上月{same}", "环比", f"去年{same}", "同比"]
        kinds = ["text", "int"] + (["int"] if dim == "category" else []) + ["int", "change", "int", "change"]
        body = []
        for k, n in cur.items():
            before = prev.get(k, 0) if has_prev else None
            year_ago = ly.get(k, 0) if has_ly else None
            body.append([k, n] + ([suggested.get(k, 0)] if dim == "category" else []) +
                        [before, _change(n, before or 0), year_ago, _change(n, year_ago or 0)])
        note = "环比、同比为“—”或空白：上期为 0 件" + ("" if has_prev and has_ly else "或尚无数据") + "，无法计算。"
        if dim == "category" and sum(suggested.values()):
            note = (f"其中 {sum(suggested.values())} 件为机器建议，未经确认（信访员在台账“内容分类（确认）”列确认后计为确认分类）。"
                    + note)
        rep.tables.append(Table(f"按{label}", head, kinds, body, note=note))
    rep.tables.append(Table("上升预警", ["维度", "名称", "本月", f"前三月{same}均值", "高出"],
                            ["text", "text", "int", "mean", "change"],
                            [[trends.DIMENSIONS[r.dimension], r.value, r.count, r.trailing_mean, r.ratio]
                             for r in t.rising]))
    rep.tables.append(Table("村社控制数", ["村社", "基准年件数", "年度控制数", "今年已发生", "已用比例", "等级"],
                            ["text", "int", "int", "int", "share", "text"],
                            [[c.locality, c.base_count, c.cap, c.used, c.share, c.colour] for c in t.caps],
                            note="无基准：基准年没有该村社的数据，不设控制数（可在配置 [analysis] caps 中指定）。"
                            "等级按已用比例：" + "、".join(f"{c}" for c in COLOURS) + "，依次升高。",
                            fills=[FIVE_COLOURS.get(c.colour, "") for c in t.caps]))
    rep.tables.append(Table("群体预警", ["预警", "日期", "说明"], ["text", "text", "text"],
                            [[a["id"], a["day"], a["explanation"]] for a in alerts]))


def _charts(rep: Report, t: trends.Trends, p: Period, out_dir: Path, month: str, basis: str) -> None:
    by_month = rep.table("月度件数")
    labels = [r[0] for r in by_month.rows]
    first = p.label(next(iter(t.by_month)))
    rep.charts.append(Chart(f"月度来件趋势（{first}起）", charts.line(
        out_dir / f"趋势-{month}.png", labels, [r[1] for r in by_month.rows], f"每月信访件数（按{basis}）"),
        "line", "月度件数", 0, 1, len(labels), "件数"))
    cats = rep.table("按内容分类")
    top = cats.rows[:TOP_CATEGORIES]
    if top:
        rep.charts.append(Chart(f"{p.title}内容分类", charts.bar(
            out_dir / f"分类-{month}.png", [r[0] for r in top], [r[1] for r in top], f"{p.title}各类问题件数",
            horizontal=True), "bar", "按内容分类", 0, 1, len(top), "件数"))
    capped = [c for c in t.caps if c.cap is not None]
    if capped:
        rep.charts.append(Chart("村社控制数（五色图）", charts.five_colour(
            out_dir / f"五色图-{month}.png", [(c.locality, c.share or 0, c.colour) for c in capped], "村社年度控制数使用情况"),
            "bar", "村社控制数", 0, 4, len(capped), "已用比例", percent=True,
            colours=[FIVE_COLOURS[c.colour] for c in capped]))
