"""``[letters]`` in petitionbot.toml: which letters the bot drafts, and what they say."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from pydantic import Field

from core.shipped import shipped
from flows.deadlines.settings import DeadlineSettings
from flows.settings_base import Section

BUILTIN_TEMPLATES = shipped("templates/letters")

# Acceptance decisions recorded by clerks (Petition.clerk["decision"]) and the notice each needs.
DEFAULT_NOTICES = {"受理": "受理告知书", "不予受理": "不予受理告知书", "不再受理": "不再受理告知书"}


class LettersSettings(Section):
    enabled: bool = Field(True, description="是否自动起草文书")
    templates_dir: str = Field("", description="文书模板目录；留空使用内置模板 templates/letters")
    handover_note: bool = Field(True, description="每件新信访件起草一份交办单给责任单位")
    notices: dict[str, str] = Field(default_factory=lambda: dict(DEFAULT_NOTICES),
                                    description="办理决定 → 告知书（决定由台账的“受理/不予受理/不再受理”一栏给出）")
    extension_notice: bool = Field(True, description="台账登记“延期至”后起草延期办理告知书")
    on_close: list[str] = Field(default_factory=list,
                                description="办结后起草的文书，可选 处理意见书、承办情况报告（后者只用于交办件）")
    since: str = Field("", pattern=r"^(\d{4}-\d{2}-\d{2})?$",
                       description="只为此日期（含）以后交办的信访件起草文书，格式 YYYY-MM-DD；留空不限")
    missing: str = Field("", max_length=8, description="缺少的可选内容显示为什么；留空即空白，也可填“—”")
    contact_person: str = Field("", description="文书上的联系人（经办人）")
    contact_phone: str = Field("", description="文书上的联系电话（办公电话）")
    review_office: str = Field("上一级行政机关", description="处理意见书中写明的复查机关")
    legal_basis_file: str = Field("", description="法律依据表（理由 → 条款和原文）；留空使用内置的 templates/legal_basis.toml")
    legal_statute: Literal["", "zhejiang", "national"] = Field(
        "", description="告知书引用哪部法规：zhejiang 浙江省信访条例，national 信访工作条例；留空跟随 deadlines.profile")
    redirect_text: str = Field("{你}可依法向有权处理的机关提出，或通过诉讼、仲裁、行政复议等法定途径解决。",
                               description="法律依据表中的理由没有写“应向何处反映”时，告知书使用的说明；{你} 按人数写成你/你们")
    reply_days: int = Field(5, ge=1, le=60,
                            description="催办单/督办单要求责任单位几日内报送办理情况（日历日，落在休息日的顺延到下一个工作日）")
    copy_to: str = Field("", description="催办单/督办单的抄送（分管领导）")
    pdf: bool = Field(False, description="同时用 LibreOffice 生成 PDF（也可用命令行 --pdf）")

    def legal_path(self, base: Path | None = None) -> Path | None:
        """The office's legal-basis table (None: the shipped one); relative paths as ``templates_dir``."""
        if not self.legal_basis_file:
            return None
        p = Path(self.legal_basis_file)
        return p if p.is_absolute() else (base or Path.cwd()) / p

    def templates_path(self, base: Path | None = None) -> Path:
        """Relative paths are taken from the config file's folder (``base``), else the current one."""
        if not self.templates_dir:
            return BUILTIN_TEMPLATES
        p = Path(self.templates_dir)
        return p if p.is_absolute() else (base or Path.cwd()) / p


@dataclass
class LetterSetup:
    """What the letters flow needs from the office's config, and nothing else (the shell's
    wiring builds it): the ``[letters]`` section, who signs, where letters go, where relative
    paths start, and the ``[deadlines]`` section when no deadline engine is handed in."""

    letters: LettersSettings
    office: str
    workdir: Path
    base: Path | None = None  # the config file's folder: relative template and table paths start here
    deadlines: DeadlineSettings | None = None
