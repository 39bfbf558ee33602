"""The ``[ledger]`` section of ``petitionbot.toml``: where the books live, their layout, the
clerks' drop-down lists and the routing rules that fill 责任单位."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, field_validator, model_validator

from flows.settings_base import Section


class RoutingSettings(Section):
    """Rules that give a new petition its 责任单位. A clerk's entry in the ledger always wins."""

    by_ref: dict[str, str] = Field(default_factory=dict, description="按信访件编号指定责任单位（优先级最高）")
    by_locality: dict[str, str] = Field(
        default_factory=dict, description="问题属地 → 村（社区）委员会，例如 永福村 = \"永福村村委会\"")
    by_category: dict[str, str] = Field(
        default_factory=dict, description="内容分类 → 科室，例如 城乡建设 = \"城建办\"（一级分类或“一级/二级”）")
    prefer: Literal["locality", "category"] = Field(
        "locality", description="属地和分类都能匹配时，先用哪一条（属地管理为主时选 locality）")
    default_unit: str = Field("", description="都不匹配时的责任单位；留空则由信访员填写")


DEFAULT_STATUSES = ["待签收", "待办理", "办理中", "已受理", "延期办理", "已办结", "已送达", "不予受理", "不再受理", "已存档"]
DEFAULT_STATUS_ALIASES = {
    "签收": "待办理", "未办理": "待办理", "在办": "办理中", "正在办理": "办理中", "受理": "已受理",
    "延期": "延期办理", "已延期": "延期办理", "办结": "已办结", "完成": "已办结", "已完成": "已办结",
    "送达": "已送达", "存档": "已存档", "归档": "已存档", "已归档": "已存档",
}


class LedgerSettings(Section):
    """The Excel tracking book (台账)."""

    folder: Path = Field(Path("ledger"), description="台账所在文件夹；相对路径相对于工作目录 workdir")
    filename: str = Field("信访台账{year}.xlsx", description="台账文件名，{year} 为年份；每年一本")
    year_by: Literal["assigned_on", "received_on"] = Field(
        "assigned_on", description="按哪个日期分年：assigned_on 交办日期，received_on 登记日期")
    backups: int = Field(10, ge=0, le=365, description="保留多少份带日期的备份（0 为不备份）")
    personal_data: Literal["show", "mask", "hide"] = Field(
        "show", description="本办台账中的个人信息列：show 显示，mask 打码，hide 清空并隐藏")
    outgoing_copy: Literal["off", "mask", "hide"] = Field(
        "off", description="每次同步另存一份可外发的副本（文件名加“（外发）”）：off 不生成，mask 打码，hide 清空")
    group_threshold: int = Field(5, ge=2, le=100, description="人数达到多少算集体访（来访）或联名信（来信、网上信访）")
    paper: Literal["A3", "A4"] = Field("A3", description="打印纸张（横向）")
    title: str = Field("{office}{year}年信访事项台账", description="打印页眉标题；{office} 本单位，{year} 年份")
    initial_status: str = Field("待办理", description="新登记件“办理状态”的初始值（之后只由信访员修改）")
    statuses: list[str] = Field(default_factory=lambda: list(DEFAULT_STATUSES), min_length=1,
                                description="办理状态下拉选项")
    status_aliases: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_STATUS_ALIASES),
                                           description="信访员常写的同义词 → 标准办理状态")
    reply_methods: list[str] = Field(
        default_factory=lambda: ["书面答复", "当面答复", "电话答复", "网上答复", "邮寄送达"], min_length=1,
        description="答复方式下拉选项")
    satisfaction_levels: list[str] = Field(
        default_factory=lambda: ["满意", "基本满意", "不满意", "未评价"], min_length=1, description="满意度下拉选项")
    decisions: list[str] = Field(default_factory=lambda: ["受理", "不予受理", "不再受理"], min_length=1,
                                 description="受理情况下拉选项")
    repeat_answers: list[str] = Field(default_factory=lambda: ["是重件", "不是重件"], min_length=1,
                                      description="“重件确认”下拉选项（信访员对疑似重件的确认或否定）")
    # Filled by the shell from the legal-basis table (the letters' templates/legal_basis.toml) unless set here.
    legal_bases: list[str] = Field(default_factory=list,
                                   description="“法律依据”下拉选项；留空则使用法律依据表中的理由")
    # Filled by the shell from the analysis taxonomy (petitionbot/commands/ledger.py) unless set here:
    # the ledger itself never reads the taxonomy.
    categories: list[str] = Field(default_factory=list,
                                  description="“内容分类（确认）”下拉选项；留空则使用智能分析的分类目录")
    category_aliases: dict[str, str] = Field(default_factory=dict,
                                             description="信访员可能填写的旧名称/新名称 → 本办分类目录中的名称")
    routing: RoutingSettings = RoutingSettings()
    # A sync that would register more walk-ins than both limits stops and asks (run ledger --accept-walkins):
    # rows without a ref are also what a cleared or shifted 信访件编号 column looks like.
    walkin_confirm_rows: int = Field(3, ge=0, le=100_000,
                                     description="一次同步最多自动登记多少行来访件（无编号的行）而不需确认")
    walkin_confirm_share: float = Field(0.1, ge=0, le=1,
                                        description="无编号的行超过台账总行数的这个比例且超过上一项时，停止同步并请信访员确认")

    @field_validator("filename")
    @classmethod
    def _has_year(cls, v: str) -> str:
        if "{year}" not in v or not v.lower().endswith(".xlsx"):
            raise ValueError("文件名必须包含 {year} 并以 .xlsx 结尾")
        return v

    @field_validator("statuses", "reply_methods", "satisfaction_levels", "decisions", "categories", "repeat_answers",
                     "legal_bases")
    @classmethod
    def _fits_dropdown(cls, v: list[str]) -> list[str]:
        # Excel caps an inline drop-down list at 255 characters (items joined by commas).
        items = [s.strip() for s in v if s.strip()]
        if len(",".join(items)) > 255:
            raise ValueError("下拉选项合计不能超过 255 个字符")
        if any("," in s for s in items):
            raise ValueError("下拉选项中不能有英文逗号")
        return items

    @model_validator(mode="after")
    def _aliases_point_to_statuses(self) -> LedgerSettings:
        bad = sorted({v for v in self.status_aliases.values() if v not in self.statuses})
        if bad:
            raise ValueError(f"status_aliases 指向了不在 statuses 中的状态：{'、'.join(bad)}")
        if self.initial_status and self.initial_status not in self.statuses:
            raise ValueError("initial_status 必须是 statuses 中的一项")
        bad = sorted({v for v in self.category_aliases.values() if v not in self.categories})
        if bad and self.categories:
            raise ValueError(f"category_aliases 指向了不在 categories 中的分类：{'、'.join(bad)}")
        return self

    def book_name(self, year: int) -> str:
        return self.filename.format(year=year)
