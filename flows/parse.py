"""Turn what the upstream page showed (text) into a valid Petition, or a MalformedPetition.

Lenient where a person can fix it later (an unknown form, a bad ID checksum: kept, noted);
strict where the record would be wrong (no ref, no title, impossible dates).
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

from core.errors import MalformedPetition
from core.model import FORMS, HANDOVERS, PURPOSES, Petition, Petitioner
from core.ports import Scraped
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


def parse_date(value: str | None, field: str, ref: str, *, required: bool) -> date | None:
    text = clean_text(value).replace(" ", "")
    if not text:
        if required:
            raise MalformedPetition(f"缺少{_ZH.get(field, field)}", ref=ref)
        return None
    text = text[:10] if re.match(r"^\d{4}-\d{2}-\d{2}T", text) else text
    for pattern in _DATE_PATTERNS:
        m = pattern.match(text)
        if m:
            try:
                return date(int(m[1]), int(m[2]), int(m[3]))
            except ValueError:
                break
    raise MalformedPetition(f"{_ZH.get(field, field)}不是有效日期：{text[:40]!r}", ref=ref)


_ZH = {"received_on": "收信日期", "assigned_on": "交办日期", "due_on": "限办日期", "title": "标题", "ref": "信访件编号"}


def parse_scraped(item: Scraped) -> Petition:
    """Validate one scraped detail. Raises MalformedPetition with a Chinese reason."""
    ref = clean_text(item.ref, keep_newlines=False)
    if not ref:
        raise MalformedPetition("缺少信访件编号", ref="(空)")
    if not REF_RE.match(ref):
        raise MalformedPetition(f"信访件编号格式异常：{ref[:40]!r}", ref=ref[:40])
    f = {k: (v if isinstance(v, str) else "" if v is None else str(v)) for k, v in item.fields.items()}
    title = clean_text(f.get("title"), keep_newlines=False)
    if not title:
        raise MalformedPetition("缺少标题", ref=ref)
    received = parse_date(f.get("received_on"), "received_on", ref, required=True)
    assigned = parse_date(f.get("assigned_on"), "assigned_on", ref, required=True)
    due = parse_date(f.get("due_on"), "due_on", ref, required=False)
    assert received and assigned  # required=True guarantees it; for the type checker
    notes: list[str] = []
    if assigned < received:
        notes.append(f"交办日期 {assigned} 早于收信日期 {received}")

    form = clean_text(f.get("form"), keep_newlines=False)
    if form not in FORMS:
        notes.append(f"信访形式未知：{form[:20]!r}")
    purpose = clean_text(f.get("purpose"), keep_newlines=False) or "其他"
    if purpose not in PURPOSES:
        notes.append(f"信访目的未知：{purpose[:20]!r}")
    handover = clean_text(f.get("handover"), keep_newlines=False) or "交办"
    if handover not in HANDOVERS:
        notes.append(f"交办方式未知：{handover[:20]!r}")

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

    anonymous = clean_text(f.get("anonymous"), keep_newlines=False).lower() in ("是", "true", "1", "yes", "匿名")
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
        petitioners=petitioners,
        headcount=headcount,
        locality=clean_text(f.get("locality"), keep_newlines=False),
        purpose=purpose,
        category=clean_text(f.get("category"), keep_newlines=False),
        content=clean_text(f.get("content")),
        demand=clean_text(f.get("demand")),
        anonymous=anonymous,
        status=clean_text(f.get("status"), keep_newlines=False),
        notes=notes,
    )
