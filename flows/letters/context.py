"""The values a letter shows, under the Chinese names the templates use. Plain Python.

Privacy is decided here, by audience, so no template can leak what it was never given:
a letter to a responsible unit about an accusation (检举控告) carries no petitioner name,
address, phone or ID, and the free text is scrubbed of the petitioner's names too. Letters to
units about several petitions (催办单 / 督办单) scrub every title and note of the petitioners'
names, and never name an accuser at all.

No value is a half-filled phrase: lines made of several labelled parts (基本情况, 联系方式) are
built here from the parts that have a value, so a template never prints "内容分类：；".
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any

from core.model import Petition
from core.privacy import mask_id, mask_name, scrub_patterns

from .settings import LettersSettings

if TYPE_CHECKING:
    from .dates import LetterDates
    from .legal import LegalTable

SECRET = "（依法保密）"
NONE = "—"  # an empty table cell: a dash, never a blank a reader could take for a missing value
VOLATILE = frozenset({"成文日期", "受理期限已过", "办结期限已过"})  # change with the day, not with the data
REJECTIONS = ("不予受理", "不再受理")
WAYS = {"来信": "来信反映", "来访": "来访反映", "网上信访": "通过网上信访反映", "电话": "通过电话反映"}

# XML 1.0 forbids most control characters: one in petition text would corrupt the .docx.
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")
_END_PUNCT = "。；;，,.!！ 　"


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


PARAGRAPH = "\a"  # a paragraph break inside a value (the .docx adapter makes it a new paragraph)


def paragraphs(text: str) -> str:
    """A free text's lines as paragraphs of their own, each indented like the first."""
    return PARAGRAPH.join(line.strip() for line in text.split("\n") if line.strip())


def clause(value: Any) -> str:
    """A clerk's reason as a clause the template continues: no trailing full stop or comma."""
    return clean(value).rstrip(_END_PUNCT)


def quoted(text: str) -> str:
    """An article's wording inside “”: the sentence's own full stop goes (“……不再受理”的规定)."""
    return clean(text).rstrip("。")


@dataclass(frozen=True)
class UnitItem:
    """One overdue or due-soon step of a petition, listed on a 催办单 / 督办单.

    Several items of one petition (its acceptance and its handling step, say) become one row
    of the letter, with each step on its own line inside the row."""

    petition: Petition
    due_on: date | None
    days_late: int = 0  # > 0 overdue by so many days; <= 0 not yet overdue
    note: str = ""
    step: str = ""  # 环节: 受理告知 / 办理答复 / 复查意见 / 复核意见 (empty: 办理)
    due_soon: bool = True  # not overdue yet but close (临期); False: listed for another reason

    @property
    def late_text(self) -> str:
        if self.days_late > 0:
            return str(self.days_late)
        return "临期" if self.due_soon else NONE


def hide_names(text: str, names: Sequence[str]) -> str:
    """Text with the given names replaced by 某某, and ID and phone numbers masked."""
    for name in sorted({n.strip() for n in names if n and len(n.strip()) >= 2}, key=len, reverse=True):
        text = text.replace(name, "某某")
    return scrub_patterns(text)


def pronoun(p: Petition) -> str:
    """你 for one petitioner, 你们 for several (a 联名信 or a group visit)."""
    return "你们" if len(p.petitioners) > 1 or (p.headcount or 1) > 1 else "你"


def contact_line(settings: LettersSettings) -> str:
    parts = []
    if clean(settings.contact_person):
        parts.append(f"联系人：{clean(settings.contact_person)}")
    if clean(settings.contact_phone):
        parts.append(f"联系电话：{clean(settings.contact_phone)}")
    return "，".join(parts)


def _facts(p: Petition, category: str) -> list[dict[str, str]]:
    if p.is_work_order:  # the platform's own words for the same facts
        rows = [("来源", p.source_name), ("受理日期", zh_date(p.received_on)), ("派单日期", zh_date(p.assigned_on)),
                ("来源渠道", clean(p.form)), ("问题属地", clean(p.locality)), ("内容分类", category),
                ("诉求性质", clean(p.purpose))]
        return [{"项目": k, "内容": v} for k, v in rows if v]
    rows = [("收件日期", zh_date(p.received_on)), ("交办日期", zh_date(p.assigned_on)), ("信访形式", clean(p.form)),
            ("问题属地", clean(p.locality)), ("内容分类", category), ("信访目的", clean(p.purpose)),
            ("人数", f"{p.headcount}人" if p.headcount else "")]
    return [{"项目": k, "内容": v} for k, v in rows if v]


