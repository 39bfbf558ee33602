"""``petitionbot run ledger``: sync the Excel tracking book (台账) with the store."""

from __future__ import annotations

import argparse

from pydantic import ValidationError

from core.errors import ConfigError
from flows.deadlines import STATUS_LABELS, build_engine
from flows.ledger import LedgerDeadlines, LedgerResult, LedgerSettings, sync_ledger
from flows.runs import Run
from petitionbot.app import EXIT_OK, EXIT_PARTIAL, App


def register(top, run_flows) -> None:  # noqa: ARG001 - same signature for every command module
    from petitionbot.cli import add_common

    p = run_flows.add_parser("ledger", help="台账：读取信访员的填写并入库，再把最新数据写回 Excel 台账")
    add_common(p)
    p.add_argument("--accept-walkins", action="store_true", dest="accept_walkins",
                   help="确认登记：台账中没有编号的行较多、同步因此停下时，确认它们都是新的来访件并登记")
    p.set_defaults(func=cli)


def ledger(app: App, *, accept_walkins: bool = False) -> tuple[Run, LedgerResult]:
    """Run the ledger sync inside a Run (used by the CLI, the scheduler and the demo)."""
    with app.run("ledger") as run:
        # The engine is built here, once per run, from the office's [deadlines] settings: the ledger
        # only receives the callable, so it never depends on how deadlines are configured.
        engine = build_engine(app.settings.deadlines)
        deadlines = LedgerDeadlines(engine, app.clock.today(), letters=letter_notes(app, run, engine))
        settings, analysis = with_analysis(app, run)
        settings = with_legal_bases(settings, app, run)
        result = sync_ledger(app.store, settings, app.clock, run, workdir=app.workdir,
                             office=app.settings.office, deadlines=deadlines, analysis=analysis,
                             accept_walkins=accept_walkins)
    return run, result


def letter_notes(app: App, run: Run, engine: object):
    """The letters that cannot be issued yet, for 期限提示 (the ledger never imports the letters)."""
    try:
        from flows.letters import ledger_notes

        return ledger_notes(app.settings, today=app.clock.today(), engine=engine, store=app.store)
    except Exception as exc:  # noqa: BLE001 - the ledger must still be written without the letters' notes
        run.warn(f"台账：文书待补全提示本次未生成：{type(exc).__name__}: {exc}")
        return None


def with_legal_bases(settings: LedgerSettings, app: App, run: Run) -> LedgerSettings:
    """The legal-basis table's reasons as the 法律依据 drop-down (unless the office lists its own)."""
    if settings.legal_bases:
        return settings
    from flows.letters import legal

    try:
        base = app.settings.source.parent if app.settings.source else None
        table = legal.load(app.settings.letters.legal_path(base))
        return LedgerSettings.model_validate(settings.model_dump() | {"legal_bases": table.labels()})
    except (ConfigError, ValidationError) as exc:
        run.warn(f"台账：法律依据表无法作为“法律依据”的下拉选项，本列暂按文字填写：{exc}")
        return settings


def with_analysis(app: App, run: Run) -> tuple[LedgerSettings, dict]:
    """The ledger settings with the taxonomy's categories as the 内容分类（确认） drop-down, and the
    analysis columns (ref -> {header: value}) as plain data: the ledger never imports the analysis."""
    from flows.analysis import ledger_columns, taxonomy
    from flows.analysis.settings import of

    settings: LedgerSettings = app.settings.ledger
    if not settings.categories:
        try:
            base = app.settings.source.parent if app.settings.source else None
            tax = taxonomy.load(of(app.settings).taxonomy_path(base))
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


def report(run: Run, result: LedgerResult) -> str:
    lines = [f"台账同步完成：{len(result.written)} 本已更新，信访员修改入库 {result.edited} 件（{result.fields_changed} 项），"
             f"来访登记新编号 {len(result.imported)} 件，需核对的填写 {result.issues} 处"]
    if result.deadline_status:
        counts = "，".join(f"{label} {result.deadline_status[key]} 件" for key, label in STATUS_LABELS.items()
                          if result.deadline_status.get(key))
        lines.append(f"  期限状态：{counts}")
    for path in result.written:
        lines.append(f"  台账：{path}")
    for path in result.pending:
        lines.append(f"  待更新（台账正被打开）：{path}")
    for path in result.skipped:
        lines.append(f"  无法读取、未覆盖：{path}")
    for path in result.copies:
        lines.append(f"  外发副本：{path}")
    for w in run.warnings[:10]:
        lines.append(f"  注意：{w}")
    if len(run.warnings) > 10:
        lines.append(f"  ……另有 {len(run.warnings) - 10} 条提示，见台账「校验」表和 {run.folder / 'summary.json'}")
    lines.append(f"运行记录：{run.folder}")
    return "\n".join(lines)


def cli(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run, result = ledger(app, accept_walkins=args.accept_walkins)
    print(report(run, result))
    return EXIT_PARTIAL if (result.issues or result.pending or result.skipped) else EXIT_OK
