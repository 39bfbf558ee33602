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
# A group petition is named by its form: a visit of five or more people is a 集体访, a letter or
# online petition signed by as many is a 联名信. A phone call is neither (one caller's headcount).
GROUP_VISIT, GROUP_LETTER = "集体访", "联名信"


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
    """One 信访件. ``ref`` (信访件编号) is the key everywhere."""

    ref: str
    title: str
    form: str
    received_on: date
    assigned_on: date
    assigned_to: str = ""  # upstream unit code
    assigning_office: str = ""
    handover: str = "交办"
    handover_no: str = ""  # 交办文号
    due_on: date | None = None  # upstream 限办日期
    petitioners: list[Petitioner] = field(default_factory=list)
    headcount: int = 1
    locality: str = ""
    purpose: str = "其他"
    category: str = ""
    content: str = ""
    demand: str = ""
    anonymous: bool = False
    status: str = ""  # upstream status, e.g. 待签收 / 待办理
    attachments: list[Attachment] = field(default_factory=list)
    # Local fields, owned by petitionbot or the clerks, never by the upstream:
    source: str = "upstream"  # upstream | ledger (walk-in rows a clerk typed)
    upstream_state: str = "active"  # active | reassigned | withdrawn
    responsible_unit: str = ""
    clerk: dict[str, Any] = field(default_factory=dict)
    signed_on: date | None = None
    notes: list[str] = field(default_factory=list)  # intake findings for a person (bad ID checksum, ...)

    @property
    def is_accusation(self) -> bool:
        return self.purpose == ACCUSATION

    @property
    def upstream_fields(self) -> dict[str, Any]:
        """The part the upstream owns: what change detection compares."""
        d = to_jsonable(self)
        for k in ("source", "upstream_state", "responsible_unit", "clerk", "signed_on", "notes"):
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