def _cell(value: Any) -> str:
    return clean(value) or NONE


def petition_context(p: Petition, kind_audience: str, settings: LettersSettings, *, office: str,
                     today: date, dates: LetterDates | None = None, legal: LegalTable | None = None,
                     statute: str = "national") -> dict[str, Any]:
    """Context of a letter about one petition. ``kind_audience``: unit | petitioner | upstream.

    ``dates`` (from the deadline engine) gives 受理期限 and 办结期限; ``legal`` (the legal-basis
    table) and ``statute`` (its key for the office's rules) give 法律依据 and 延期依据."""
    clerk = p.clerk or {}
    secret = kind_audience == "unit" and p.is_accusation
    names = [x.name for x in p.petitioners]
    text = (lambda s: hide_names(clean(s), names)) if secret else clean
    if secret:
        people = SECRET
        rows = [{"序号": "1", "姓名": SECRET, "联系电话": NONE, "住址": NONE, "证件号码": NONE}]
    elif p.anonymous or not p.petitioners:
        # A notice needs someone to serve it on: empty for a petitioner letter, so it is withheld.
        people = "" if kind_audience == "petitioner" else "匿名"
        rows = [{"序号": "1", "姓名": "匿名", "联系电话": NONE, "住址": NONE, "证件号码": NONE}]
    else:
        people = "、".join(clean(n) for n in names)
        rows = [{"序号": str(i), "姓名": _cell(x.name), "联系电话": _cell(x.phone), "住址": _cell(x.address),
                 "证件号码": mask_id(x.id_number) or NONE} for i, x in enumerate(p.petitioners, 1)]
    you = pronoun(p)
    passed = dates.passed(today) if dates else {}
    decision = str(clerk.get("decision") or "").strip()
    reason = clause(clerk.get("decision_reason"))
    basis, basis_text, redirect = _decision_basis(clerk, decision, legal, statute)
    ext_ref, ext_text = _extension_basis(legal, statute)
    category = clean(clerk.get("category_confirmed") or p.category)
    if decision == "不予受理":  # a refusal always says where to turn; a 不再受理 only when its reason does
        redirect = redirect or clean(settings.redirect_text)
    return {
        "本单位": clean(office),
        "经办人": clean(settings.contact_person),
        "经办电话": clean(settings.contact_phone),
        "联系方式": contact_line(settings),
        "成文日期": zh_date(today),
        "信访件编号": clean(p.ref),
        "标题": text(p.title),
        "信访形式": clean(p.form),
        "反映方式": WAYS.get(clean(p.form), f"通过{clean(p.form)}反映" if clean(p.form) else ""),
        "称谓": you,
        "收件日期": zh_date(p.received_on),
        "交办日期": zh_date(p.assigned_on),
        "交办机关": clean(p.assigning_office),
        "交办方式": clean(p.handover),
        "交办文号": clean(p.handover_no),
        "限办日期": zh_date(p.due_on),
        "信访人": people,
        "信访人列表": rows,
        "基本情况": _facts(p, category),
        "人数": str(p.headcount or ""),
        "问题属地": clean(p.locality),
        "信访目的": clean(p.purpose),
        "内容分类": category,
        "反映内容": paragraphs(text(p.content)),
        "诉求": paragraphs(text(p.demand)),
        "责任单位": clean(p.responsible_unit),
        "责任人": "" if secret else clean(clerk.get("responsible_person")),
        "受理日期": zh_date(clerk.get("accepted_on")),
        "受理期限": zh_date(dates.acceptance_due if dates else None),
        "受理期限已过": "是" if "受理期限" in passed else "",
        "办结期限": zh_date(dates.handling_due if dates else p.due_on),
        "办结期限已过": "是" if "办结期限" in passed else "",
        "办理时限": _time_limit(p, dates.handling_due if dates else p.due_on, bool(clerk.get("extension_until"))),
        "编号名称": p.ref_kind,
        "来源": p.source_name,
        "延期至": zh_date(clerk.get("extension_until")),
        "延期理由": clause(clerk.get("extension_reason")),
        "延期依据": ext_ref,
        "延期依据原文": ext_text,
        "办结日期": zh_date(clerk.get("closed_on")),
        "不予受理理由": reason if decision == "不予受理" else "",
        "不再受理理由": reason if decision == "不再受理" else "",
        "法律依据": basis,
        "法律依据原文": basis_text,
        "告知途径": redirect.replace("你（们）", you).replace("{你}", you),
        "复查机关": clean(settings.review_office),
    }


