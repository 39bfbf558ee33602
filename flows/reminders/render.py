"""Message texts from ``templates/messages/*.j2`` (Jinja2 lives only here).

Templates receive privacy-safe Items only (see items.py); offices may reword them freely.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from typing import Any

import jinja2

from core.shipped import locate
from flows.deadlines.engine import zh_date
from flows.reminders.items import Item, PetitionRow, by_petition


@lru_cache(maxsize=4)
def _env(folder: str) -> jinja2.Environment:
    path = locate(folder)  # the office's own copy in the current directory, else the shipped one
    return jinja2.Environment(loader=jinja2.FileSystemLoader(str(path)), undefined=jinja2.StrictUndefined,
                              trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=True, autoescape=False)


def render(folder: str, name: str, **context: Any) -> str:
    return _env(folder).get_template(name).render(**context).strip() + "\n"


def headline(rows: list[PetitionRow]) -> str:
    """"超期 3 件、临期 1 件": petitions; one late on two steps is one 超期 件."""
    overdue = sum(r.status == "overdue" for r in rows)
    soon = len(rows) - overdue
    parts = [f"超期 {overdue} 件"] if overdue else []
    if soon:
        parts.append(f"临期 {soon} 件")
    return "、".join(parts)


def digest(folder: str, *, unit: str, items: list[Item], office: str, day: date, chat: bool) -> tuple[str, str]:
    """(subject, body) of one unit's digest; markdown for chat robots, plain text for e-mail.

    The templates get PetitionRows: one per petition, its due steps in ``row.items``."""
    warnings = sorted({w for i in items for w in i.warnings})
    rows = by_petition(items)
    head = headline(rows)
    body = render(folder, "digest.md.j2" if chat else "digest.txt.j2", unit=unit, headline=head, office=office,
                  day=zh_date(day), warnings=warnings,
                  overdue=[r for r in rows if r.status == "overdue"],
                  due_soon=[r for r in rows if r.status == "due_soon"])
    return f"【信访催办】{unit}：{head}（{zh_date(day)}）", body


def supervision(folder: str, *, unit: str, items: list[Item], office: str, day: date, has_letter: bool,
                min_days: int) -> tuple[str, str]:
    rows = by_petition(items)
    body = render(folder, "supervision.txt.j2", unit=unit, items=rows, office=office, day=zh_date(day),
                  has_letter=has_letter, min_days=min_days)
    return f"【信访督办】{unit}：超期 {len(rows)} 件（{zh_date(day)}）", body


def overdue_list(folder: str, *, total: int, per_unit: list[tuple[str, int]], due_soon: int, stuck: list[Any],
                 office: str, day: date, warnings: list[str]) -> tuple[str, str]:
    body = render(folder, "overdue_list.txt.j2", total=total, units=len(per_unit), per_unit=per_unit,
                  due_soon=due_soon, stuck=stuck, office=office, day=zh_date(day), warnings=warnings)
    return f"【超期清单】{zh_date(day)} 超期信访事项 {total} 件", body
