"""``petitionbot run analysis``, ``petitionbot analyze train``, ``petitionbot report --month``."""

from __future__ import annotations

import argparse

from flows.analysis import AnalysisResult
from flows.runs import Run
from petitionbot import wiring
from petitionbot.app import EXIT_OK
from petitionbot.commands import add_common, app_from, run_footer


def register(top, run_flows) -> None:
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


def describe(run: Run, r: AnalysisResult) -> str:
    model = {"office": "本办微调模型+关键词", "base": "内置模型+关键词"}.get(r.model_kind, "仅关键词")
    lines = [f"智能分析完成：共 {r.petitions} 件，给出分类建议 {r.classified} 件（{model}），"
             f"重件 {r.repeats} 件、疑似重件 {r.suspected} 件（请在台账“重件确认”列，或工作台“分析”页“对照两件”后确认），建议督办 {len(r.supervise)} 件，"
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
    done = wiring.run_analysis(app_from(args))
    print(describe(done.run, done.value))
    return EXIT_OK


def cli_train(args: argparse.Namespace) -> int:
    rep = wiring.run_train(app_from(args)).value
    if not rep.path:
        print(f"已确认分类的信访件太少（{rep.samples} 件），暂不微调；分类建议继续使用内置模型。")
        return EXIT_OK
    habits = (f"  本办习惯：已记住 {rep.habits} 件您改过、模型仍判不对的分类；与它们相近的新件按您改的分类建议。"
              if rep.habits else "")
    if rep.folds < 2:
        print(f"已用本办 {rep.samples} 件已确认分类微调内置模型（件数太少，未做交叉验证）。\n  模型文件：{rep.path}")
        if habits:
            print(habits)
        return EXIT_OK
    print(f"已用本办 {rep.samples} 件已确认分类（{rep.categories} 类）微调内置模型：{rep.folds} 折交叉验证"
          f"准确率 {rep.accuracy:.1%}，宏平均 F1 {rep.macro_f1:.3f}（内置模型在同样这些件上 {rep.base_accuracy:.1%}）")
    weak = sorted(rep.per_category.items(), key=lambda x: x[1])[:3]
    print("  最难分的类别：" + "、".join(f"{c}（F1 {f:.2f}）" for c, f in weak))
    if rep.skipped:
        print("  样本太少未参与训练：" + "、".join(f"{c}（{n} 件）" for c, n in rep.skipped.items()))
    if habits:
        print(habits)
    print(f"  模型文件：{rep.path}")
    return EXIT_OK


def cli_report(args: argparse.Namespace) -> int:
    done = wiring.run_report(app_from(args), month=args.month)
    run, files = done.run, done.value
    print("\n".join(files.summary))
    print(f"报告：{files.docx}\n数据：{files.xlsx}\n运行记录：{run.folder}")
    return EXIT_OK
