"""The kinds of letter and the Chinese variables their templates may use.

This table is the contract between the bot and the clerks who edit templates: the clerk's
guide (docs/clerk-guide-letters.md) lists the same names, and ``templates check`` rejects
any other name so a misspelling is caught before a letter goes out blank.
"""

from __future__ import annotations

# Letters about one petition; the audience decides what personal data may appear.
PETITION_KINDS = {
    "交办单": "unit",  # to the responsible unit: accusations never name the petitioner
    "受理告知书": "petitioner",
    "不予受理告知书": "petitioner",
    "不再受理告知书": "petitioner",
    "延期办理告知书": "petitioner",
    "处理意见书": "petitioner",
    "承办情况报告": "upstream",
}
# Letters to one unit about a list of items (drafted for the reminders flow).
UNIT_KINDS = ("催办单", "督办单")
KINDS = (*PETITION_KINDS, *UNIT_KINDS)

COMMON_VARS = {
    "本单位": "本办名称（配置 office）",
    "经办人": "联系人（配置 letters.contact_person）",
    "经办电话": "联系电话（配置 letters.contact_phone）",
    "成文日期": "起草当天，如 2026年11月3日",
}

PETITION_VARS = {
    **COMMON_VARS,
    "信访件编号": "上游系统的信访件编号",
    "标题": "信访事项标题",
    "信访形式": "来信 / 来访 / 网上信访 / 电话",
    "收件日期": "收件（登记）日期",
    "交办日期": "上级交办日期",
    "交办机关": "如 余杭区信访局",
    "交办方式": "交办 / 转送",
    "交办文号": "如 余信交〔2026〕101号",
    "限办日期": "上级系统给出的限办日期",
    "信访人": "信访人姓名，多人以“、”分隔；匿名件为“匿名”；检举控告件的交办单为“（依法保密）”",
    "信访人列表": "表格行：每位信访人一行（字段见下表）",
    "人数": "人数",
    "问题属地": "问题所在村、社区",
    "信访目的": "求决 / 申诉 / 检举控告 / 建议意见 / 其他",
    "内容分类": "内容分类",
    "反映内容": "反映的主要问题（保留换行）",
    "诉求": "信访人的诉求",
    "责任单位": "承办的责任单位；尚未分派时为配置的默认值（待分派）",
    "责任人": "责任人（台账）",
    "受理日期": "受理日期（台账）",
    "受理期限": "作出受理决定的期限",
    "办结期限": "办结期限（延期的以延期后为准）",
    "延期至": "延期后的期限（台账）",
    "延期理由": "延期理由（台账备注中的“延期理由”）",
    "办结日期": "办结日期（台账）",
    "不予受理理由": "不予受理的理由（台账）",
    "不再受理理由": "不再受理的理由（台账）",
    "法律依据": "引用的法律依据（配置）",
    "告知途径": "应向何处反映的说明（配置）",
    "复查机关": "复查机关（配置）",
}

UNIT_VARS = {
    **COMMON_VARS,
    "责任单位": "收件的责任单位",
    "事项列表": "表格行：每件临期或超期事项一行（字段见下表）",
    "事项数": "事项件数",
    "报送期限": "要求报送办理情况的日期",
    "办理要求": "补充的办理要求（可为空）",
    "抄送": "抄送（配置 letters.copy_to）",
}

# Fields of the rows of the growing tables: list variable -> row fields.
ROW_FIELDS = {
    "信访人列表": {"序号": "1、2、3……", "姓名": "姓名（检举控告件给责任单位时为“（依法保密）”）",
              "联系电话": "联系电话", "住址": "住址", "证件号码": "身份证号（只显示前3位和后4位）"},
    "事项列表": {"序号": "1、2、3……", "信访件编号": "信访件编号", "标题": "信访事项标题",
             "信访人": "信访人（姓名打码；检举控告件为“（依法保密）”）", "问题属地": "问题属地",
             "限办日期": "限办日期", "超期天数": "超期天数（未超期为空）", "状态": "临期 / 超期",
             "备注": "备注"},
}


def variables_for(kind: str) -> dict[str, str]:
    return UNIT_VARS if kind in UNIT_KINDS else PETITION_VARS
