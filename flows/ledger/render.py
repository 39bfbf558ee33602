"""A petition as the cells of its ledger row (before text safety, which the writer applies)."""

from __future__ import annotations

from datetime import date
from typing import Any, Literal

from core.model import Petition, group_kind
from core.privacy import Redactor, mask_id, mask_name, mask_phone
from flows.ledger.columns import BY_KEY, CLERK_KEYS

Privacy = Literal["show", "mask", "hide"]
HIDDEN_ACCUSER = "（检举控告，不公开）"
_DATE_KEYS = frozenset(k for k in CLERK_KEYS if BY_KEY[k].kind == "date")
_STATE_ZH = {"withdrawn": "上游已撤回", "reassigned": "已改派他单位"}


def _iso_date(value: Any) -> Any:
    if isinstance(value, str) and len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)
        except ValueError:
            return value
    return value


def bot_cells(p: Petition, *, group_threshold: int, privacy: Privacy = "show") -> dict[str, Any]:
    people = p.petitioners
    names = "、".join(x.name for x in people if x.name) or ("匿名" if p.anonymous else "")
    # One ID number or phone a line: the writer wraps these columns, so none is cut off at the edge.
    ids = "\n".join(x.id_number for x in people if x.id_number)
    phones = "\n".join(x.phone for x in people if x.phone)
    address = next((x.address for x in people if x.address), "")
    summary = p.title
    if p.demand and p.demand not in summary:
        summary = f"{summary}。诉求：{p.demand}" if summary else p.demand
    content = p.content
    if privacy != "show":
        scrub = Redactor()
        scrub.add_names(*(x.name for x in people))
        summary, content = scrub(summary), scrub(content)
        if privacy == "hide" or p.is_accusation:
            names = HIDDEN_ACCUSER if (p.is_accusation and names and privacy == "mask") else ""
            ids = phones = address = ""
        else:
            names = "、".join(mask_name(x.name) for x in people if x.name) or names
            ids = "\n".join(mask_id(x.id_number) for x in people if x.id_number)
            phones = "\n".join(mask_phone(x.phone) for x in people if x.phone)
            address = ""  # an address pins a person down as well as a name does
    return {
        "ref": p.ref,
        "source": p.source_name,
        "assigning_office": p.assigning_office,
        "handover_no": p.handover_no,
        "received_on": p.received_on,
        "assigned_on": p.assigned_on,
        "form": p.form,
        "purpose": p.purpose,
        "petitioners": names,
        "id_numbers": ids,
        "phones": phones,
        "address": address,
        "headcount": p.headcount,
        "group": group_kind(p.form, p.headcount, group_threshold) or "否",
        "locality": p.locality,
        "category": p.category,
        "summary": summary,
        "content": content,
        "due_on": p.due_on,
        "status": p.status if p.upstream_state == "active" else f"{p.status}（{_STATE_ZH.get(p.upstream_state, p.upstream_state)}）",
    }


def clerk_value(p: Petition, key: str) -> Any:
    """The store's value of a clerk column ("" when none), ISO strings for dates."""
    if key == "responsible_unit":
        return p.responsible_unit or ""
    v = p.clerk.get(key, "")
    return "" if v is None else v


def clerk_cells(p: Petition, *, privacy: Privacy = "show") -> dict[str, Any]:
    out: dict[str, Any] = {"responsible_unit": p.responsible_unit}
    clerk = p.clerk
    for key in CLERK_KEYS:
        v = clerk.get(key, "")
        out[key] = "" if v is None else (_iso_date(v) if key in _DATE_KEYS else v)
    if privacy != "show":
        scrub = Redactor()
        scrub.add_names(*(x.name for x in p.petitioners))
        for key in ("remarks", "reminder_log"):
            if isinstance(out.get(key), str):
                out[key] = scrub(out[key])
    return out


def as_cell(key_kind: str, value: Any) -> Any:
    """Store values to what goes in a cell: ISO strings in date columns become real dates."""
    if key_kind == "date":
        return _iso_date(value)
    return value
