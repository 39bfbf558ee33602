"""Drafted once; changed data gets a new version beside it; a clerk's file is never overwritten."""

from __future__ import annotations

from datetime import date

import pytest

from flows import failpoints
from flows.letters import UnitItem, draft_letters, draft_unit_letter, export_fields
from flows.runs import Run
from tests.letters.conftest import group_petition


def kinds_of(drafted, ref):
    return {d.kind: d for d in drafted if d.ref == ref}


def test_letters_are_drafted_once_then_versioned(tmp_path, store, settings, clock, petitions, desk):
    first = kinds_of(draft_letters(store, settings, clock, Run.start("letters", tmp_path / "r", clock)), "YH2026110002")
    handover = first["交办单"].path
    assert handover.relative_to(settings.workdir).as_posix() == "letters/2026/YH2026110002/交办单.docx"
    original = handover.read_bytes()

    clock.advance(days=1)  # a new day alone changes nothing
    run = Run.start("letters", tmp_path / "r", clock)
    again = kinds_of(draft_letters(store, settings, clock, run), "YH2026110002")
    assert {d.status for d in again.values()} == {"unchanged"} and run.counts.new == run.counts.updated == 0

    # The clerk corrects the 受理日期 in the ledger: only letters that show that value change.
    desk.as_of = clock.today()
    desk.type({"YH2026110002": {"受理日期": date(2026, 11, 6)}})
    third = kinds_of(draft_letters(store, settings, clock, Run.start("letters", tmp_path / "r", clock)), "YH2026110002")
    assert "交办单" not in third  # the handover already sent is not re-issued once the office has decided
    assert third["受理告知书"].status == "version" and third["受理告知书"].path.name == "受理告知书.v2.docx"
    assert first["受理告知书"].path.exists() and handover.read_bytes() == original
    assert not list(handover.parent.glob(".*tmp"))  # atomic writes leave no temp files


def test_a_clerks_edits_are_never_overwritten(tmp_path, store, settings, clock, petitions):
    draft_letters(store, settings, clock, Run.start("letters", tmp_path / "r", clock))
    folder = settings.workdir / "letters/2026/YH2026110004"
    edited = b"PK clerk edited this in Word"
    (folder / "交办单.docx").write_bytes(edited)
    (folder / "交办单.v2.docx").write_bytes(b"a file the clerk saved under the next name")

    p = store.get("YH2026110004")
    p.content = "补充材料后重新说明。"
    store.save(p, changes=[("content", "", p.content)], source="upstream", run_id=None)
    run = Run.start("letters", tmp_path / "r", clock)
    d = kinds_of(draft_letters(store, settings, clock, run), "YH2026110004")["交办单"]

    assert (folder / "交办单.docx").read_bytes() == edited
    assert (folder / "交办单.v2.docx").read_bytes() == b"a file the clerk saved under the next name"
    assert d.status == "version" and d.version == 3 and d.path.name == "交办单.v3.docx"
    assert any("交办单.docx 已被人工修改" in w for w in run.warnings)
    assert any("交办单.v2.docx 已存在且不是本程序写的" in w for w in run.warnings)
    letters = export_fields(p, store)["letters"]
    assert {"kind": "交办单", "path": "letters/2026/YH2026110004/交办单.v3.docx", "version": 3} in letters
    assert [x["version"] for x in letters if x["kind"] == "交办单"] == [1, 3]


def test_a_run_that_stopped_before_recording_is_adopted(tmp_path, store, settings, clock, petitions, monkeypatch):
    class Died(Exception):
        pass

    def written() -> list:
        return list((settings.workdir / "letters").rglob("YH2026110002/交办单.docx"))

    def die(name: str) -> None:  # the process stops right after writing this letter's file
        if name == "letters.before_record" and written():
            raise Died

    monkeypatch.setattr(failpoints, "hit", die)
    with pytest.raises(Died):
        draft_letters(store, settings, clock, Run.start("letters", tmp_path / "r", clock))
    monkeypatch.undo()
    assert written() and [x for x in store.letters_of("YH2026110002") if x["kind"] == "交办单"] == []
    d = kinds_of(draft_letters(store, settings, clock, Run.start("letters", tmp_path / "r", clock)), "YH2026110002")
    assert d["交办单"].status == "new" and d["交办单"].path.name == "交办单.docx"


def test_unit_letter_once_a_day_and_versioned(store, settings, clock, run):
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4, step="受理告知")]
    a = draft_unit_letter("督办单", "凤凰山社区", items, store=store, settings=settings, clock=clock, run=run)
    assert a.path.relative_to(settings.workdir).as_posix() == "letters/2026/单位/凤凰山社区/20261105/督办单-凤凰山社区.docx"
    b = draft_unit_letter("督办单", "凤凰山社区", items, store=store, settings=settings, clock=clock, run=run)
    assert b.status == "unchanged" and b.path == a.path
    items.append(UnitItem(group_petition(), date(2026, 11, 2), 3, step="办理答复"))
    c = draft_unit_letter("督办单", "凤凰山社区", items, store=store, settings=settings, clock=clock, run=run)
    assert c.status == "version" and c.path.name == "督办单-凤凰山社区.v2.docx"
