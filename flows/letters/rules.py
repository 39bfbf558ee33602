"""Which letters a petition needs now. Plain Python over the Petition and the settings."""

from __future__ import annotations

from datetime import date

from core.model import Petition

from .settings import LettersSettings


def due_kinds(p: Petition, settings: LettersSettings) -> list[str]:
    """The kinds this petition should have, in drafting order.

    "Drafted once" is the file layer's job: this answers what the petition calls for, and
    asking again tomorrow gives the same answer unless the clerk's data changed.
    """
    if not settings.enabled or p.upstream_state != "active":
        return []
    if settings.since and p.assigned_on < date.fromisoformat(settings.since):
        return []
    if p.is_work_order:
        # A 工单 is not a 信访件: no acceptance decision, notice or report letter applies (the reply
        # goes back through the platform); the unit that handles it gets its handover note.
        return ["工单交办单"] if settings.handover_note else []
    clerk = p.clerk or {}
    kinds = []
    decision = str(clerk.get("decision") or "").strip()
    # A petition the office refuses is not handed over to a unit: nothing is left to handle.
    if settings.handover_note and decision not in ("不予受理", "不再受理"):
        kinds.append("交办单")
    notice = settings.notices.get(decision)
    if notice:
        kinds.append(notice)
    if settings.extension_notice and clerk.get("extension_until"):
        kinds.append("延期办理告知书")
    if clerk.get("closed_on"):
        for kind in settings.on_close:
            # Only an assigned (交办) item must be reported back to the assigning office.
            if kind == "承办情况报告" and p.handover != "交办":
                continue
            kinds.append(kind)
    return list(dict.fromkeys(kinds))
