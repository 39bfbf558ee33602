"""A clerk reshapes the book in Excel -- a title row above the header, 信访件编号 renamed or
deleted, the refs of many rows cleared -- and the real sync (``petitionbot run ledger``) runs.

The book is edited with openpyxl as a clerk's Excel would save it. Either the sync finds the
header and the key column by their signature and keeps every clerk edit, with the book back in
shape, or it stops before writing anything: exit 1, a Chinese message saying what changed and
how to fix it, the book's bytes and the store's tables exactly as they were.
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import openpyxl
import pytest

from flows.ledger.columns import COLUMNS
from flows.store.sqlite import SqliteStore
from petitionbot import cli
from tests.crash.conftest import AS_OF, petition
from tests.ledger.helpers import checks, header, rows_by_ref, set_cell

N = 40
BOOK = "信访台账2026.xlsx"


class Office:
    def __init__(self, root: Path):
        self.cfg = root / "petitionbot.toml"
        self.cfg.write_text('office = "余杭街道信访办"\n[storage]\nworkdir = "work"\n', encoding="utf-8")
        self.workdir = root / "work"
        self.book = self.workdir / "ledger" / BOOK
        store = SqliteStore(self.workdir / "petitionbot.db")
        for n in range(1, N + 1):
            store.insert(petition(n), run_id=None, source="upstream")
        store.close()

    def sync(self, *args: str) -> int:
        return cli.main(["run", "ledger", "--config", str(self.cfg), "--as-of", AS_OF, *args])

    def tables(self) -> dict[str, list[tuple]]:
        """Everything a sync could change in the store, row by row."""
        db = sqlite3.connect(self.workdir / "petitionbot.db")
        try:
            return {t: db.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()  # noqa: S608 - fixed names
                    for t in ("petitions", "history", "ledger_rows", "ledger_walkins", "local_refs")}
        finally:
            db.close()

    def files(self) -> dict[str, str]:
        return {str(p.relative_to(self.workdir / "ledger")): hashlib.sha256(p.read_bytes()).hexdigest()
                for p in sorted((self.workdir / "ledger").rglob("*")) if p.is_file()}

    def stored(self) -> dict:
        store = SqliteStore(self.workdir / "petitionbot.db")
        try:
            return {p.ref: p for p in store.petitions()}
        finally:
            store.close()


@pytest.fixture
def office(tmp_path, capsys) -> Office:
    o = Office(tmp_path)
    for _ in range(2):  # the second sync leaves the first book in 备份/, as any office has one
        assert o.sync() == 0, capsys.readouterr()
    capsys.readouterr()
    return o


def edit(office: Office, change) -> None:
    wb = openpyxl.load_workbook(office.book)
    ws = wb["台账"]
    set_cell(ws, "YH2026000003", "办理状态", "已办结")
    set_cell(ws, "YH2026000003", "办结日期", "2026-11-20")
    set_cell(ws, "YH2026000011", "备注", "已电话回访")
    change(ws)
    wb.save(office.book)


def assert_edits_saved(office: Office) -> None:
    stored = office.stored()
    assert len(stored) == N and all(p.source != "ledger" for p in stored.values())  # no walk-in twins
    assert stored["YH2026000003"].clerk["handling_status"] == "已办结"
    assert stored["YH2026000003"].clerk["closed_on"] == "2026-11-20"
    assert stored["YH2026000011"].clerk["remarks"] == "已电话回访"


def assert_book_in_shape(office: Office) -> None:
    ws = openpyxl.load_workbook(office.book)["台账"]
    assert [c.value for c in ws[1]] == [c.header for c in COLUMNS]  # header back on row 1, nothing extra
    assert ws.max_row == N + 1
    rows = rows_by_ref(office.book)
    assert sorted(r for r in rows if not r.startswith("#")) == [f"YH2026{n:06d}" for n in range(1, N + 1)]
    assert rows["YH2026000003"]["办理状态"] == "已办结" and rows["YH2026000011"]["备注"] == "已电话回访"


def assert_stopped_and_untouched(office: Office, before_tables, before_files, capsys, *words: str) -> str:
    code = office.sync()
    err = "\n".join(line for line in capsys.readouterr().err.splitlines() if line.startswith("错误"))
    assert code == 1, err
    for word in words:
        assert word in err, err
    assert "台账和数据库都没有改动" in err
    assert office.tables() == before_tables
    assert office.files() == before_files  # the book's bytes; no pending file, no new backup
    return err


def test_a_title_row_above_the_header_is_recognised_and_every_edit_kept(office, capsys):
    def title(ws):
        ws.insert_rows(1)
        ws["A1"] = "余杭街道2026年信访事项台账"
        ws.merge_cells("A1:H1")

    edit(office, title)
    assert office.sync() == 0, capsys.readouterr()
    assert_edits_saved(office)
    assert_book_in_shape(office)
    notes = [n for n in checks(office.book) if n[3] == "表头"]
    assert notes and "余杭街道2026年信访事项台账" in notes[0][4] and "表头按第 2 行识别" in notes[0][5]
    assert office.sync() == 0  # and the next sync finds nothing to say about the header
    assert not [n for n in checks(office.book) if n[3] == "表头"]
    assert_edits_saved(office)


def test_a_renamed_key_column_is_recognised_by_its_contents_and_named_again(office, capsys):
    def rename(ws):
        ws.cell(1, header(ws)["信访件编号"]).value = "信访编号"

    edit(office, rename)
    assert office.sync() == 0, capsys.readouterr()
    assert_edits_saved(office)
    assert_book_in_shape(office)
    note = [n for n in checks(office.book) if n[3] == "信访件编号" and n[4] == "信访编号"]
    assert note and "已改回“信访件编号”" in note[0][5]


def test_a_moved_key_column_is_found_by_its_name(office, capsys):
    def move(ws):
        col = header(ws)["信访件编号"]
        values = [ws.cell(r, col).value for r in range(1, ws.max_row + 1)]
        ws.delete_cols(col)
        ws.insert_cols(12)
        for r, v in enumerate(values, 1):
            ws.cell(r, 12).value = v

    edit(office, move)
    assert office.sync() == 0, capsys.readouterr()
    assert_edits_saved(office)
    rows = rows_by_ref(office.book)
    assert rows["YH2026000003"]["办理状态"] == "已办结" and len(rows) == N


def test_a_deleted_key_column_stops_the_sync_before_anything_is_written(office, capsys):
    edit(office, lambda ws: ws.delete_cols(header(ws)["信访件编号"]))
    before_tables, before_files = office.tables(), office.files()
    err = assert_stopped_and_untouched(office, before_tables, before_files, capsys,
                                       "没有“信访件编号”列", "备份", "把每一行都当作新的来访登记")
    assert "ref" not in err  # Chinese, no internal key names
    # The clerk follows the advice: puts the column back (from the backup here) and syncs again.
    backup = sorted((office.workdir / "ledger" / "备份").glob("*.xlsx"))[-1]
    refs = [c.value for c in openpyxl.load_workbook(backup)["台账"]["B"]]
    wb = openpyxl.load_workbook(office.book)
    ws = wb["台账"]
    ws.insert_cols(2)
    for r, v in enumerate(refs, 1):
        ws.cell(r, 2).value = v
    wb.save(office.book)
    assert office.sync() == 0
    assert_edits_saved(office)
    assert_book_in_shape(office)


def test_a_deleted_header_row_stops_the_sync(office, capsys):
    edit(office, lambda ws: ws.delete_rows(1))
    assert_stopped_and_untouched(office, office.tables(), office.files(), capsys, "找不到表头行")


def test_a_key_column_renamed_beyond_recognition_stops_the_sync(office, capsys):
    def rename_and_copy(ws):
        col = header(ws)["信访件编号"]
        ws.cell(1, col).value = "编号"
        extra = ws.max_column + 1
        ws.cell(1, extra).value = "原编号"  # the clerk kept a copy of the refs: which one is the key?
        for r in range(2, ws.max_row + 1):
            ws.cell(r, extra).value = ws.cell(r, col).value

    edit(office, rename_and_copy)
    assert_stopped_and_untouched(office, office.tables(), office.files(), capsys, "无法判断哪一列是编号列",
                                 "原编号")


def test_a_sync_that_would_register_many_walk_ins_stops_and_asks(office, capsys):
    def clear_refs(ws):
        col = header(ws)["信访件编号"]
        for r in range(10, 20):  # a clerk selected a block and pressed Delete in the wrong column
            ws.cell(r, col).value = None

    edit(office, clear_refs)
    err = assert_stopped_and_untouched(office, office.tables(), office.files(), capsys,
                                       "有 10 行没有信访件编号", "--accept-walkins")
    assert "第 10、11、12" in err


def visitors(n: int):
    """A clerk types ``n`` new visitors at the bottom of the book, without refs."""
    def add(ws):
        h = header(ws)
        for i in range(n):
            r = ws.max_row + 1
            ws.cell(r, h["信访人"]).value = f"来访群众{i}"
            ws.cell(r, h["诉求摘要"]).value = f"反映第{i}件事"
            ws.cell(r, h["登记日期"]).value = "2026-11-25"
    return add


def test_real_walk_ins_are_registered_once_the_clerk_confirms(office, capsys):
    edit(office, visitors(5))
    before = office.tables(), office.files()
    assert_stopped_and_untouched(office, *before, capsys, "有 5 行没有信访件编号")
    assert office.sync("--accept-walkins") == 0, capsys.readouterr()
    stored = office.stored()
    assert len(stored) == N + 5 and sum(p.source == "ledger" for p in stored.values()) == 5
    assert office.sync() == 0  # registered once: the rows now carry their new refs
    assert len(office.stored()) == N + 5


def test_a_few_walk_ins_need_no_confirmation(office, capsys):
    edit(office, visitors(3))
    assert office.sync() == 0, capsys.readouterr()
    assert len(office.stored()) == N + 3
