"""数量统计与趋势研判: counts by month and dimension, MoM, YoY, rising flags, caps and 五色图."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date

from core.model import Petition
from flows.analysis.settings import COLOURS, AnalysisSettings

DIMENSIONS = {"category": "内容分类", "locality": "问题属地", "form": "信访形式", "purpose": "信访目的"}


def month_of(d: date) -> str:
    return f"{d.year:04d}-{d.month:02d}"


def shift(month: str, delta: int) -> str:
    y, m = (int(x) for x in month.split("-"))
    idx = y * 12 + (m - 1) + delta
    return f"{idx // 12:04d}-{idx % 12 + 1:02d}"


@dataclass
class Rising:
    dimension: str
    value: str
    count: int
    trailing_mean: float
    ratio: float  # count / trailing mean - 1
    partial: bool = False  # a month so far, compared with the same days of the three before

    def explain(self) -> str:
        same = "同期" if self.partial else ""
        return (f"{DIMENSIONS[self.dimension]}“{self.value}”本月 {self.count} 件，前三个月{same}平均 "
                f"{self.trailing_mean:.1f} 件，高出 {self.ratio:.0%}")


NO_BASE = "无基准"  # the colour of a village whose cap cannot be derived: no base-year count, no cap


@dataclass
class CapRow:
    locality: str
    base_count: int | None  # None: the base year has no data at all
    cap: int | None  # None: no cap (无基准)
    used: int  # this year up to the month
    share: float | None
    colour: str


@dataclass
class Trends:
    month: str
    total: int
    previous: int  # last month
    last_year: int  # same month last year
    by_month: dict[str, int]
    by_dim: dict[str, dict[str, int]]  # this month
    by_dim_prev: dict[str, dict[str, int]]
    by_dim_last_year: dict[str, dict[str, int]]
    rising: list[Rising] = field(default_factory=list)
    caps: list[CapRow] = field(default_factory=list)
    first_month: str | None = None  # the first month with any data
    through_day: int | None = None  # the month is counted up to this day (None: whole months)

    @property
    def mom(self) -> float | None:
        return (self.total - self.previous) / self.previous if self.previous else None

    @property
    def yoy(self) -> float | None:
        return (self.total - self.last_year) / self.last_year if self.last_year else None


def compute(petitions: Iterable[Petition], month: str, settings: AnalysisSettings,
            category_of: Callable[[Petition], str], *, date_of: Callable[[Petition], date] | None = None,
            through_day: int | None = None) -> Trends:
    """``category_of`` gives the category used for counting (upstream, clerk's, else the suggestion);
    ``date_of`` the date a petition is counted by (default 登记日期; the report passes the ledger's).
    ``through_day``: the month is reported up to that day, so the months it is compared with count
    their first ``through_day`` days only (like with like). The monthly series starts at the first
    month with data."""
    when = date_of or (lambda p: p.received_on)
    counts: dict[str, Counter[tuple[str, str]]] = defaultdict(Counter)  # month -> (dim, value) -> n
    totals: Counter[str] = Counter()
    compared: Counter[str] = Counter()  # per month, within the compared days
    yearly: dict[int, Counter[str]] = defaultdict(Counter)
    first: str | None = None
    for p in petitions:
        d = when(p)
        m = month_of(d)
        first = m if first is None or m < first else first
        totals[m] += 1
        if m <= month:  # caps count the year up to the reported month
            yearly[d.year][p.locality or "未填属地"] += 1
        if through_day is not None and d.day > through_day:
            continue  # outside the compared days of its month
        compared[m] += 1
        for dim in DIMENSIONS:
            value = category_of(p) if dim == "category" else getattr(p, dim)
            counts[m][(dim, value or "未填")] += 1

    def dims(m: str) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {d: {} for d in DIMENSIONS}
        for (d, v), n in sorted(counts[m].items(), key=lambda x: -x[1]):
            out[d][v] = n
        return out

    start = max(shift(month, -23), first or month)
    months = [shift(month, -k) for k in range(23, -1, -1) if shift(month, -k) >= start]
    t = Trends(month, totals[month], compared[shift(month, -1)], compared[shift(month, -12)],
               {m: totals[m] for m in months}, dims(month), dims(shift(month, -1)), dims(shift(month, -12)))
    t.first_month = first
    t.through_day = through_day
    t.rising = rising(counts, month, settings, partial=through_day is not None)
    t.caps = caps(yearly, int(month[:4]), settings)
    return t


def rising(counts: dict[str, Counter[tuple[str, str]]], month: str, s: AnalysisSettings, *,
           partial: bool = False) -> list[Rising]:
    out = []
    prior = [shift(month, -k) for k in (1, 2, 3)]
    for (dim, value), n in counts[month].items():
        if dim not in ("category", "locality") or n < s.rising_min_count:
            continue
        mean = sum(counts[m][(dim, value)] for m in prior) / 3
        # A value never seen before counts against a floor of one a month, not against zero.
        ratio = n / max(mean, 1.0) - 1
        if ratio >= s.rising_ratio:
            out.append(Rising(dim, value, n, round(mean, 2), round(ratio, 3), partial))
    return sorted(out, key=lambda r: -r.ratio)


def colour(share: float, thresholds: list[float]) -> str:
    for limit, name in zip(thresholds, COLOURS, strict=False):
        if share < limit:
            return name
    return COLOURS[min(len(thresholds), len(COLOURS) - 1)]


def caps(yearly: dict[int, Counter[str]], year: int, s: AnalysisSettings) -> list[CapRow]:
    """A cap is the office's own (``caps``) or the base year's count times ``cap_ratio``. A village
    with no base count (the base year has no data at all, or none for it) gets no cap: 无基准, not a
    cap of 1 that turns every village red."""
    base_year = s.base_year or year - 1
    known = base_year in yearly
    base, now = yearly.get(base_year, Counter()), yearly.get(year, Counter())
    rows = []
    for loc in sorted(set(base) | set(now) | set(s.caps)):
        count = base.get(loc, 0) if known else None
        cap = s.caps.get(loc) or (round(count * s.cap_ratio) if count else None)
        if cap:
            share = now.get(loc, 0) / cap
            rows.append(CapRow(loc, count, cap, now.get(loc, 0), round(share, 3), colour(share, s.colour_thresholds)))
        else:
            rows.append(CapRow(loc, count, None, now.get(loc, 0), None, NO_BASE))
    return sorted(rows, key=lambda r: (r.share is None, -(r.share or 0), -r.used, r.locality))
