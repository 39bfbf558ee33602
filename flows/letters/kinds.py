"""The kinds of letter, the Chinese variables their templates may use, and what each kind needs.

This table is the contract between the bot and the clerks who edit templates: the clerk's
guide (docs/clerk-guide-letters.md) lists the same names, and ``templates check`` rejects
any other name so a misspelling is caught before a letter goes out blank.

``REQUIRED`` is the other half of "a letter is issued whole or not at all": a letter whose
required value is empty is not written; the run report and the ledger say what to fill, and
``SOURCES`` says where (a ledger column, the upstream data, the config, the legal-basis table).
"""

from __future__ import annotations

# Letters about one petition; the audience decides what personal data may appear.
PETITION_KINDS = {
    "交办单": "unit",  # to the responsible unit: accusations never name the petitioner
    # A work order (12345 hotline) handed to the responsible unit: the platform's own 办理时限, the
    # reply goes back through the platform. The statutory notices do not apply to a work order.
    "工单交办单": "unit",
    "受理告知书": "petitioner",
    "不予受理告知书": "petitioner",
    "不再受理告知书": "petitioner",
    "延期办理告知书": "petitioner",
    "处理意见书": "petitioner",
    "承办情况报告": "upstream",
}
# Letters to one unit about a list of petitions (drafted for the reminders and analysis flows).
UNIT_KINDS = ("催办单", "督办单")
KINDS = (*PETITION_KINDS, *UNIT_KINDS)

COMMON_VARS = {
    "本单位": "本办名称（配置 office）",
    "经办人": "联系人（配置 letters.contact_person）",
    "经办电话": "联系电话（配置 letters.contact_phone）",
    "联系方式": "“联系人：李敏，联系电话：0571-86220000”；只填了一项时只写那一项，都没填时为空",
    "成文日期": "起草当天，如 2026年11月3日",
}

PETITION_VARS = {
    **COMMON_VARS,
    "信访件编号": "上游系统的信访件编号",
    "标题": "信访事项标题",
    "信访形式": "来信 / 来访 / 网上信访 / 电话",
    "反映方式": "“来信反映”“来访反映”“通过网上信访反映”“通过电话反映”，接在日期后面用",
    "称谓": "对信访人的称呼：一人为“你”，多人为“你们”",
    "收件日期": "收件（登记）日期",
    "交办日期": "上级交办日期",
    "交办机关": "如 余杭区信访局",
    "交办方式": "交办 / 转送",
    "交办文号": "如 余信交〔2026〕101号（没有文号时为空）",
    "限办日期": "上级系统给出的限办日期",
    "信访人": "信访人姓名，多人以“、”分隔；匿名件为“匿名”；检举控告件的交办单为“（依法保密）”",
    "信访人列表": "表格行：每位信访人一行（字段见下表）",
    "基本情况": "表格行：有内容的基本情况各一行（项目、内容），空的项目不列",
    "人数": "人数",
    "问题属地": "问题所在村、社区",
    "信访目的": "求决 / 申诉 / 检举控告 / 建议意见 / 其他",
    "内容分类": "内容分类",
    "反映内容": "反映的主要问题（保留换行）",
    "诉求": "信访人的诉求",
    "责任单位": "承办的责任单位（台账“责任单位”）",
    "责任人": "责任人（台账）",
    "受理日期": "受理日期（台账）",
    "受理期限": "作出受理决定的法定期限",
    "受理期限已过": "成文日已过受理期限时为“是”，否则为空（用于 {% if %}）",
    "办结期限": "办结期限：登记了延期的为延期后的日期；否则为法定期限与上游限办日期中较早的一个",
    "办结期限已过": "成文日已过办结期限时为“是”，否则为空",
    "延期至": "延期后的期限（台账）",
    "延期理由": "延期理由（台账“延期理由”）",
    "延期依据": "延期引用的条款，如 《浙江省信访条例》第二十三条（法律依据表）",
    "延期依据原文": "延期条款的原文（法律依据表中已核实的才有）",
    "办结日期": "办结日期（台账）",
    "不予受理理由": "不予受理的理由（台账“不予受理/不再受理理由”）",
    "不再受理理由": "不再受理的理由（台账“不予受理/不再受理理由”）",
    "法律依据": "引用的条款，如 《信访工作条例》第三十六条第三款（台账“法律依据”所选理由，见法律依据表）",
    "法律依据原文": "所引条款的原文（法律依据表中已核实的才有）",
    "告知途径": "应向何处反映的说明（法律依据表中该理由的说明，没有时用配置 letters.redirect_text）",
    "复查机关": "复查机关（配置）",
    "办理时限": "工单的办理时限，含平台给出的时刻，如 2026年11月6日17:25（登记了延期的为延期后的日期）",
    "编号名称": "编号的名称：信访件为“信访件编号”，热线工单为“工单编号”",
    "来源": "来源系统，如 区信访系统、12345热线",
}

