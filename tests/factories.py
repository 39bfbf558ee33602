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
