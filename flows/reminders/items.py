"""What needs a reminder today: one Item per (petition, step) that is due soon or overdue, and
the same grouped one PetitionRow per petition, which is what every list and message shows and
counts ("共N件" is petitions, never steps).

Privacy is applied here, once, so no renderer can leak: names masked (张*三), titles scrubbed
of the petitioners' names, ID numbers and phones; a 检举控告 petitioner is not shown at all.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from core.model import ACCUSATION, Petition
from core.privacy import mask_name, scrub_patterns
from flows.deadlines.engine import Engine, zh_date
from flows.deadlines.status import STATUS_LABELS, STEP_LABELS, step_status
from flows.reminders.settings import Rung

NO_UNIT = "（未指定责任单位）"
HIDDEN = "（检举控告件，不显示信访人）"
HIDDEN_CALLER = "（保密工单，不显示诉求人）"  # a work order the platform marks 是否保密: 是
WORK_ORDER_STEP = "工单办理"  # a 工单's one step, due at the platform's 办理时限 (no statutory step)
LEVEL_ORDER = {"unit": 0, "leader": 1, "supervision": 2}
LEVEL_LABELS = {"unit": "提醒", "leader": "催办", "supervision": "督办"}


@dataclass(slots=True)
class Item:
    ref: str
    unit: str
    step: str
    status: str  # due_soon | overdue
    due: date
    days_overdue: int
    workdays_left: int | None
    level: str  # unit | leader | supervision
    draft: bool  # the rung asks for a 督办单
    title: str  # privacy-safe
    petitioner: str  # privacy-safe
    accusation: bool
    warnings: tuple[str, ...]
    work_order: bool = False  # a 12345 工单: named by its 工单编号, its step is the 办理时限

    @property
    def step_label(self) -> str:
        if self.work_order:
            return WORK_ORDER_STEP
        return STEP_LABELS.get(self.step, self.step)

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def due_text(self) -> str:
        return zh_date(self.due)

    @property
    def state_text(self) -> str:
        if self.status == "overdue":
            return f"超期 {self.days_overdue} 天"
        return f"临期，剩 {self.workdays_left} 个工作日"

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]


def rung_for(status: str, days_overdue: int, ladder: list[Rung]) -> Rung | None:
    """The highest rung that applies (the ladder is configurable; order in the file does not matter)."""
    best = None
    for rung in ladder:
        if rung.status == status and days_overdue >= rung.min_days_late:
            if best is None or LEVEL_ORDER[rung.level] > LEVEL_ORDER[best.level]:
                best = rung
    return best


def safe_people(p: Petition) -> str:
    if p.is_accusation:
        return HIDDEN_CALLER if p.is_work_order and p.purpose != ACCUSATION else HIDDEN
    if p.anonymous or not p.petitioners:
        return "匿名"
    names = [mask_name(x.name) for x in p.petitioners if x.name]
    if not names:
        return "匿名"
    return names[0] + (f"等{len(p.petitioners)}人" if len(p.petitioners) > 1 else "")


def safe_title(p: Petition) -> str:
    title = p.title or "（无标题）"
    names = sorted({x.name.strip() for x in p.petitioners if x.name and len(x.name.strip()) >= 2}, key=len, reverse=True)
    if names:
        pattern = re.compile("|".join(map(re.escape, names)))
        title = pattern.sub(lambda m: "***" if p.is_accusation else mask_name(m.group(0)), title)
    return scrub_patterns(title)


def collect(petitions: Iterable[Petition], engine: Engine, today: date, ladder: list[Rung],
            warnings: dict[str, int] | None = None) -> list[Item]:
    """Items to remind about; ``warnings`` (if given) counts petitions per deadline warning, all of them."""
    items: list[Item] = []
    for p in petitions:
        if p.upstream_state != "active":
            continue
        schedule = engine.schedule(p)
        if warnings is not None:
            for w in schedule.warnings:
                warnings[w] = warnings.get(w, 0) + 1
        for st in schedule.steps:
            if st.done:
                continue
            s = step_status(st, today, engine)
            if s.status not in ("due_soon", "overdue"):
                continue
            rung = rung_for(s.status, s.days_overdue, ladder)
            if rung is None:
                continue
            items.append(Item(ref=p.ref, unit=p.responsible_unit or NO_UNIT, step=st.step, status=s.status,
                              due=st.due, days_overdue=s.days_overdue, workdays_left=s.workdays_left,
                              level=rung.level, draft=rung.draft_supervision, title=safe_title(p),
                              petitioner=safe_people(p), accusation=p.is_accusation, warnings=tuple(st.warnings),
                              work_order=p.is_work_order))
    return items


def by_unit(items: Iterable[Item]) -> dict[str, list[Item]]:
    """Units in name order; inside a unit, most days late first, then nearest due date."""
    groups: dict[str, list[Item]] = {}
    for item in items:
        groups.setdefault(item.unit, []).append(item)
    for unit_items in groups.values():
        unit_items.sort(key=lambda i: (-i.days_overdue, i.due, i.ref, i.step))
    return dict(sorted(groups.items()))


@dataclass(slots=True)
class PetitionRow:
    """One petition in a list or message: its due steps (环节) with their dates inside the row."""

    ref: str
    unit: str
    title: str
    petitioner: str
    accusation: bool
    items: list[Item]  # its steps, the longest overdue first

    @property
    def ref_named(self) -> str:
        """The ref as a message shows it: a work order says it is one (工单编号 …), since its
        number stands among petitions' numbers."""
        return f"工单编号 {self.ref}" if self.items and self.items[0].work_order else self.ref

    @property
    def status(self) -> str:
        return "overdue" if any(i.status == "overdue" for i in self.items) else "due_soon"

    @property
    def overdue(self) -> list[Item]:
        return [i for i in self.items if i.status == "overdue"]

    @property
    def days_overdue(self) -> int:
        return max(i.days_overdue for i in self.items)

    @property
    def due(self) -> date:
        """The earliest due date among its steps (the one it is longest late on)."""
        return min(i.due for i in self.items)

    @property
    def level(self) -> str:
        return max((i.level for i in self.items), key=LEVEL_ORDER.__getitem__)

    @property
    def level_label(self) -> str:
        return LEVEL_LABELS[self.level]

    @property
    def draft(self) -> bool:
        return any(i.draft for i in self.items)

    @property
    def warnings(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(w for i in self.items for w in i.warnings))

    # A message template written for one step per line still reads right with a whole petition.
    @property
    def step_label(self) -> str:
        return "、".join(i.step_label for i in self.items)

    @property
    def due_text(self) -> str:
        return zh_date(self.due)

    @property
    def state_text(self) -> str:
        return self.items[0].state_text

    @property
    def steps_text(self) -> str:
        """"受理告知：期限2026年9月9日，超期 76 天；办理答复：……" for one-line texts."""
        return "；".join(f"{i.step_label}：期限{i.due_text}，{i.state_text}" for i in self.items)


def by_petition(items: Iterable[Item]) -> list[PetitionRow]:
    """One row per (unit, petition), its steps inside; most days late first, then nearest due date."""
    rows: dict[tuple[str, str], PetitionRow] = {}
    for i in items:
        row = rows.get((i.unit, i.ref))
        if row is None:
            row = rows[(i.unit, i.ref)] = PetitionRow(i.ref, i.unit, i.title, i.petitioner, i.accusation, [])
        row.items.append(i)
    for row in rows.values():
        row.items.sort(key=lambda i: (-i.days_overdue, i.due, i.step))
    return sorted(rows.values(), key=lambda r: (-r.days_overdue, r.due, r.ref))


def petitions_by_unit(items: Iterable[Item]) -> dict[str, list[PetitionRow]]:
    """Units in name order, each with its petitions (``by_petition``'s order)."""
    groups: dict[str, list[PetitionRow]] = {}
    for row in by_petition(items):
        groups.setdefault(row.unit, []).append(row)
    return dict(sorted(groups.items()))
