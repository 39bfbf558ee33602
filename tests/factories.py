"""Hand-made petitions for unit tests (the simulator's generator makes bulk data)."""

from __future__ import annotations

from datetime import date
from typing import Any

from core.model import Attachment, Petition, Petitioner


def make_petitioner(**kw: Any) -> Petitioner:
    base = {"name": "王建国", "id_number": "330110198001010018", "phone": "13905710001",
            "address": "杭州市余杭区余杭街道永福村3组"}
    base.update(kw)
    return Petitioner(**base)


def make_petition(ref: str = "YH2026110001", **kw: Any) -> Petition:
    base: dict[str, Any] = {
        "ref": ref,
        "title": "反映永福村道路破损问题",
        "form": "来信",
        "received_on": date(2026, 11, 2),
        "assigned_on": date(2026, 11, 3),
        "assigned_to": "YH-JD",
        "assigning_office": "余杭区信访局",
        "handover": "交办",
        "handover_no": "余信交〔2026〕101号",
        "due_on": None,
        "petitioners": [make_petitioner()],
        "headcount": 1,
        "locality": "永福村",
        "purpose": "求决",
        "category": "城乡建设",
        "content": "永福村3组道路破损严重，雨天积水，群众出行不便。",
        "demand": "要求尽快修复道路。",
        "anonymous": False,
        "status": "待办理",
        "attachments": [Attachment(name="现场照片.jpg", media_type="image/jpeg", sha256="0" * 64, size=10)],
    }
    base.update(kw)
    return Petition(**base)


def make_work_order(ref: str = "YH-12345-20261103-0007", **kw: Any) -> Petition:
    """A 12345 hotline work order as intake stores it (the hotline Site's vocabulary applied)."""
    base: dict[str, Any] = {
        "title": "反映永福村路灯不亮", "form": "电话", "handover": "", "handover_no": "", "purpose": "求决",
        "assigning_office": "余杭区12345热线分中心", "assigned_to": "余杭街道", "due_on": date(2026, 11, 6),
        "due_time": "17:25", "status": "处理中", "source": "hotline", "source_label": "12345热线", "statutory": False,
        "petitioners": [make_petitioner(name="王先生", id_number="", address="")],
        "content": "市民来电反映：永福村3组路灯已坏一周，夜间出行不便，要求尽快修复。", "demand": "",
    }
    base.update(kw)
    return make_petition(ref, **base)
