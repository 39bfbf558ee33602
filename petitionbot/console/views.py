"""Words and masking shared by the pages: flow and status names, what a role may see."""

from __future__ import annotations

from typing import Any

from core.model import Petition
from core.privacy import mask_id, mask_name, mask_phone, scrub_patterns
from flows.export import people_redactor

DEADLINE_ZH = {"overdue": "超期", "due_soon": "临期", "on_track": "正常", "closed": "已办结", "closed_late": "超期办结"}
REPEAT_ZH = {"repeat": "重件", "suspected": "疑似重件", "none": "非重件"}
SOURCE_ZH = {"district": "区信访系统", "hotline": "12345热线", "ledger": "台账录入", "upstream": "区信访系统"}


def run_reason(row: dict[str, Any]) -> str:
    """Why a run is red, in Chinese, from its summary (already masked when the run ended)."""
    summary = row.get("summary") or {}
    if row["status"] == "ok":
        counts = summary.get("counts") or {}
        parts = [f"{k} {v}" for k, v in (("新件", counts.get("new")), ("更新", counts.get("updated"))) if v]
        return "，".join(parts)
    message = summary.get("message") or ""
    if not message and summary.get("failures"):
        message = f"{len(summary['failures'])} 件未处理成功，见运行记录"
    if not message and row["status"] == "interrupted":
        message = "运行中断（进程被终止），下次运行会接续处理"
    return scrub_patterns(message)


def shown_title(title: str, user: Any) -> str:
    """A title as this user may see it: ID and phone numbers masked for every role but the clerk."""
    return title if user.sees_personal else scrub_patterns(title)


def accuser_hidden(p: Petition, user: Any, allowed_roles: list[str]) -> bool:
    return p.is_accusation and user.role not in allowed_roles


def shown_people(p: Petition, user: Any, allowed_roles: list[str]) -> list[dict[str, str]]:
    """The petitioners as this user may see them: in full for a clerk, masked otherwise, and not
    at all (one line saying so) for an accuser whom this role may not see."""
    if accuser_hidden(p, user, allowed_roles):
        return [{"name": "（检举控告人身份保密）", "id_number": "", "phone": "", "address": ""}]
    if user.sees_personal:
        return [{"name": x.name, "id_number": x.id_number, "phone": x.phone, "address": x.address}
                for x in p.petitioners]
    return [{"name": mask_name(x.name), "id_number": mask_id(x.id_number), "phone": mask_phone(x.phone),
             "address": "（已隐藏）" if x.address else ""} for x in p.petitioners]


def text_scrubber(p: Petition, user: Any, allowed_roles: list[str]) -> Any:
    """A function that makes free text (content, demand, remarks) fit for this user."""
    return reasons_scrubber([p], user, allowed_roles)


def reasons_scrubber(petitions: list[Petition], user: Any, allowed_roles: list[str]) -> Any:
    """A function that makes text about these petitions (a repeat's reasons name the petitioners of
    it and of the petition it was matched with, masked: 赵*举, 138****2222) fit for this user: a role
    that may not see the accuser of any of them reads not even a masked trace, nor the village group
    (永福村5组) the reasons name beside it."""
    hidden = any(accuser_hidden(p, user, allowed_roles) for p in petitions)
    if user.sees_personal and not hidden:
        return lambda s: s or ""
    scrub = people_redactor(petitions, hide=hidden)
    return lambda s: scrub(s or "")


FIELD_ZH = {
    "created": "首次取到", "responsible_unit": "责任单位", "responsible_person": "责任人", "handling_status": "办理状态",
    "closed_on": "办结日期", "reply_method": "答复方式", "served_on": "送达日期", "satisfaction": "满意度",
    "extension_until": "延期至", "decision": "受理情况", "accepted_on": "受理日期", "reminder_log": "催办/督办记录",
    "remarks": "备注", "category_confirmed": "内容分类（确认）", "repeat_confirmed": "重件确认",
    "decision_reason": "不予受理/不再受理理由", "legal_basis": "法律依据", "extension_reason": "延期理由",
    "status": "上游状态", "title": "标题", "content": "信访内容", "demand": "诉求", "due_on": "上游限办日期",
    "category": "内容分类", "attachments": "附件", "petitioners": "信访人", "signed_on": "签收日期",
    "upstream_state": "上游状态（交回/撤回）",
}
HISTORY_SOURCE_ZH = {"upstream": "上游系统", "ledger": "台账", "bot": "机器人", "console": "工作台",
                     "district": "区信访系统", "hotline": "12345热线"}
