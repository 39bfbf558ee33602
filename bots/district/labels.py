"""The words the district system puts next to each value, in every layout seen so far.

The robot finds values by these visible labels, not by element ids, so a vendor upgrade that
renames ids and reorders columns (layout v2) does not break it. A new wording goes here.
"""

from __future__ import annotations

FIELD_LABELS: dict[str, tuple[str, ...]] = {
    "ref": ("信访件编号", "信访编号", "编号"),
    "title": ("标题", "信访标题"),
    "form": ("信访形式", "来源形式"),
    "received_on": ("登记日期", "收信日期", "收件日期"),
    "assigned_on": ("交办日期", "转交日期"),
    "assigned_to": ("责任单位", "承办单位"),
    "assigning_office": ("交办机关", "交办单位"),
    "handover": ("交办方式", "办理方式"),
    "handover_no": ("交办文号", "文号"),
    "due_on": ("限办日期", "办理期限"),
    "headcount": ("人数", "信访人数"),
    "locality": ("问题属地", "属地"),
    "purpose": ("信访目的", "目的"),
    "category": ("内容分类", "问题类别"),
    "content": ("信访内容", "反映内容"),
    "demand": ("诉求", "主要诉求"),
    "anonymous": ("是否匿名", "匿名"),
    "status": ("办理状态", "当前状态"),
    "attachments": ("附件", "附件材料"),
}

PETITIONER_LABELS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "信访人姓名"),
    "id_number": ("身份证号", "证件号码", "身份证号码"),
    "phone": ("联系电话", "手机号码", "电话"),
    "address": ("住址", "家庭住址", "地址"),
}

LIST_LABELS: dict[str, tuple[str, ...]] = {
    "ref": FIELD_LABELS["ref"],
    "title": FIELD_LABELS["title"],
    "status": ("状态",) + FIELD_LABELS["status"],
    "assigned_on": FIELD_LABELS["assigned_on"],
    "due_on": FIELD_LABELS["due_on"],
}

MENU_SIGN = r"^\s*待签收"
MENU_HANDLE = r"^\s*待办理"
MENU_NAMES = {MENU_SIGN: "待签收", MENU_HANDLE: "待办理"}  # for messages
SIGN_BUTTON = r"^\s*签\s*收\s*$"
NEXT_PAGE = r"^\s*下一页\s*$"
WAITING_STATUS = "待签收"
# The minimum a detail page must show for the robot to trust it read the right page.
REQUIRED_FIELDS = ("ref", "title", "status")


def field_names(keys: list[str] | tuple[str, ...]) -> str:
    """Field keys as a person reads them: each field's first label, with every label searched."""
    return "、".join(f"“{FIELD_LABELS[k][0]}”（查找：{'/'.join(FIELD_LABELS[k])}）" for k in keys)
