"""The flow end to end on a small generated store: findings stored, export fields, the monthly
report written and converted by LibreOffice (must not skip: the report must open)."""

from datetime import date

import pytest
from docx import Document
from openpyxl import load_workbook

from core.model import petition_from_dict
from flows.analysis import export_contributor, export_fields, ledger_columns, supervision_lines
from flows.convert import find_soffice, to_pdf
from petitionbot import config, wiring
from petitionbot.app import App
from petitionbot.cli import main
from petitionbot.sim.generate import generate


@pytest.fixture(scope="module")
def app(tmp_path_factory):
    wd = tmp_path_factory.mktemp("analysis")
    a = App(config.Settings(storage=config.StorageSettings(workdir=wd)), as_of=date(2026, 11, 28))
    for d in generate(400, 23, days=200)["petitions"]:
        a.store.insert(petition_from_dict(d), run_id=None, source="upstream")
    return a


def test_train_analyse_export(app):
    _, rep = wiring.run_train(app)
    assert rep.samples > 100 and rep.macro_f1 > 0.85 and rep.path
    run, result = wiring.run_analysis(app)
    assert result.model_used and result.repeats > 10 and result.alerts
    rows = [export_fields(p, app.store) for p in app.store.petitions()]
    assert {"category_suggested", "category_confidence", "is_repeat", "repeat_of", "repeat_count",
            "group_alert"} <= set(rows[0])
    rep_row = next(r for r in rows if r["is_repeat"])
    assert rep_row["repeat_of"] and rep_row["repeat_count"] >= 1
    assert any("身份证号" in x or "电话" in x or "姓名" in x for x in rep_row["analysis_explanation"])
    bulk = export_contributor(app.store)
    first = next(iter(app.store.petitions()))
    assert bulk(first, app.store) == export_fields(first, app.store)
    assert len(ledger_columns(app.store)) == len(rows)
    text = (run.folder / "督办建议与群体预警.txt").read_text(encoding="utf-8")
    assert "群体预警" in text
    for line in supervision_lines(app.store):  # goes to the supervisors: no ID or phone in clear
        assert not any(p.id_number and p.id_number in line for q in app.store.petitions() for p in q.petitioners)


def test_monthly_report_renders_and_converts(app, tmp_path):
    wiring.run_analysis(app)
    _, files = wiring.run_report(app, month="2026-11")
    doc = Document(str(files.docx))
    body = "\n".join(p.text for p in doc.paragraphs)
    assert "2026年11月信访形势分析报告" in body and "共收到信访件" in body
    assert len(doc.inline_shapes) >= 2 and doc.tables
    wb = load_workbook(files.xlsx, read_only=True)
    assert {"月度件数", "按内容分类", "村社控制数"} <= set(wb.sheetnames)
    assert find_soffice(), "LibreOffice is required to prove the report opens"
    pdf = to_pdf(files.docx, tmp_path)
    assert pdf.stat().st_size > 10_000


def test_cli_commands(app, capsys):
    cfg = app.workdir / "petitionbot.toml"
    cfg.write_text(f'[storage]\nworkdir = "{app.workdir}"\n', encoding="utf-8")
    assert main(["run", "analysis", "--config", str(cfg), "--as-of", "2026-11-28"]) == 0
    assert "智能分析完成" in capsys.readouterr().out
    assert main(["report", "--month", "2026-13", "--config", str(cfg)]) == 2


def test_a_dismissed_alert_is_not_reported_again_and_a_confirmed_one_says_so(tmp_path):
    a = App(config.Settings(storage=config.StorageSettings(workdir=tmp_path)), as_of=date(2026, 11, 28))
    for d in generate(400, 23, days=200)["petitions"]:
        a.store.insert(petition_from_dict(d), run_id=None, source="upstream")
    _, first = wiring.run_analysis(a)
    assert len(first.alerts) >= 2 and first.dismissed == 0
    gone, kept = first.alerts[0], first.alerts[1]
    when = a.clock.now()
    a.store.answer_alert(gone["id"], "dismiss", reason="同一工地的正常报修", username="张丽", at=when)
    a.store.answer_alert(kept["id"], "confirm", reason="", username="张丽", at=when)

    run, again = wiring.run_analysis(a)  # the answers feed the next run
    ids = [x["id"] for x in again.alerts]
    assert gone["id"] not in ids and kept["id"] in ids and again.dismissed == 1
    text = (run.folder / "督办建议与群体预警.txt").read_text(encoding="utf-8")
    assert gone["explanation"] not in text and "经核实排除 1 条未列出" in text
    assert f"【已确认】{kept['explanation']}" in text
    assert all(gone["explanation"] not in line for line in supervision_lines(a.store))
    assert gone["id"] in {x["id"] for x in a.store.analysis_alerts()}  # kept in the store, not reported
