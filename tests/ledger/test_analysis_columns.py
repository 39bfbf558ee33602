"""The analysis in the 台账: bot columns from the shell's plain mapping, and the clerk's
内容分类（确认） drop-down whose choice reaches the store and the next training."""

from __future__ import annotations

from datetime import date

import openpyxl

from flows.analysis import classify, taxonomy
from flows.analysis.settings import AnalysisSettings
from flows.ledger import LedgerSettings, sync_ledger
from flows.runs import Run
from petitionbot import cli
from tests.factories import make_petition
from tests.ledger.helpers import checks, header, open_book, rows_by_ref, set_cell

CATS = ["城乡建设", "环境保护", "农村农业", "其他"]
ANALYSIS = {
    "YH2026110001": {"分类建议": "", "建议可信度": "", "初件/重件": "初件", "首件编号": "", "重复次数": "",
                     "群体预警": "", "分析说明": ""},
    "YH2026110002": {"分类建议": "环境保护", "建议可信度": 0.87, "初件/重件": "重件", "首件编号": "YH2026110001",
                     "重复次数": 1, "群体预警": "是", "分析说明": "与 YH2026110001 为同一信访人（电话 139****0001）"},
}


def _sync(store, clock, tmp_path, settings: LedgerSettings, analysis=None):
    run = Run.start("ledger", tmp_path / "runs", clock)
    result = sync_ledger(store, settings, clock, run, workdir=tmp_path, office="余杭街道信访办",
                         analysis=analysis)
    return run, result


def _settings(**kw) -> LedgerSettings:
    return LedgerSettings.model_validate({"backups": 1, "categories": CATS,
                                          "category_aliases": {"生态环境": "环境保护"}, **kw})


def _seed(store):
    store.insert(make_petition("YH2026110001"), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110002", category="", title="工厂夜间排放废气", content="工厂夜里排放刺鼻废气。",
                               assigned_on=date(2026, 11, 4)), run_id=None, source="upstream")


def test_analysis_columns_and_category_dropdown(store, clock, tmp_path):
    _seed(store)
    _sync(store, clock, tmp_path, _settings(), ANALYSIS)
    book = tmp_path / "ledger" / "信访台账2026.xlsx"
    rows = rows_by_ref(book)
    first, repeat = rows["YH2026110001"], rows["YH2026110002"]
    assert first["初件/重件"] == "初件" and first["分类建议"] is None
    assert repeat["初件/重件"] == "重件" and repeat["首件编号"] == "YH2026110001" and repeat["重复次数"] == 1
    assert repeat["群体预警"] == "是" and repeat["分类建议"] == "环境保护" and repeat["建议可信度"] == 0.87
    assert "139****0001" in repeat["分析说明"]
    ws = openpyxl.load_workbook(book)["台账"]
    # two decimals, so 0.9 and 1 do not stand beside 0.95 in the column
    conf = header(ws)["建议可信度"]
    figures = [ws.cell(r, conf) for r in range(2, ws.max_row + 1) if ws.cell(r, conf).value is not None]
    assert [c.value for c in figures] == [0.87] and figures[0].number_format == "0.00"
    col = openpyxl.utils.get_column_letter(header(ws)["内容分类（确认）"])
    lists = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv for dv in ws.data_validations.dataValidation}
    dv = lists[col]
    assert dv.type == "list" and dv.formula1 == '"' + ",".join(CATS) + '"'
    assert "分类建议" in (dv.prompt or "")


def test_without_taxonomy_the_column_is_free_text(store, clock, tmp_path):
    _seed(store)
    _sync(store, clock, tmp_path, LedgerSettings(backups=1))  # no analysis, no categories: a book as it was before the analysis columns
    book = tmp_path / "ledger" / "信访台账2026.xlsx"
    wb = open_book(book)
    set_cell(wb["台账"], "YH2026110001", "内容分类（确认）", "自由填写")
    wb.save(book)
    _sync(store, clock, tmp_path, LedgerSettings(backups=1))
    assert store.get("YH2026110001").clerk["category_confirmed"] == "自由填写"
    assert rows_by_ref(book)["YH2026110002"]["初件/重件"] is None


