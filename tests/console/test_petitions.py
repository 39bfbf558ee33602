"""The 今日 and 信访件 pages against a real server: filters, search, paging, the detail page (the
deadline text equals ``petitionbot deadlines explain``), the clerk's actions, and a console edit
meeting the ledger: shown in the book after the next sync, and never silently lost when the same
cell was also edited in the book."""

from __future__ import annotations

import html
import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from petitionbot import cli
from petitionbot.console import actions
from tests.console.conftest import World, csrf_of
from tests.factories import make_petition

REF, ACCUSATION, OLD = "YH2026110001", "YH2026110002", "YH2026100003"


def refs_in(page: str) -> list[str]:
    return re.findall(r'<a href="/petitions/([A-Z0-9]+)">', page)


def test_filters_narrow_the_list(world: World) -> None:
    with world.login("xinfang") as c:
        assert sorted(refs_in(c.get("/petitions").text)) == [OLD, REF, ACCUSATION]
        # 2026-11-20: the acceptance notices of all three (5 working days from 11-02 / 10-08) are late
        assert sorted(refs_in(c.get("/petitions?deadline=overdue").text)) == [OLD, REF, ACCUSATION]
        assert refs_in(c.get("/petitions?unit=纪检办").text) == [ACCUSATION]
        assert refs_in(c.get("/petitions?from=2026-10-01&to=2026-10-31").text) == [OLD]
        assert refs_in(c.get("/petitions?category=城乡建设&unit=永福村").text) == [REF, OLD]
        assert refs_in(c.get("/petitions?source=hotline").text) == []
        assert "没有符合条件的信访件" in c.get("/petitions?status=已办结").text
        # a value that is not a filter's is ignored, not an error
        assert c.get("/petitions?deadline=<script>&from=yesterday&page=x").status_code == 200


def test_a_decision_moves_the_petition_out_of_overdue_at_once(world: World) -> None:
    with world.login("xinfang") as c:
        token = csrf_of(c.get(f"/petitions/{REF}").text)
        r = c.post(f"/petitions/{REF}/edit", data={"csrf_token": token, "action": "decision", "decision": "受理",
                                                   "accepted_on": "2026-11-06", "reason": ""})
        assert r.status_code == 303
        assert REF not in refs_in(c.get("/petitions?deadline=overdue").text)
        assert REF in refs_in(c.get("/petitions?deadline=on_track").text)


def test_paging_and_a_change_from_another_path_show_without_a_restart(world: World) -> None:
    store = world.app.store
    for i in range(60):
        store.insert(make_petition(f"YH2026090{i:03d}", received_on=date(2026, 9, 1), assigned_on=date(2026, 9, 2),
                                   responsible_unit="凤新村"), run_id=None, source="upstream")
    with world.login("xinfang") as c:
        first, second = c.get("/petitions?unit=凤新村").text, c.get("/petitions?unit=凤新村&page=2").text
        assert "共 60 件" in first and "第 1 / 2 页" in first and "第 2 / 2 页" in second
        assert len(refs_in(first)) == 50 and len(refs_in(second)) == 10
        assert not set(refs_in(first)) & set(refs_in(second))
        # the ledger (or intake) changes a petition behind the console's back
        p = store.get("YH2026090007")
        p.responsible_unit = "荆山村"
        store.save(p, changes=[("responsible_unit", "凤新村", "荆山村")], source="ledger", run_id=None)
        assert refs_in(c.get("/petitions?unit=荆山村").text) == ["YH2026090007"]


def test_the_index_reads_the_store_only_after_a_write(world: World, monkeypatch) -> None:
    from petitionbot.console import index

    cstore, settings = world.console.cstore, world.app.settings.deadlines
    store = world.app.store
    store.insert(make_petition("YH2026091001", responsible_unit="凤新村"), run_id=None, source="upstream")
    index.refresh(cstore, settings)
    index.refresh(cstore, settings)  # its own index write counts as a write once
    asked: list[str] = []
    real = cstore.changed_petitions
    monkeypatch.setattr(cstore, "changed_petitions", lambda since: asked.append(since) or real(since))
    assert index.refresh(cstore, settings) == 0 and index.refresh(cstore, settings) == 0
    assert asked == []  # nothing written: not even the query for changed rows
    p = store.get("YH2026091001")
    p.responsible_unit = "荆山村"
    store.save(p, changes=[("responsible_unit", "凤新村", "荆山村")], source="ledger", run_id=None)
    assert index.refresh(cstore, settings) == 1 and len(asked) == 1
    with world.login("xinfang") as c:
        assert refs_in(c.get("/petitions?unit=荆山村").text) == ["YH2026091001"]


