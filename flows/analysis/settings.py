"""``[analysis]`` in petitionbot.toml: thresholds of every flag, so an office can tune them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loguru import logger
from pydantic import Field, model_validator

from core.shipped import shipped
from flows.settings_base import Section

BUILTIN_TAXONOMY = shipped("templates/taxonomy")


class AnalysisSettings(Section):
    taxonomy_dir: str = Field("", description="分类目录（categories.toml、lexicon.toml、matter.toml）；留空使用内置 templates/taxonomy")
    group_headcount: int = Field(5, ge=2, le=1000,
                                 description="人数达到多少预警：来访为集体访，来信、网上信访为联名信（群体预警）")
    cluster_min: int = Field(3, ge=2, le=100, description="同一村社或同一事项的相似来件达到多少件时预警")
    cluster_days: int = Field(7, ge=1, le=90, description="相似来件在多少天内算作聚集")
    cluster_link_probability: float = Field(
        0.9, gt=0, lt=1, description="不同信访人的两件为同一事项的可能性（0–1，由关联模型估计）达到多少算同一事项，"
                                    "连成的件数达到 cluster_min 即聚集预警；调低多报，调高漏报")
    habit_weight: float = Field(0.5, ge=0, le=1,
                                description="本办习惯：信访员改过的分类对相近新件的分类建议最多占多少（0 即不用本办习惯）")
    habit_similarity: float = Field(0.2, gt=0, le=1,
                                    description="本办习惯：新件与改过分类的件“词语相似”达到多少才参考其分类")
    repeat_probability: float = Field(
        0.8, gt=0, le=1, description="同一身份依据的两件为同一人同一事项的可能性（0–1，由重件模型估计）达到多少算重件（确定）；"
                                      "调低多报，调高漏报")
    repeat_suspect_probability: float = Field(
        0.2, gt=0, le=1, description="可能性达到多少列为疑似重件，由信访员在“重件确认”列确认或否定；应低于上一项")
    review_window_days: int = Field(30, ge=0, le=365, description="办结后多少天内再来，仍建议督办（复查申请期）")
    rising_ratio: float = Field(0.5, gt=0, le=10, description="比前三个月平均高出多少（0.5 即 50%）算上升")
    rising_min_count: int = Field(5, ge=1, le=10000, description="当月至少多少件才判断上升，避免小数字误报")
    base_year: int = Field(0, ge=0, le=2100, description="村社控制数的基准年；0 表示上一年")
    cap_ratio: float = Field(1.0, gt=0, le=10, description="年度控制数 = 基准年件数 × 该系数")
    caps: dict[str, int] = Field(default_factory=dict, description="指定村社的年度控制数（覆盖按基准年计算的值）")
    colour_thresholds: list[float] = Field(default_factory=lambda: [0.5, 0.8, 1.0, 1.2],
                                           description="五色图：已用控制数比例的分界（绿/蓝/黄/橙/红）")
    min_train_per_category: int = Field(3, ge=1, le=1000, description="每类至少多少件已确认分类才参与训练")
    draft_supervision: bool = Field(False, description="发现应督办的重复件时，是否按责任单位起草督办单")

    @model_validator(mode="before")
    @classmethod
    def _retired(cls, data: Any) -> Any:  # noqa: ANN401 - the raw section, as pydantic hands it over
        """A key an earlier version read is dropped with a warning, not an error: an office that set
        it must still start (unknown keys stay errors)."""
        if isinstance(data, dict):
            for key, why in RETIRED.items():
                if key in data:
                    data = {k: v for k, v in data.items() if k != key}
                    logger.warning("[analysis] {} 已停用，本次忽略：{}", key, why)
        return data

    @model_validator(mode="after")
    def _tiers_in_order(self) -> AnalysisSettings:
        if self.repeat_suspect_probability > self.repeat_probability:
            raise ValueError(f"repeat_suspect_probability（{self.repeat_suspect_probability}）应不高于 "
                             f"repeat_probability（{self.repeat_probability}），否则不会有疑似重件")
        return self

    def taxonomy_path(self, base: Path | None = None) -> Path:
        if not self.taxonomy_dir:
            return BUILTIN_TAXONOMY
        p = Path(self.taxonomy_dir)
        return p if p.is_absolute() else (base or Path.cwd()) / p


COLOURS = ("绿", "蓝", "黄", "橙", "红")
# Keys earlier versions read -> what replaced them (said in the warning).
_LINKED = "聚集改由关联模型判断两件是否同一事项，见 cluster_link_probability"
_REPEAT_MODEL = "重件改由重件模型估计两件为同一人同一事项的可能性，见 repeat_probability 和 repeat_suspect_probability"
RETIRED = {"repeat_id_similarity": _REPEAT_MODEL, "repeat_similarity": _REPEAT_MODEL,
           "repeat_weak_similarity": _REPEAT_MODEL, "repeat_person_cosine": _REPEAT_MODEL,
           "repeat_suspect_similarity": _REPEAT_MODEL,
           "cluster_similarity": _LINKED, "matter_similarity": _LINKED, "cluster_related_similarity": _LINKED}
