"""The columns of the 台账 sheet: who owns each one, its kind, width and header.

Bot-owned columns are rewritten from the store on every sync; clerk-owned columns are read
from the book first and flow into the store (``Petition.clerk``, plus ``responsible_unit``),
the bot only ever giving them their first value.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Owner = Literal["key", "bot", "clerk"]
Kind = Literal["text", "long", "date", "int", "share", "choice"]  # share: a 0–1 figure, two decimals


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    owner: Owner
    kind: Kind
    width: float
    personal: bool = False
    choices: str = ""  # LedgerSettings attribute holding the drop-down list
    # Recomputed from the store on every sync (the deadline columns): what a clerk types there is
    # overwritten without a 校验 note, and the bot-column checksum leaves them out, because their
    # values change from day to day (超期天数) without anyone touching the book.
    derived: bool = False

    @property
    def clerk(self) -> bool:
        return self.owner == "clerk"


COLUMNS: tuple[Column, ...] = (
    Column("seq", "序号", "bot", "int", 6),
    Column("ref", "信访件编号", "key", "text", 23),  # a 工单编号 is 22 characters
    # Which upstream the row came from (the Site's label: 区信访系统, 12345热线; 台账登记 for a
    # walk-in): a 工单编号 stands in the 信访件编号 column, and its deadlines follow other rules.
    Column("source", "来源", "bot", "text", 11),
    Column("assigning_office", "交办机关", "bot", "text", 14),
    Column("handover_no", "交办文号", "bot", "text", 18),
    Column("received_on", "登记日期", "bot", "date", 11),
    Column("assigned_on", "交办日期", "bot", "date", 11),
    Column("form", "信访形式", "bot", "text", 9),
    Column("purpose", "信访目的", "bot", "text", 9),
    Column("petitioners", "信访人", "bot", "text", 12, personal=True),
    Column("id_numbers", "证件号码", "bot", "text", 20, personal=True),
    Column("phones", "联系电话", "bot", "text", 13, personal=True),
    Column("address", "住址", "bot", "long", 24, personal=True),
    Column("headcount", "人数", "bot", "int", 6),
    Column("group", "集体访/联名信", "bot", "text", 7),  # by form: a visit of 5+ or a letter with 5+ signers
    Column("locality", "问题属地", "bot", "text", 12),
    Column("category", "内容分类", "bot", "text", 14),
    # The analysis, handed in by the shell as plain data: recomputed by every analysis run,
    # so derived like the deadlines. The clerk accepts or changes the suggestion in 内容分类（确认）.
    Column("category_suggested", "分类建议", "bot", "text", 12, derived=True),
    Column("category_confidence", "建议可信度", "bot", "share", 8, derived=True),
    Column("summary", "诉求摘要", "bot", "long", 36),
    Column("content", "信访内容", "bot", "long", 48),
    # The deadlines, beside the upstream's own 限办日期 and status: the clerk reads the
    # effective dates and the status before the clerk columns where the progress is typed.
    # Wide enough for an estimated date: its "（估算）" marker is part of the number format, and a
    # number wider than its column shows as "###".
    Column("acceptance_due", "受理告知期限", "bot", "date", 17, derived=True),
    Column("deadline", "办结期限", "bot", "date", 17, derived=True),
    Column("deadline_status", "期限状态", "bot", "text", 9, derived=True),
    Column("days_overdue", "超期天数", "bot", "int", 7, derived=True),
    Column("deadline_note", "期限提示", "bot", "long", 30, derived=True),
    Column("due_on", "上游限办日期", "bot", "date", 11),
    Column("status", "上游状态", "bot", "text", 12),
    # Repeats and group alerts, just before the clerk columns: what the clerk should look at first.
    Column("repeat_kind", "初件/重件", "bot", "text", 9, derived=True),
    Column("repeat_of", "首件编号", "bot", "text", 17, derived=True),
    Column("repeat_count", "重复次数", "bot", "int", 7, derived=True),
    Column("group_alert", "群体预警", "bot", "text", 13, derived=True),
    Column("analysis_note", "分析说明", "bot", "long", 30, derived=True),
    Column("responsible_unit", "责任单位", "clerk", "text", 16),
    Column("responsible_person", "责任人", "clerk", "text", 10),
    # A drop-down of the taxonomy's categories when the shell passes them (settings.categories);
    # without them a free-text column as before. Training (`analyze train`) learns from this column.
    Column("category_confirmed", "内容分类（确认）", "clerk", "choice", 14, choices="categories"),
    # The clerk's answer to a 疑似重件 (or a 重件 the clerk disagrees with): kept by the analysis for
    # good, so a rejected link is never proposed again and a confirmed one stays a 重件.
    Column("repeat_confirmed", "重件确认", "clerk", "choice", 10, choices="repeat_answers"),
    Column("decision", "受理情况", "clerk", "choice", 10, choices="decisions"),
    # What the refusal and extension notices say: the clerk's reason in words, and the legal basis
    # picked from the legal-basis table (templates/legal_basis.toml) that the notice cites.
    Column("decision_reason", "不予受理/不再受理理由", "clerk", "long", 24),
    Column("legal_basis", "法律依据", "clerk", "choice", 16, choices="legal_bases"),
    Column("accepted_on", "受理日期", "clerk", "date", 11),
    Column("extension_until", "延期至", "clerk", "date", 11),
    Column("extension_reason", "延期理由", "clerk", "long", 20),
    Column("handling_status", "办理状态", "clerk", "choice", 10, choices="statuses"),
    Column("closed_on", "办结日期", "clerk", "date", 11),
    Column("reply_method", "答复方式", "clerk", "choice", 10, choices="reply_methods"),
    Column("served_on", "送达日期", "clerk", "date", 11),
    Column("satisfaction", "满意度", "clerk", "choice", 9, choices="satisfaction_levels"),
    # Review (复查) and re-review (复核) of the office's reply: the dates move the deadline steps.
    Column("review_requested_on", "复查申请日期", "clerk", "date", 11),
    Column("review_closed_on", "复查意见日期", "clerk", "date", 11),
    Column("re_review_requested_on", "复核申请日期", "clerk", "date", 11),
    Column("re_review_closed_on", "复核意见日期", "clerk", "date", 11),
    Column("reminder_log", "催办/督办记录", "clerk", "long", 24),
    Column("remarks", "备注", "clerk", "long", 20),
)

BY_KEY = {c.key: c for c in COLUMNS}
# Headers of older books, read as today's column (the writer then writes today's header).
_OLD_HEADERS = {"核定分类": "category_confirmed", "是否集体访": "group"}
BY_HEADER = {c.header: c for c in COLUMNS} | {old: BY_KEY[key] for old, key in _OLD_HEADERS.items()}
CLERK_COLUMNS = tuple(c for c in COLUMNS if c.clerk)
# Clerk columns stored in Petition.clerk (responsible_unit is a Petition field of its own).
CLERK_KEYS = tuple(c.key for c in CLERK_COLUMNS if c.key != "responsible_unit")


SHEET_LEDGER = "台账"
SHEET_CHECKS = "校验"
SHEET_STATS = "统计"
SHEET_PRINT = "打印"  # the printable dozen columns of 台账: bot-owned, rewritten on every sync
OWN_SHEETS = (SHEET_LEDGER, SHEET_CHECKS, SHEET_STATS, SHEET_PRINT)


def normalise_header(text: object) -> str:
    """Headers as a clerk may have retyped them: stray spaces, line breaks, full-width slash."""
    return "".join(str(text or "").split()).replace("／", "/").replace("(", "（").replace(")", "）")