def test_the_deadline_text_is_the_one_of_deadlines_explain(world: World, capsys) -> None:
    cfg = world.app.settings.source
    assert cli.main(["deadlines", "explain", OLD, "--config", str(cfg), "--as-of", "2026-11-20"]) == 0
    printed = capsys.readouterr().out.strip()
    with world.login("xinfang") as c:
        page = c.get(f"/petitions/{OLD}").text
    shown = html.unescape(re.search(r'<pre class="explain">(.*?)</pre>', page, re.S).group(1)).strip()
    assert shown == printed and "【受理告知】" in shown


def test_the_detail_page_shows_fields_history_attachments_and_downloads_them(world: World) -> None:
    with world.login("xinfang") as c:
        page = c.get(f"/petitions/{REF}").text
        for text in ("余杭区信访局", "余信交〔2026〕101号", "永福村3组道路破损严重", "要求尽快修复道路", "王建国",
                     "330110198001010018", "现场照片.jpg", "首次取到此件", "期限说明"):
            assert text in page, text
        r = c.get(f"/petitions/{REF}/attachments/0")
        assert r.status_code == 200 and r.content == b"\xff\xd8\xff-photo"
        assert r.headers["content-type"] == "application/octet-stream"
        assert r.headers["content-disposition"].startswith("attachment;")
        assert c.get(f"/petitions/{REF}/attachments/5").status_code == 404
        assert c.get("/petitions/NOPE000").status_code == 404


def test_an_attachment_path_outside_the_workdir_is_never_served(world: World, tmp_path: Path) -> None:
    secret = tmp_path / "outside.txt"
    secret.write_text("not yours", encoding="utf-8")
    p = world.app.store.get(REF)
    from core.model import Attachment

    p.attachments = [Attachment(name="x.txt", path="../outside.txt")]
    world.app.store.save(p, changes=[], source="bot", run_id=None)
    with world.login("xinfang") as c:
        assert c.get(f"/petitions/{REF}/attachments/0").status_code == 404


def test_the_clerks_actions_are_saved_as_the_ledgers_clerk_fields(world: World) -> None:
    with world.login("xinfang") as c:
        token = csrf_of(c.get(f"/petitions/{REF}").text)

        def post(**data):
            return c.post(f"/petitions/{REF}/edit", data={"csrf_token": token, **data})

        assert post(action="unit", unit="永福村村委会").status_code == 303
        assert post(action="category", category="交通运输").status_code == 303
        assert post(action="repeat", answer="不是重件").status_code == 303
        r = post(action="decision", decision="不予受理", reason="")
        assert r.status_code == 400 and "必须写明理由" in r.text
        assert post(action="decision", decision="不予受理", reason="已经依法处理，无新的事实和理由").status_code == 303
        assert post(action="category", category="不存在的分类").status_code == 400
        page = c.get(f"/petitions/{REF}?saved=decision").text
        assert "已保存" in page and "不予受理：已经依法处理" in page
    p = world.app.store.get(REF)
    assert p.responsible_unit == "永福村村委会"
    assert p.clerk["category_confirmed"] == "交通运输" and p.clerk["repeat_confirmed"] == "不是重件"
    assert p.clerk["decision"] == "不予受理" and p.clerk["decision_reason"] == "已经依法处理，无新的事实和理由"
    fields = [(h["source"], h["field"]) for h in world.app.store.history(REF)]
    assert ("console", "responsible_unit") in fields and ("console", "decision_reason") in fields


def _book(world: World) -> Path:
    books = [p for p in world.workdir.rglob("*.xlsx") if "台账" in p.name and "outgoing" not in str(p)]
    assert len(books) == 1, books
    return books[0]


def _cell(path: Path, ref: str, header: str):
    ws = openpyxl.load_workbook(path)["台账"]
    heads = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[heads.index("信访件编号")].value == ref:
            return row[heads.index(header)]
    raise AssertionError(f"{ref} not in the book")


