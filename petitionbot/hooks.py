"""Where one feature's output becomes another's input: the shell's cross-feature hooks.

Flows never import each other for these; the wiring hands each one what it needs:
- deadlines -> ledger (the 期限 columns), letters (dates), reminders (what is overdue);
- letters -> ledger (期限提示: which letters cannot be issued yet, and why), reminders and
  analysis (the 督办单 drafter);
- analysis -> ledger (the analysis columns, the taxonomy's categories as a drop-down);
- the legal-basis table -> ledger (the 法律依据 drop-down);
- every feature -> export (its fields of a petition).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import ValidationError

from core.errors import ConfigError
from core.model import Petition
from flows.analysis.settings import AnalysisSettings
from flows.letters.settings import LetterSetup
from flows.runs import Run
from petitionbot.config import Settings

if TYPE_CHECKING:  # the features themselves load on first use: importing the wiring stays cheap
    from flows.analysis.taxonomy import Taxonomy
    from flows.export import Contributor
    from flows.ledger import LedgerDeadlines, LedgerSettings
    from petitionbot.app import App


def config_base(settings: Settings) -> Path | None:
    """The config file's folder: relative paths in the config start here."""
    return settings.source.parent if settings.source else None


def letter_setup(settings: Settings) -> LetterSetup:
    """The letters flow's own settings, cut from the office's config."""
    return LetterSetup(letters=settings.letters, office=settings.office, workdir=settings.workdir,
                       base=config_base(settings), deadlines=settings.deadlines)


def deadline_engine(settings: Settings) -> Any:
    """The deadline engine, built once per run from ``[deadlines]``."""
    from flows.deadlines import build_engine

    return build_engine(settings.deadlines)


def analysis_setup(settings: Settings) -> tuple[AnalysisSettings, Taxonomy]:
    from flows.analysis import taxonomy

    s = settings.analysis
    return s, taxonomy.load(s.taxonomy_path(config_base(settings)))


# -- ledger ----------------------------------------------------------------------------------
def ledger_inputs(app: App, run: Run) -> tuple[LedgerSettings, LedgerDeadlines, dict]:
    """Everything the ledger sync receives from other features: its settings with the
    drop-downs other features own, the deadline columns with the letters' notes, and the
    analysis columns (ref -> {header: value}) as plain data."""
    from flows.ledger import LedgerDeadlines

    engine = deadline_engine(app.settings)
    deadlines = LedgerDeadlines(engine, app.clock.today(), letters=_letter_notes(app, run, engine))
    settings, analysis = _with_analysis(app, run)
    return _with_legal_bases(settings, app, run), deadlines, analysis


def _letter_notes(app: App, run: Run, engine: Any) -> Callable[[Petition], list[str]] | None:
    """The letters that cannot be issued yet, for 期限提示 (the ledger never imports the letters)."""
    from flows.letters import ledger_notes

    try:
        return ledger_notes(letter_setup(app.settings), today=app.clock.today(), engine=engine, store=app.store)
    except Exception as exc:  # noqa: BLE001 - the ledger must still be written without the letters' notes
        run.warn(f"台账：文书待补全提示本次未生成：{type(exc).__name__}: {exc}")
        return None


def _with_legal_bases(settings: LedgerSettings, app: App, run: Run) -> LedgerSettings:
    """The legal-basis table's reasons as the 法律依据 drop-down (unless the office lists its own)."""
    if settings.legal_bases:
        return settings
    from flows.ledger import LedgerSettings
    from flows.letters import legal

    try:
        table = legal.load(app.settings.letters.legal_path(config_base(app.settings)))
        return LedgerSettings.model_validate(settings.model_dump() | {"legal_bases": table.labels()})
    except (ConfigError, ValidationError) as exc:
        run.warn(f"台账：法律依据表无法作为“法律依据”的下拉选项，本列暂按文字填写：{exc}")
        return settings


def _with_analysis(app: App, run: Run) -> tuple[LedgerSettings, dict]:
    """The ledger settings with the taxonomy's categories as the 内容分类（确认） drop-down, and the
    analysis columns: the ledger never imports the analysis."""
    from flows.analysis import ledger_columns
    from flows.ledger import LedgerSettings

    settings: LedgerSettings = app.settings.ledger
    if not settings.categories:
        try:
            _s, tax = analysis_setup(app.settings)
            cats = list(tax.categories)
            # Old and new names a clerk may still type (生态环境 for 环境保护), mapped to the office's scheme.
            aliases = {n: tax.canonical(n) for n in (*tax.legacy, *tax.current)
                       if n not in cats and tax.canonical(n) in cats}
            settings = LedgerSettings.model_validate(
                settings.model_dump() | {"categories": cats, "category_aliases": aliases})
        except (ConfigError, ValidationError) as exc:
            run.warn(f"台账：分类目录无法作为“内容分类（确认）”的下拉选项，本列暂按文字填写：{exc}")
    try:
        analysis = ledger_columns(app.store)
    except Exception as exc:  # noqa: BLE001 - the ledger must still be written without the analysis
        run.warn(f"台账：智能分析结果读取失败，分析列本次留空：{type(exc).__name__}: {exc}")
        analysis = {}
    return settings, analysis


# -- the 督办单 drafter ------------------------------------------------------------------------
def reminders_drafter(app: App, run: Run, engine: Any) -> Callable[[str, list[Any]], Path | None]:
    """The reminders flow's ``draft_supervision(unit, overdue items)``: one 督办单 per unit."""
    from flows.letters import supervision_drafter

    return supervision_drafter(app.store, letter_setup(app.settings), app.clock, run, engine)


def analysis_drafter(app: App, run: Run) -> Callable[[str, list[tuple[Petition, str]]], Path | None]:
    """The analysis flow's ``draft_supervision(unit, [(petition, why)])``: one 督办单 per unit
    listing its repeat petitions."""
    from flows.letters import UnitItem, draft_unit_letter

    setup = letter_setup(app.settings)

    def draft(unit: str, items: list[tuple[Petition, str]]) -> Path | None:
        rows = [UnitItem(petition=p, due_on=p.due_on, days_late=0, note=f"重复来信访：{why}", step="重复来信访",
                         due_soon=False) for p, why in items]
        drafted = draft_unit_letter("督办单", unit, rows, store=app.store, settings=setup, clock=app.clock, run=run,
                                    requirement="该事项群众重复来信访，请加快办理并书面报告办理情况")
        return drafted.path if drafted is not None else None

    return draft


# -- export ----------------------------------------------------------------------------------
def export_contributors(app: App) -> list[Contributor]:
    """Fields each feature adds to the export, in order."""
    from flows.analysis.export import export_contributor as analysis_fields
    from flows.deadlines import export_fields as deadline_fields
    from flows.ledger import export_fields as ledger_fields
    from flows.letters import export_fields as letter_fields

    engine = deadline_engine(app.settings)  # once per export, not per petition
    today = app.clock.today()

    def deadlines(p, store):  # noqa: ARG001 - Contributor signature
        return deadline_fields(p, today=today, engine=engine)

    return [ledger_fields, letter_fields, deadlines, analysis_fields(app.store)]