def test_clerk_confirms_category_in_book_and_training_learns_it(store, clock, tmp_path):
    _seed(store)
    s = _settings()
    _sync(store, clock, tmp_path, s, ANALYSIS)
    book = tmp_path / "ledger" / "信访台账2026.xlsx"
    wb = open_book(book)
    ws = wb["台账"]
    set_cell(ws, "YH2026110002", "内容分类（确认）", "环境保护")  # accepts the suggestion
    set_cell(ws, "YH2026110001", "内容分类（确认）", "生态环境")  # the new name: read as the office's 环境保护
    wb.save(book)
    run, result = _sync(store, clock, tmp_path, s, ANALYSIS)
    assert result.edited == 2
    assert store.get("YH2026110002").clerk["category_confirmed"] == "环境保护"
    assert store.get("YH2026110001").clerk["category_confirmed"] == "环境保护"
    assert [h for h in store.history("YH2026110002") if h["field"] == "category_confirmed"][-1]["source"] == "ledger"
    notes = checks(book)
    assert any("生态环境" in str(r) and "环境保护" in str(r) for r in notes)  # 已自动识别, shown for checking
    # The book shows what was confirmed; the next sync changes nothing.
    assert rows_by_ref(book)["YH2026110001"]["内容分类（确认）"] == "环境保护"
    assert _sync(store, clock, tmp_path, s, ANALYSIS)[1].edited == 0

    tax = taxonomy.load(AnalysisSettings().taxonomy_path())
    texts, labels, _ = classify.training_set(store.petitions(), tax, min_per_category=1)
    by_label = dict(zip(texts, labels, strict=True))
    exhaust = next(t for t in texts if "废气" in t)
    assert by_label[exhaust] == "环境保护"  # no upstream category: only the clerk's confirmation labels it
    assert classify.label_of(store.get("YH2026110001"), tax) == ("环境保护", "clerk")  # beats upstream 城乡建设


def test_category_not_in_list_is_kept_and_flagged(store, clock, tmp_path):
    _seed(store)
    s = _settings()
    _sync(store, clock, tmp_path, s, ANALYSIS)
    book = tmp_path / "ledger" / "信访台账2026.xlsx"
    wb = open_book(book)
    set_cell(wb["台账"], "YH2026110002", "内容分类（确认）", "外星人")
    wb.save(book)
    run, result = _sync(store, clock, tmp_path, s, ANALYSIS)
    assert "category_confirmed" not in store.get("YH2026110002").clerk
    assert result.issues == 1 and rows_by_ref(book)["YH2026110002"]["内容分类（确认）"] == "外星人"


def test_old_header_is_read_and_renamed(store, clock, tmp_path):
    _seed(store)
    s = _settings()
    _sync(store, clock, tmp_path, s)
    book = tmp_path / "ledger" / "信访台账2026.xlsx"
    wb = open_book(book)
    ws = wb["台账"]
    ws.cell(1, header(ws)["内容分类（确认）"]).value = "核定分类"  # a book written before the analysis columns existed
    set_cell(ws, "YH2026110001", "核定分类", "农村农业")
    wb.save(book)
    _sync(store, clock, tmp_path, s)
    assert store.get("YH2026110001").clerk["category_confirmed"] == "农村农业"
    names = [c.value for c in openpyxl.load_workbook(book)["台账"][1]]
    assert "内容分类（确认）" in names and "核定分类" not in names


def test_command_wires_analysis_and_taxonomy(tmp_path, capsys):
    from flows.store.sqlite import SqliteStore

    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text('[storage]\nworkdir = "work"\n[ledger]\nbackups = 1\n', encoding="utf-8")
    store = SqliteStore(tmp_path / "work" / "petitionbot.db")
    store.insert(make_petition(), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110002", category="", assigned_on=date(2026, 11, 4)), run_id=None, source="upstream")  # same person, same matter
    store.close()
    assert cli.main(["run", "analysis", "--config", str(cfg), "--as-of", "2026-11-20"]) == 0, capsys.readouterr()
    assert cli.main(["run", "ledger", "--config", str(cfg), "--as-of", "2026-11-20"]) == 0, capsys.readouterr().out
    book = tmp_path / "work" / "ledger" / "信访台账2026.xlsx"
    rows = rows_by_ref(book)
    assert rows["YH2026110001"]["初件/重件"] == "初件"
    assert rows["YH2026110002"]["初件/重件"] == "重件" and rows["YH2026110002"]["首件编号"] == "YH2026110001"
    assert rows["YH2026110002"]["分类建议"]  # no upstream category: the lexicon/model suggests one
    ws = openpyxl.load_workbook(book)["台账"]
    col = openpyxl.utils.get_column_letter(header(ws)["内容分类（确认）"])
    dv = next(d for d in ws.data_validations.dataValidation if str(d.sqref).startswith(col))
    assert "环境保护" in dv.formula1 and "城乡建设" in dv.formula1


def test_outgoing_copy_keeps_the_flags_but_not_the_explanation(store, clock, tmp_path):
    _seed(store)
    _sync(store, clock, tmp_path, _settings(outgoing_copy="mask"), ANALYSIS)
    copy = tmp_path / "ledger" / "信访台账2026（外发）.xlsx"
    repeat = rows_by_ref(copy)["YH2026110002"]
    assert repeat["初件/重件"] == "重件" and repeat["群体预警"] == "是"
    assert not repeat["分析说明"]
    assert "139****0001" in rows_by_ref(tmp_path / "ledger" / "信访台账2026.xlsx")["YH2026110002"]["分析说明"]