def _clerk_types(path: Path, ref: str, header: str, value: str) -> None:
    wb = openpyxl.load_workbook(path)
    ws = wb["台账"]
    heads = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[heads.index("信访件编号")].value == ref:
            row[heads.index(header)].value = value
    wb.save(path)


@pytest.mark.slow
def test_a_console_edit_shows_in_the_ledger_and_a_double_edit_is_never_lost(world: World) -> None:
    app = world.app
    actions.run_flow(app, "ledger")
    book = _book(world)
    with world.login("xinfang") as c:
        token = csrf_of(c.get(f"/petitions/{REF}").text)
        c.post(f"/petitions/{REF}/edit", data={"csrf_token": token, "action": "unit", "unit": "永福村村委会"})
        c.post(f"/petitions/{OLD}/edit", data={"csrf_token": token, "action": "decision", "decision": "不予受理",
                                               "reason": "工作台填写的理由"})
    # the next sync shows the console's edits in the book
    actions.run_flow(app, "ledger")
    assert _cell(book, REF, "责任单位").value == "永福村村委会"
    assert _cell(book, OLD, "不予受理/不再受理理由").value == "工作台填写的理由"
    # now both sides change the same cell: a clerk in the book, another in the console
    _clerk_types(book, OLD, "不予受理/不再受理理由", "台账里改的理由")
    with world.login("xinfang") as c:
        token = csrf_of(c.get(f"/petitions/{OLD}").text)
        c.post(f"/petitions/{OLD}/edit", data={"csrf_token": token, "action": "decision", "decision": "不予受理",
                                               "reason": "工作台又改的理由"})
    actions.run_flow(app, "ledger")
    # the book's edit is kept (the ledger's rule), the console's is in the history, and 校验 names it
    assert app.store.get(OLD).clerk["decision_reason"] == "台账里改的理由"
    history = [h for h in app.store.history(OLD) if h["field"] == "decision_reason"]
    assert any(h["source"] == "console" and h["new"] == "工作台又改的理由" for h in history)
    assert any(h["source"] == "ledger" and h["old"] == "工作台又改的理由" and h["new"] == "台账里改的理由" for h in history)
    checks = [" ".join(str(v or "") for v in row) for row in openpyxl.load_workbook(book)["校验"].iter_rows(values_only=True)]
    assert any("工作台又改的理由" in line for line in checks), checks
    with world.login("xinfang") as c:
        page = c.get(f"/petitions/{OLD}").text
        assert "工作台又改的理由 → 台账里改的理由" in html.unescape(page)


def test_today_counts_new_due_and_overdue_by_unit_and_the_last_runs(world: World) -> None:
    store = world.app.store
    store.record_run("20261120-020000-intake", flow="intake", trigger="schedule", started="2026-11-20T02:00:00",
                     status="failed", summary={"status": "failed", "message": "登录上游系统失败：用户名或密码错误"})
    store.record_run("20261120-021000-ledger", flow="ledger", trigger="schedule", started="2026-11-20T02:10:00",
                     status="ok", summary={"status": "ok", "counts": {"updated": 3}})
    with world.login("lingdao") as c:
        page = html.unescape(c.get("/").text)
    assert re.search(r"<b>3</b><span>超期</span>", page)
    assert re.search(r"<td>永福村</td>\s*<td class=\"num\"><a [^>]*>2</a>", page)
    assert re.search(r"<td>纪检办</td>\s*<td class=\"num\"><a [^>]*>1</a>", page)
    assert re.search(r"取件</td><td[^>]*><span class=\"dot bad\"></span>失败", page)
    assert "登录上游系统失败：用户名或密码错误" in page
    assert re.search(r"台账同步</td><td[^>]*><span class=\"dot ok\"></span>成功", page)
    assert "夜间：取件 → 智能分析 → 台账 → 文书" in page and "11月21日 02:00" in page


def test_search_words_find_any_two_characters_and_more_of_a_run() -> None:
    from flows.store.console import fts_query, grams

    assert grams("道路破损，YH20") == "道路 路破 破损 损 yh h2 20 0"
    assert fts_query("路破") == '"路破"' and fts_query("破损 yh2") == '"破损" AND "yh h2"'
    assert fts_query("损") == '"损"*' and fts_query("，。!") == ""
