"""The words the 12345 platform puts next to each value, and which port key each one feeds.

Values are reported raw (诉求类型 as 投诉, 来源渠道 as 微信, times as "2026-11-01 08:00:00"):
turning them into the petition vocabulary is the flows' business (see docs/hotline.md for
the mapping proposed). A new wording from a platform upgrade goes here.
"""

from __future__ import annotations

# label on the page -> key of ``Scraped.fields`` (or ``petitioner.<key>``, or ``attachments``)
FIELD_LABELS: dict[str, str] = {
    "工单编号": "ref",
    "工单状态": "status",
    "工单标题": "title",
    "诉求类型": "purpose",  # 咨询/求助/投诉/举报/建议: raw, not a 信访目的
    "来源渠道": "form",  # 电话/网站/微信/APP: raw, not a 信访形式
    "受理时间": "received_on",
    "派单时间": "assigned_on",
    "办理时限": "due_on",  # the platform's own deadline, date and time
    "派单单位": "assigning_office",
    "承办单位": "assigned_to",  # shown as a name, not a code
    "问题属地": "locality",
    "问题分类": "category",
    "是否保密": "confidential",  # no port key yet: 是 = the caller asked to stay unnamed
    "诉求内容": "content",
    "诉求人": "petitioner.name",
    "联系电话": "petitioner.phone",  # masked (139****0001) on confidential orders
    "附件": "attachments",
}

LIST_LABELS: dict[str, str] = {
    "工单编号": "ref",
    "工单标题": "title",
    "工单状态": "status",
    "派单时间": "assigned_on",
    "办理时限": "due_on",
}

# The two tabs that hold what is ours to handle (已办结 is not walked).
TAB_ACCEPT = r"^\s*待接单"
TAB_HANDLING = r"^\s*处理中"
LOGIN_USER = "工号"
LOGIN_PASSWORD = "口令"
LOGIN_BUTTON = r"^\s*登\s*录\s*$"
ACCEPT_BUTTON = r"^\s*接\s*单\s*$"
ACCEPT_DIALOG = r"接单"
CONFIRM_BUTTON = r"^\s*确\s*定\s*$"
ACCEPTED_NOTICE = "接单成功"
WAITING_STATUS = "待接单"
# The minimum a detail must show for the robot to trust it read a work order.
REQUIRED_FIELDS = ("ref", "status", "content")
