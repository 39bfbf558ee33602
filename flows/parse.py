"""Turn what the upstream page showed (text) into a valid Petition, or a MalformedPetition.

Lenient where a person can fix it later (an unknown form, a bad ID checksum: kept, noted);
strict where the record would be wrong (no ref, no title, impossible dates).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime

from core.errors import MalformedPetition
from core.model import FORMS, HANDOVERS, PURPOSES, Petition, Petitioner
from core.ports import Scraped, Site
from core.privacy import id_checksum_ok

REF_RE = re.compile(r"^[0-9A-Za-z\u4e00-\u9fff〔〕()（）_\-]{1,64}$")
# Bidi overrides/isolates can make a name or a file name display as something else.
BIDI = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"))
ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))
_DATE_PATTERNS = (
    re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$"),
    re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$"),
    re.compile(r"^(\d{4})\.(\d{1,2})\.(\d{1,2})$"),
    re.compile(r"^(\d{4})年(\d{1,2})月(\d{1,2})日$"),
)


def clean_text(value: str | None, *, keep_newlines: bool = True) -> str:
    """Drop control, bidi and zero-width characters; keep emoji, CJK and newlines."""
    if not value:
        return ""
    text = unicodedata.normalize("NFC", str(value)).translate(BIDI).translate(ZERO_WIDTH)
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    out = []
    for ch in text:
        if ch == "\n" and keep_newlines:
            out.append(ch)
        elif ch == "\t":
            out.append(" ")
        elif unicodedata.category(ch) in ("Cc", "Cs", "Co"):
            continue
        else:
            out.append(ch)
    return "".join(out).strip()


def parse_date(value: str | None, field: str, ref: str, *, required: bool,
               formats: tuple[str, ...] = ()) -> date | None:
    return parse_when(value, field, ref, required=required, formats=formats)[0]


def parse_when(value: str | None, field: str, ref: str, *, required: bool,
               formats: tuple[str, ...] = ()) -> tuple[date | None, str]:
    """(the date, "HH:MM" or "") of what a page shows. The site's own ``formats`` (strptime)
    are tried first, on the text as written ("2026-11-01 08:00:00" keeps its space and its time);
    then the spellings people type, spaces removed, date only."""
    written = clean_text(value)
    for fmt in formats:
        try:
            when = datetime.strptime(written, fmt)
        except ValueError:
            continue
        return when.date(), (when.strftime("%H:%M") if "%H" in fmt else "")
    text = written.replace(" ", "")
    if not text:
        if required:
            raise MalformedPetition(f"缺少{_ZH.get(field, field)}", ref=ref)
        return None, ""
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3])), ""
            except ValueError:
                break
    raise MalformedPetition(f"{_ZH.get(field, field)}不是有效日期：{text[:40]!r}", ref=ref)


_ZH = {"received_on": "收信日期", "assigned_on": "交办日期", "due_on": "限办日期", "title": "标题", "ref": "信访件编号"}


def parse_scraped(item: Scraped, site: Site | None = None) -> Petition:
    """Validate one scraped detail, in the words of ``site`` (its forms, purposes, date formats,
    closed statuses; None: the petition vocabulary as is). Raises MalformedPetition with a
    Chinese reason that names the ref as the site does (信访件编号 / 工单编号)."""
    noun = ref_noun(site)
    ref = clean_text(item.ref, keep_newlines=False)
    if not ref:
        raise MalformedPetition(f"缺少{noun}", ref="(空)")
    if not REF_RE.match(ref):
        raise MalformedPetition(f"{noun}格式异常：{ref[:40]!r}", ref=ref[:40])
    f = {k: (v if isinstance(v, str) else "" if v is None else str(v)) for k, v in item.fields.items()}
    title = clean_text(f.get("title"), keep_newlines=False)
    if not title:
        raise MalformedPetition("缺少标题", ref=ref)
    formats = site.date_formats if site is not None else ()
    received = parse_date(f.get("received_on"), "received_on", ref, required=True, formats=formats)
    assigned = parse_date(f.get("assigned_on"), "assigned_on", ref, required=True, formats=formats)
    due, due_time = parse_when(f.get("due_on"), "due_on", ref, required=False, formats=formats)
    assert received and assigned  # required=True guarantees it; for the type checker
    notes: list[str] = []
    if assigned < received:
        notes.append(f"交办日期 {assigned} 早于收信日期 {received}")

    form = clean_text(f.get("form"), keep_newlines=False)
    form = site.forms.get(form, form) if site is not None else form
    if form not in FORMS:
        notes.append(f"信访形式未知：{form[:20]!r}")
    purpose = clean_text(f.get("purpose"), keep_newlines=False) or "其他"
    purpose = site.purposes.get(purpose, purpose) if site is not None else purpose
    if purpose not in PURPOSES:
        notes.append(f"信访目的未知：{purpose[:20]!r}")
    statutory = site.statutory if site is not None else True
    # An empty 交办/转送 is not guessed: whether the office must report back decides which
    # letters it drafts (承办情况报告), so a petition that does not say is noted for a clerk.
    # A work order has no such notion (the platform always expects its reply): it stays empty.
    handover = clean_text(f.get("handover"), keep_newlines=False)
    if handover and handover not in HANDOVERS:
        notes.append(f"交办方式未知：{handover[:20]!r}")
    elif not handover and statutory:
        notes.append("上级系统未注明交办或转送，请核对")

    petitioners = []
    for raw in item.petitioners:
        p = Petitioner(
            name=clean_text(raw.get("name"), keep_newlines=False),
            id_number=clean_text(raw.get("id_number"), keep_newlines=False).upper(),
            phone=clean_text(raw.get("phone"), keep_newlines=False),
            address=clean_text(raw.get("address"), keep_newlines=False),
        )
        if p.id_number and not id_checksum_ok(p.id_number):
            notes.append(f"第{len(petitioners) + 1}位信访人身份证号校验位不符")
        petitioners.append(p)

    headcount_text = clean_text(f.get("headcount"), keep_newlines=False)
    try:
        headcount = int(headcount_text)
        if headcount < 1:
            raise ValueError
    except ValueError:
        headcount = max(1, len(petitioners))
        if headcount_text:
            notes.append(f"人数无效：{headcount_text[:20]!r}，按信访人数计 {headcount}")

    anonymous = clean_text(f.get("anonymous"), keep_newlines=False).lower() in YES + ("匿名",)
    confidential = clean_text(f.get("confidential"), keep_newlines=False).lower() in YES
    status = clean_text(f.get("status"), keep_newlines=False)
    if site is not None and status and not site.knows(status):
        notes.append(f"{site.label}的状态“{status[:20]}”不在已知状态中，请核对是否已办结")
    return Petition(
        ref=ref,
        title=title,
        form=form,
        received_on=received,
        assigned_on=assigned,
        assigned_to=clean_text(f.get("assigned_to"), keep_newlines=False),
        assigning_office=clean_text(f.get("assigning_office"), keep_newlines=False),
        handover=handover,
        handover_no=clean_text(f.get("handover_no"), keep_newlines=False),
        due_on=due,
        due_time=due_time,
        petitioners=petitioners,
        headcount=headcount,
        locality=clean_text(f.get("locality"), keep_newlines=False),
        purpose=purpose,
        category=clean_text(f.get("category"), keep_newlines=False),
        content=clean_text(f.get("content")),
        demand=clean_text(f.get("demand")),
        anonymous=anonymous,
        confidential=confidential,
        status=status,
        notes=notes,
        source=site.name if site is not None else Petition.source,
        source_label=site.label if site is not None else "",
        closed=site is not None and status in site.closed,
        statutory=statutory,
    )


YES = ("是", "true", "1", "yes")


def ref_noun(site: Site | None) -> str:
    """How messages name a ref of ``site``: 工单编号 for a work-order platform, else 信访件编号."""
    return "工单编号" if site is not None and not site.statutory else "信访件编号"