def _time_limit(p: Petition, due: date | None, extended: bool) -> str:
    """The due date, with the platform's time of day when the date is the platform's own. Empty
    for a work order the platform gave no 办理时限 (a letter must not state a date we made up)."""
    if p.is_work_order and p.due_on is None and not extended:
        return ""
    text = zh_date(due)
    return f"{text}{p.due_time}" if text and p.due_time and due == p.due_on else text


def _decision_basis(clerk: Mapping[str, Any], decision: str, legal: LegalTable | None,
                    statute: str) -> tuple[str, str, str]:
    """(reference, checked wording, redirect) of the reason the clerk chose; empty when the
    choice does not fit the decision or cites no article (the letter is then withheld)."""
    if legal is None or decision not in REJECTIONS:
        return "", "", ""
    reason = legal.reasons.get(clean(clerk.get("legal_basis")))
    if reason is None or reason.decision != decision:
        return "", "", ""
    cite = legal.cite(reason.by_statute, statute, reason.label)
    if cite is None:
        return "", "", reason.redirect
    return cite.reference, quoted(cite.text), reason.redirect


def _extension_basis(legal: LegalTable | None, statute: str) -> tuple[str, str]:
    if legal is None:
        return "", ""
    cite = legal.cite(legal.extension, statute, "延期")
    return (cite.reference, quoted(cite.text)) if cite else ("", "")


def unit_context(unit: str, items: Sequence[UnitItem], settings: LettersSettings, *, office: str, today: date,
                 reply_by: date | None = None, requirement: str = "") -> dict[str, Any]:
    """Context of a 催办单 / 督办单: one row per petition with its steps inside the row; names
    masked, accusers never named, no IDs or phones, titles and notes scrubbed of every name."""
    by_ref: dict[str, list[UnitItem]] = {}
    for it in items:
        by_ref.setdefault(it.petition.ref, []).append(it)
    rows = []
    for i, group in enumerate(by_ref.values(), 1):
        p = group[0].petition
        if p.is_accusation:
            who = SECRET
        elif p.anonymous or not p.petitioners:
            who = "匿名"
        else:
            who = "、".join(mask_name(x.name) for x in p.petitioners)
        names = [x.name for x in p.petitioners]
        group = sorted(group, key=lambda it: (it.due_on or date.max, it.step))
        late = [it for it in group if it.days_late > 0]
        notes = list(dict.fromkeys(hide_names(clean(it.note), names) for it in group if clean(it.note)))
        rows.append({
            "序号": str(i),
            "信访件编号": clean(p.ref),
            "标题": hide_names(clean(p.title), names) or NONE,
            "信访人": who,
            "问题属地": _cell(p.locality),
            "环节": "\n".join(clean(it.step) or "办理" for it in group),
            "限办日期": "\n".join(zh_date(it.due_on) or NONE for it in group),
            "超期天数": "\n".join(it.late_text for it in group),
            "状态": "超期" if late else ("临期" if any(it.due_soon for it in group) else NONE),
            "备注": "；".join(notes) or NONE,
        })
    return {
        "本单位": clean(office),
        "经办人": clean(settings.contact_person),
        "经办电话": clean(settings.contact_phone),
        "联系方式": contact_line(settings),
        "成文日期": zh_date(today),
        "责任单位": clean(unit),
        "事项列表": rows,
        "事项数": str(len(rows)) if rows else "",
        "报送期限": zh_date(reply_by or today + timedelta(days=settings.reply_days)),
        "办理要求": clean(requirement),
        "抄送": clean(settings.copy_to),
    }


def fingerprint(context: Mapping[str, Any]) -> str:
    """What decides "the data changed": every value but the drafting date."""
    data = {k: v for k, v in context.items() if k not in VOLATILE}
    return hashlib.sha256(json.dumps(data, ensure_ascii=False, sort_keys=True).encode()).hexdigest()
