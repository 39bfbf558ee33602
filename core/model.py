"""Plain records that travel between the robot, the flows, the store and the outputs.

No library types here: a Petition is what every adapter (ledger, letters, reminders,
analysis) reads, and what the store keeps.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

FORMS = ("来信", "来访", "网上信访", "电话")
PURPOSES = ("求决", "申诉", "检举控告", "建议意见", "其他")
HANDOVERS = ("交办", "转送")
ACCUSATION = "检举控告"  # purpose whose petitioner is never named outside the ledger
WALK_IN = "ledger"  # Petition.source of a walk-in a clerk typed into the ledger
# A group petition is named by its form: a visit of five or more people is a 集体访, a letter or
# online petition signed by as many is a 联名信. A phone call is neither (one caller's headcount).
GROUP_VISIT, GROUP_LETTER = "集体访", "联名信"
# What a person reads for a run (log lines, mails, the console): its flow and its status.
FLOW_ZH = {"intake": "取件", "ledger": "台账同步", "letters": "文书", "reminders": "催办提醒", "analysis": "智能分析",
           "report": "月度报告", "export": "导出", "chain": "全流程", "analysis-report": "月度报告",
           "analysis-train": "训练分类模型"}
RUN_STATUS_ZH = {"ok": "成功", "partial": "部分失败", "failed": "失败", "crashed": "异常终止", "running": "运行中",
                 "stopped": "已停止", "interrupted": "中断"}


def upstream_trouble_zh(summary: dict[str, Any]) -> str:
    """What the upstream cost a run (its robots' retries and re-logins, summed), in Chinese, or "":
    why a night's intake took longer than usual."""
    robot = summary.get("robot") or {}
    parts = [f"{label} {robot[key]} 次" for key, label in (("retries", "重试"), ("relogins", "重新登录")) if robot.get(key)]
    return "上级系统：" + "、".join(parts) if parts else ""


def group_kind(form: str, headcount: int, threshold: int) -> str:
    """集体访, 联名信, or "" (a visit of four, a phone call, one letter writer)."""
    if (headcount or 0) < threshold:
        return ""
    if form == "来访":
        return GROUP_VISIT
    if form in ("来信", "网上信访"):
        return GROUP_LETTER
    return ""

# Clerk-owned fields: written by clerks only, except their first value.
CLERK_FIELDS = (
    "responsible_person",  # 责任人
    "handling_status",  # 办理状态
    "closed_on",  # 办结日期
    "reply_method",  # 答复方式
    "served_on",  # 送达日期
    "satisfaction",  # 满意度
    "extension_until",  # 延期至
    "decision",  # 受理 / 不予受理 / 不再受理
    "accepted_on",  # 受理日期
    "reminder_log",  # 催办/督办记录
    "remarks",  # 备注
    "category_confirmed",  # 内容分类 confirmed by a clerk
    "repeat_confirmed",  # 重件确认: a clerk's answer to a suspected repeat (是重件 / 不是重件)
    "decision_reason",  # 不予受理/不再受理理由 (the notices quote it)
    "legal_basis",  # 法律依据: a reason of the legal-basis table (the notices cite its article)
    "extension_reason",  # 延期理由 (the extension notice states it)
    "review_requested_on",  # 复查申请日期
    "review_closed_on",  # 复查意见日期
    "re_review_requested_on",  # 复核申请日期
    "re_review_closed_on",  # 复核意见日期
)


@dataclass(frozen=True)
class Petitioner:
    name: str
    id_number: str = ""
    phone: str = ""
    address: str = ""


@dataclass(frozen=True)
class Attachment:
    name: str  # sanitised file name as stored
    media_type: str = "application/octet-stream"
    sha256: str = ""
    size: int = 0
    path: str = ""  # relative to the workdir
    original_name: str = ""  # as the upstream named it, when sanitising changed it
    # Why the file is not here yet (a download that kept failing): intake fetches the petition
    # again on every later run until it arrives. Empty for a stored file, and for one over the
    # size cap (that one is never downloaded: ``path`` stays empty).
    missing: str = ""


@dataclass
class Petition:
    """One matter assigned to the office: a 信访件 from the district's petition system, or a 工单
    from the 12345 hotline (``statutory`` False). ``ref`` (信访件编号 / 工单编号) is the key
    everywhere; the upstream ref is unique per ``source`` (see ``core.refs.store_ref``)."""

    ref: str
    title: str
    form: str
    received_on: date
    assigned_on: date
    assigned_to: str = ""  # upstream unit code
    assigning_office: str = ""
    handover: str = "交办"  # "" when the upstream does not say (a work order never does)
    handover_no: str = ""  # 交办文号
    due_on: date | None = None  # upstream 限办日期 (a work order's 办理时限)
    due_time: str = ""  # "HH:MM" when the upstream gives the deadline's time of day (办理时限 08:00)
    petitioners: list[Petitioner] = field(default_factory=list)
    headcount: int = 1
    locality: str = ""
    purpose: str = "其他"
    category: str = ""
    content: str = ""
    demand: str = ""
    anonymous: bool = False
    confidential: bool = False  # the upstream marks it secret (是否保密: 是): the caller stays unnamed
    status: str = ""  # upstream status as the site writes it, e.g. 待签收 / 待办理 / 待接单
    attachments: list[Attachment] = field(default_factory=list)
    # Local fields, owned by petitionbot or the clerks, never by the upstream:
    # The upstream entry it came from (config ``[[upstream]] name``: "district", "hotline"), or
    # "ledger" (WALK_IN) for a walk-in a clerk typed. The three below are the source Site's
    # vocabulary, decided at intake so flows never need the site's own words:
    source: str = "district"
    source_label: str = ""  # the Site's label shown to clerks (区信访系统, 12345热线)
    closed: bool = False  # the upstream status is one of the site's closed statuses
    statutory: bool = True  # the petition statutes' deadlines and notices apply (False: a 工单)
    upstream_state: str = "active"  # active | reassigned | withdrawn
    responsible_unit: str = ""
    clerk: dict[str, Any] = field(default_factory=dict)
    signed_on: date | None = None
    notes: list[str] = field(default_factory=list)  # intake findings for a person (bad ID checksum, ...)

    @property
    def is_accusation(self) -> bool:
        """The petitioner is never named outside the ledger: a 检举控告 (a hotline 举报 maps to
        it), or an item the upstream marks confidential (是否保密)."""
        return self.purpose == ACCUSATION or self.confidential

    @property
    def is_work_order(self) -> bool:
        return not self.statutory

    @property
    def ref_kind(self) -> str:
        """What the ref is called in messages: 工单编号 for a work order, else 信访件编号."""
        return "工单编号" if self.is_work_order else "信访件编号"

    @property
    def kind_name(self) -> str:
        return "工单" if self.is_work_order else "信访件"

    @property
    def source_name(self) -> str:
        """The 来源 a clerk reads: the Site's label, 台账登记 for a walk-in."""
        if self.source == WALK_IN:
            return "台账登记"
        return self.source_label or self.source

    @property
    def upstream_fields(self) -> dict[str, Any]:
        """The part the upstream owns: what change detection compares."""
        d = to_jsonable(self)
        for k in ("source", "source_label", "closed", "statutory", "upstream_state", "responsible_unit", "clerk",
                  "signed_on", "notes"):
            d.pop(k, None)
        for a in d["attachments"]:
            a.pop("path", None)
            a.pop("missing", None)  # our bookkeeping: a retry failing for another reason changes nothing upstream
        return d


def to_jsonable(obj: Any) -> Any:
    """Dataclasses, dates and containers to JSON-ready values (ISO dates)."""
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: to_jsonable(getattr(obj, f.name)) for f in dataclasses.fields(obj)}
    if isinstance(obj, (date, datetime)):
        return obj.isoformat()
    if isinstance(obj, dict):
        return {k: to_jsonable(v) for k, v in obj.items()}
    if isinstance(obj, (list, tuple)):
        return [to_jsonable(v) for v in obj]
    return obj


def _date(v: Any) -> date | None:
    if v in (None, ""):
        return None
    return v if isinstance(v, date) else date.fromisoformat(v)


def petition_from_dict(d: dict[str, Any]) -> Petition:
    """Inverse of ``to_jsonable`` for a Petition (store rows, fixtures)."""
    d = dict(d)
    d["received_on"] = _date(d["received_on"])
    d["assigned_on"] = _date(d["assigned_on"])
    d["due_on"] = _date(d.get("due_on"))
    d["signed_on"] = _date(d.get("signed_on"))
    d["petitioners"] = [Petitioner(**p) for p in d.get("petitioners", [])]
    d["attachments"] = [Attachment(**a) for a in d.get("attachments", [])]
    known = {f.name for f in dataclasses.fields(Petition)}
    return Petition(**{k: v for k, v in d.items() if k in known})


@dataclass
class RunCounts:
    listed: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    signed: int = 0