UNIT_VARS = {
    **COMMON_VARS,
    "责任单位": "收件的责任单位",
    "事项列表": "表格行：每件信访事项一行，同一件的各个环节写在同一行里（字段见下表）",
    "事项数": "信访事项件数（按信访件计，不按环节计）",
    "报送期限": "要求报送办理情况的日期（遇休息日顺延到工作日）",
    "办理要求": "补充的办理要求（可为空）",
    "抄送": "抄送（配置 letters.copy_to）",
}

# Fields of the rows of the growing tables: list variable -> row fields.
ROW_FIELDS = {
    "信访人列表": {"序号": "1、2、3……", "姓名": "姓名（检举控告件给责任单位时为“（依法保密）”）",
              "联系电话": "联系电话（没有时为“—”）", "住址": "住址（没有时为“—”）",
              "证件号码": "身份证号（只显示前3位和后4位）"},
    "基本情况": {"项目": "如 问题属地", "内容": "如 永福村"},
    "事项列表": {"序号": "1、2、3……", "信访件编号": "信访件编号", "标题": "信访事项标题（不含信访人姓名）",
             "信访人": "信访人（姓名打码；检举控告件为“（依法保密）”）", "问题属地": "问题属地",
             "环节": "临期或超期的环节，多个环节分行写，如 受理告知、办理答复",
             "限办日期": "各环节的期限，与“环节”逐行对应", "超期天数": "各环节超期天数（未超期的写“临期”）",
             "状态": "临期 / 超期", "备注": "备注"},
}

# What each kind cannot be issued without: the values that can be empty in practice (the reference
# and the dates the model requires cannot). Checked after the context is built, so "empty" means
# what the letter would print.
REQUIRED: dict[str, tuple[str, ...]] = {
    "交办单": ("本单位", "标题", "责任单位", "反映内容", "受理期限", "办结期限"),
    "工单交办单": ("本单位", "标题", "责任单位", "反映内容", "办理时限"),
    "受理告知书": ("本单位", "信访人", "反映方式", "标题", "受理日期", "责任单位", "办结期限"),
    "不予受理告知书": ("本单位", "信访人", "反映方式", "标题", "不予受理理由", "法律依据"),
    "不再受理告知书": ("本单位", "信访人", "反映方式", "标题", "不再受理理由", "法律依据"),
    "延期办理告知书": ("本单位", "信访人", "反映方式", "标题", "受理日期", "延期理由", "延期依据"),
    "处理意见书": ("本单位", "信访人", "反映方式", "标题", "受理日期", "反映内容", "复查机关"),
    "承办情况报告": ("本单位", "交办机关", "标题", "反映内容"),
    "催办单": ("本单位", "责任单位"),
    "督办单": ("本单位", "责任单位"),
}

# Where a clerk fills each required value: the 待补全 line names it.
SOURCES = {
    "本单位": "配置 office",
    "标题": "上游数据",
    "反映方式": "上游数据“信访形式”",
    "反映内容": "上游数据",
    "交办机关": "上游数据",
    "信访人": "信访人姓名；匿名件无法送达",
    "责任单位": "台账“责任单位”列",
    "受理日期": "台账“受理日期”列",
    "受理期限": "期限计算：请检查配置 [deadlines] 和期限规则文件",
    "办结期限": "期限计算：请检查配置 [deadlines] 和期限规则文件",
    "不予受理理由": "台账“不予受理/不再受理理由”列",
    "不再受理理由": "台账“不予受理/不再受理理由”列",
    "法律依据": "台账“法律依据”列，选与受理情况相符的理由；条款号见 templates/legal_basis.toml",
    "延期理由": "台账“延期理由”列",
    "延期依据": "templates/legal_basis.toml 的 [extension]",
    "复查机关": "配置 letters.review_office",
    "办理时限": "热线平台工单的“办理时限”（平台未给出时请向平台核实）",
}


def variables_for(kind: str) -> dict[str, str]:
    return UNIT_VARS if kind in UNIT_KINDS else PETITION_VARS


def missing(kind: str, context: dict[str, object]) -> list[str]:
    """Required variables of ``kind`` that are empty in ``context``, in the table's order."""
    return [name for name in REQUIRED.get(kind, ()) if not context.get(name)]


def describe_missing(names: list[str]) -> str:
    """待补全：缺少……, naming where each value is filled."""
    return "待补全：缺少" + "、".join(f"“{n}”（{SOURCES[n]}）" if n in SOURCES else f"“{n}”" for n in names)
