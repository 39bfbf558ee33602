"""``petitionbot run analysis``, ``petitionbot analyze train``, ``petitionbot report --month``."""

from __future__ import annotations

import argparse
import re

from core.errors import ConfigError
from flows.analysis import AnalysisResult, classify, run_analysis, taxonomy
from flows.analysis.flow import context
from flows.analysis.report import ReportFiles, monthly_report
from flows.analysis.settings import AnalysisSettings, of
from flows.analysis.tables import save_features
from flows.runs import Run
from petitionbot.app import EXIT_OK, App
from petitionbot.commands import run_footer


def register(top, run_flows) -> None:
    from petitionbot.cli import add_common

    p = run_flows.add_parser("analysis", help="智能分析：分类建议、重复件与督办建议、群体预警")
    add_common(p)
    p.set_defaults(func=cli_run)
    a = top.add_parser("analyze", help="智能分析的维护命令（微调分类模型）")
    sub = a.add_subparsers(dest="analyze_cmd", metavar="子命令")
    sub.required = True
    t = sub.add_parser("train", help="用本办已确认的分类微调内置分类模型，并报告交叉验证的准确率和宏平均 F1")
    add_common(t)
    t.set_defaults(func=cli_train)
    r = top.add_parser("report", help="生成月度信访形势分析报告（Word + Excel）")
    add_common(r)
    r.add_argument("--month", required=True, help="月份，格式 YYYY-MM，例如 2026-11")
    r.set_defaults(func=cli_report)


def _settings(app: App) -> tuple[AnalysisSettings, taxonomy.Taxonomy]:
    s = of(app.settings)
    base = app.settings.source.parent if app.settings.source else None
    return s, taxonomy.load(s.taxonomy_path(base))


def analysis(app: App) -> tuple[Run, AnalysisResult]:
    """The analysis flow inside a Run (CLI, scheduler, demo)."""
    s, tax = _settings(app)
    with app.run("analysis") as run:
        result = run_analysis(app.store, s, tax, app.clock, run, workdir=app.workdir, app_settings=app.settings,
                              taxonomy_base=app.settings.source.parent if app.settings.source else None)
    return run, result


def train(app: App) -> tuple[Run, classify.TrainReport]:
    s, tax = _settings(app)
    with app.run("analysis-train") as run:
        petitions = list(app.store.petitions())
        base = app.settings.source.parent if app.settings.source else None
        ctx = context(app.store, s, petitions, base)
        rep = classify.train(petitions, tax, app.workdir, ctx=ctx, min_per_category=s.min_train_per_category)
        save_features(app.store, ctx.fresh_rows())
        run.extra["train"] = {"samples": rep.samples, "accuracy": rep.accuracy, "macro_f1": rep.macro_f1}
        if rep.path:
            run.outputs.append(rep.path)
    return run, rep


def report(app: App, month: str) -> tuple[Run, ReportFiles]:
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        raise ConfigError(f"月份格式不对：{month!r}", hint="请用 YYYY-MM，例如 2026-11")
    s, tax = _settings(app)
    with app.run("analysis-report") as run:
        # The report counts by the same date as the ledger (its year_by), and says so.
        files = monthly_report(app.store, month, s, tax, app.workdir / "reports" / month[:4], office=app.settings.office,
                               today=app.clock.today(), date_basis=app.settings.ledger.year_by, now=app.clock.now())
        run.outputs += [str(files.docx), str(files.xlsx)]
    return run, files


def describe(run: Run, r: AnalysisResult) -> str:
    model = {"office": "本办微调模型+关键词", "base": "内置模型+关键词"}.get(r.model_kind, "仅关键词")
    lines = [f"智能分析完成：共 {r.petitions} 件，给出分类建议 {r.classified} 件（{model}），"
             f"重件 {r.repeats} 件、疑似重件 {r.suspected} 件（请在台账“重件确认”列确认），建议督办 {len(r.supervise)} 件，"
             f"群体预警 {len(r.alerts)} 条（本次新增 {len(r.new_alerts)} 条）"]
    if r.decisions:
        lines.append(f"  已记住信访员对重件的确认/否定 {r.decisions} 条")
    for a in [a for a in r.alerts if a["id"] in r.new_alerts][:10]:
        lines.append(f"  预警：{a['explanation']}")
    for s in r.supervise[:10]:
        lines.append(f"  建议督办：{s['ref']}（首件 {s['repeat_of']}）{s['why']}")
    lines.append(f"  清单：{r.supervision_list}")
    for path in r.letters:
        lines.append(f"  督办单：{path}")
    return "\n".join(lines + run_footer(run, limit=5))


def cli_run(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run, result = analysis(app)
    print(describe(run, result))
    return EXIT_OK


def cli_train(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run, rep = train(app)
    if not rep.path:
        print(f"已确认分类的信访件太少（{rep.samples} 件），暂不微调；分类建议继续使用内置模型。")
        return EXIT_OK
    if rep.folds < 2:
        print(f"已用本办 {rep.samples} 件已确认分类微调内置模型（件数太少，未做交叉验证）。\n  模型文件：{rep.path}")
        return EXIT_OK
    print(f"已用本办 {rep.samples} 件已确认分类（{rep.categories} 类）微调内置模型：{rep.folds} 折交叉验证"
          f"准确率 {rep.accuracy:.1%}，宏平均 F1 {rep.macro_f1:.3f}（内置模型在同样这些件上 {rep.base_accuracy:.1%}）")
    weak = sorted(rep.per_category.items(), key=lambda x: x[1])[:3]
    print("  最难分的类别：" + "、".join(f"{c}（F1 {f:.2f}）" for c, f in weak))
    if rep.skipped:
        print("  样本太少未参与训练：" + "、".join(f"{c}（{n} 件）" for c, n in rep.skipped.items()))
    print(f"  模型文件：{rep.path}")
    return EXIT_OK


def cli_report(args: argparse.Namespace) -> int:
    app = App.from_args(args.config, args.as_of, trigger=args.trigger)
    run, files = report(app, args.month)
    print("\n".join(files.summary))
    print(f"报告：{files.docx}\n数据：{files.xlsx}\n运行记录：{run.folder}")
    return EXIT_OK
