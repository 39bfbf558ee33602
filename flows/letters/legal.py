"""The legal-basis table (templates/legal_basis.toml): decision reason -> article and its text.

Law is data here for the same reason the deadline profiles are: articles must be checked
against the official text by the office, and corrected without a release. A citation is only
as good as the file says it is: the article number is printed when present (with a run warning
while it is not marked checked), the article's wording only when it is marked checked.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.errors import ConfigError
from core.shipped import shipped

SHIPPED = shipped("templates/legal_basis.toml")
FALLBACK = "national"  # the nationwide regulation: cited where a provincial article is not known
DECISIONS = ("不予受理", "不再受理")


@dataclass(frozen=True)
class Article:
    article: str = ""
    text: str = ""
    article_checked: bool = False
    text_checked: bool = False
    source: str = ""
    note: str = ""


@dataclass(frozen=True)
class Reason:
    label: str  # what the clerk picks in the ledger's 法律依据 column
    decision: str  # 不予受理 | 不再受理
    redirect: str  # where the petitioner can turn instead; "{你}" -> 你 / 你们
    by_statute: dict[str, Article] = field(default_factory=dict)


@dataclass(frozen=True)
class Citation:
    """What a letter prints: 《信访工作条例》第三十六条第三款 and, when checked, its wording."""

    statute: str  # 《信访工作条例》
    article: str  # 第三十六条第三款
    text: str  # the wording, or "" when it is not checked
    warnings: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        return f"{self.statute}{self.article}"


@dataclass(frozen=True)
class LegalTable:
    statutes: dict[str, str]  # key -> 《name》
    reasons: dict[str, Reason]  # label -> reason
    extension: dict[str, Article]
    path: Path

    def labels(self, decision: str | None = None) -> list[str]:
        return [r.label for r in self.reasons.values() if decision is None or r.decision == decision]

    def cite(self, article_by_statute: dict[str, Article], statute: str, what: str) -> Citation | None:
        """The citation of ``what`` under ``statute``, else under the national regulation; None when
        neither has an article number (the letter cannot cite anything real)."""
        warnings: list[str] = []
        chosen = statute if article_by_statute.get(statute, Article()).article else FALLBACK
        art = article_by_statute.get(chosen, Article())
        if not art.article:
            return None
        if chosen != statute and statute in self.statutes:
            warnings.append(f"{what}：{self.statutes[statute]}的对应条款尚未填写，按{self.statutes[chosen]}引用")
        name = self.statutes.get(chosen, chosen)
        if not art.article_checked:
            warnings.append(f"{what}：{name}{art.article}的条款号尚未核实（{self.path.name}），请对照官方文本核实")
        return Citation(name, art.article, art.text if art.text_checked else "", tuple(warnings))


def load(path: str | Path | None = None) -> LegalTable:
    p = Path(path) if path else SHIPPED
    try:
        data = tomllib.loads(p.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise ConfigError(f"找不到法律依据表：{p}") from exc
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"法律依据表 {p} 格式错误：{exc}") from exc
    statutes = {k: str(v.get("name", k)) for k, v in (data.get("statutes") or {}).items()}
    if FALLBACK not in statutes:
        raise ConfigError(f"法律依据表 {p} 缺少 [statutes.{FALLBACK}]")
    reasons: dict[str, Reason] = {}
    for i, raw in enumerate(data.get("reasons") or [], 1):
        label = str(raw.get("label", "")).strip()
        decision = str(raw.get("decision", "")).strip()
        if not label or decision not in DECISIONS:
            raise ConfigError(f"法律依据表 {p} 第 {i} 条理由：label 不能为空，decision 只能是 {'、'.join(DECISIONS)}")
        if label in reasons:
            raise ConfigError(f"法律依据表 {p} 中理由“{label}”重复")
        if "," in label:
            raise ConfigError(f"法律依据表 {p} 中理由“{label}”含英文逗号（台账下拉选项不允许）")
        reasons[label] = Reason(label, decision, str(raw.get("redirect", "")),
                                {k: _article(raw.get(k), p, label) for k in statutes if k in raw})
    extension = {k: _article(v, p, "延期") for k, v in (data.get("extension") or {}).items()}
    return LegalTable(statutes, reasons, extension, p)


def _article(raw: Any, p: Path, what: str) -> Article:
    if not isinstance(raw, dict):
        raise ConfigError(f"法律依据表 {p}：“{what}”的条款应当是一个表（article、text……）")
    return Article(article=str(raw.get("article", "")).strip(), text=str(raw.get("text", "")).strip(),
                   article_checked=bool(raw.get("article_checked", False)),
                   text_checked=bool(raw.get("text_checked", False)),
                   source=str(raw.get("source", "")), note=str(raw.get("note", "")))
