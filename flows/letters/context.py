"""The values a letter shows, under the Chinese names the templates use. Plain Python.

Privacy is decided here, by audience, so no template can leak what it was never given:
a letter to a responsible unit about an accusation (检举控告) carries no petitioner name,
address, phone or ID, and the free text is scrubbed of the petitioner's names too.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from flows.model import Petition
from flows.privacy import mask_id, mask_name, scrub_patterns

from .settings import LettersSettings

SECRET = "（依法保密）"
VOLATILE = frozenset({"成文日期"})  # changes every day; not a change of the letter's data

# XML 1.0 forbids most control characters: one in petition text would corrupt the .docx.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")

Deadlines = Callable[[Petition], Mapping[str, date | None]]


def zh_date(d: date | str | None) -> str:
    """2026年11月3日: Arabic numerals, no leading zeros (GB/T 9704)."""
    if not d:
        return ""
    if isinstance(d, str):
        try:
            d = date.fromisoformat(d[:10])
        except ValueError:
            return clean(d)
    return f"{d.year}年{d.month}月{d.day}日"


def clean(value: Any) -> str:
    text = "" if value is None else str(value)
    return _ILLEGAL.sub("", text.replace("\r\n", "\n").replace("\r", "\n")).strip()


@dataclass(frozen=True)
class UnitItem:
    """One overdue or due-soon item listed on a 催办单 / 督办单."""

    petition: Petition
    due_on: date | None
    days_late: int = 0  # > 0 overdue by so many days; <= 0 not yet overdue
    note: str = ""


def _hide(text: str, names: Sequence[str]) -> str:
    for name in sorted({n for n in names if n and len(n) >= 2}, key=len, reverse=True):
        text = text.replace(name, "某某")
    return scrub_patterns(text)


def petition_context(p: Petition, kind_audience: str, settings: LettersSettings, *, office: str,
                     today: date, deadlines: Mapping[str, date | None] | None = None) -> dict[str, Any]:
    """Context of a letter about one petition. ``kind_audience``: unit | petitioner | upstream."""
    clerk = p.clerk or {}
    secret = kind_audience == "unit" and p.is_accusation
    names = [x.name for x in p.petitioners]
    text = (lambda s: _hide(clean(s), names)) if secret else clean
    if secret:
        people = SECRET
        rows = [{"序号": "1", "姓名": SECRET, "联系电话": "", "住址": "", "证件号码": ""}]
    elif p.anonymous or not p.petitioners:
        people = "匿名"
        rows = [{"序号": "1", "姓名": "匿名", "联系电话": "", "住址": "", "证件号码": ""}]
    else:
        people = "、".join(clean(n) for n in names)
        rows = [{"序号": str(i), "姓名": clean(x.name), "联系电话": clean(x.phone), "住址": clean(x.address),
                 "证件号码": mask_id(x.id_number)} for i, x in enumerate(p.petitioners, 1)]
    dl = dict(deadlines or {})
    extension = clerk.get("extension_until")
    handling_due = extension or dl.get("办结期限") or p.due_on
    decision_reason = clean(clerk.get("decision_reason"))
    return {
        "本单位": clean(office),
        "经办人": clean(settings.contact_person),
        "经办电话": clean(settings.contact_phone),
        "成文日期": zh_date(today),
        "信访件编号": clean(p.ref),
        "标题": text(p.title),
        "信访形式": clean(p.form),
        "收件日期": zh_date(p.received_on),
        "交办日期": zh_date(p.assigned_on),
        "交办机关": clean(p.assigning_office),
        "交办方式": clean(p.handover),
        "交办文号": clean(p.handover_no),
        "限办日期": zh_date(p.due_on),
        "信访人": people,
        "信访人列表": rows,
        "人数": str(p.headcount or ""),
        "问题属地": clean(p.locality),
        "信访目的": clean(p.purpose),
        "内容分类": clean(clerk.get("category_confirmed") or p.category),
        "反映内容": text(p.content),
        "诉求": text(p.demand),
        "责任单位": clean(p.responsible_unit) or settings.default_unit,
        "责任人": "" if secret else clean(clerk.get("responsible_person")),
        "受理日期": zh_date(clerk.get("accepted_on")),
        "受理期限": zh_date(dl.get("受理期限")),
        "办结期限": zh_date(handling_due),
        "延期至": zh_date(extension),
        "延期理由": clean(clerk.get("extension_reason")),
        "办结日期": zh_date(clerk.get("closed_on")),
        "不予受理理由": decision_reason if clerk.get("decision") == "不予受理" else "",
        "不再受理理由": decision_reason if clerk.get("decision") == "不再受理" else "",
        "法律依据": settings.legal_basis_repeat if clerk.get("decision") == "不再受理" else settings.legal_basis_reject,
        "告知途径": clean(settings.redirect_text),
        "复查机关": clean(settings.review_office),
    }


def unit_context(unit: str, items: Sequence[UnitItem], settings: LettersSettings, *, office: str, today: date,
                 reply_by: date | None = None, requirement: str = "") -> dict[str, Any]:
    """Context of a 催办单 / 督办单: names masked, accusations never named, no IDs or phones."""
    rows = []
    for i, it in enumerate(items, 1):
        p = it.petition
        if p.is_accusation:
            who = SECRET
        elif p.anonymous or not p.petitioners:
            who = "匿名"
        else:
            who = "、".join(mask_name(x.name) for x in p.petitioners)
        names = [x.name for x in p.petitioners]
        rows.append({
            "序号": str(i),
            "信访件编号": clean(p.ref),
            "标题": _hide(clean(p.title), names),
            "信访人": who,
            "问题属地": clean(p.locality),
            "限办日期": zh_date(it.due_on),
            "超期天数": str(it.days_late) if it.days_late > 0 else "",
            "状态": "超期" if it.days_late > 0 else "临期",
            "备注": _hide(clean(it.note), names),
        })
    return {
        "本单位": clean(office),
        "经办人": clean(settings.contact_person),
        "经办电话": clean(settings.contact_phone),
        "成文日期": zh_date(today),
        "责任单位": clean(unit) or settings.default_unit,
        "事项列表": rows,
        "事项数": str(len(rows)),
        "报送期限": zh_date(reply_by or today + timedelta(days=settings.reply_days)),
        "办理要求": clean(requirement),
        "抄送": clean(settings.copy_to),
    }


def fingerprint(context: Mapping[str, Any]) -> str:
    """What decides "the data changed": every value but the drafting date."""
    data = {k: v for k, v in context.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
