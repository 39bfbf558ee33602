"""Fixtures for the letters tests: a real store, a fixed clock, real petitions, template copies,
and a clerk's desk: the clerk's decisions reach the letters the way they do in production,
typed into the ledger's columns and read by a real ledger sync (never set on the record)."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from core.clock import FixedClock
from flows.deadlines.settings import DeadlineSettings
from flows.letters.settings import BUILTIN_TEMPLATES, LetterSetup, LettersSettings
from flows.runs import Run
from flows.store.sqlite import SqliteStore
from petitionbot import cli
from tests.factories import make_petition, make_petitioner, make_work_order

TODAY = date(2026, 11, 5)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(TODAY)


@pytest.fixture
def templates(tmp_path: Path) -> Path:
    """A private copy of the shipped templates, so a test may break one."""
    folder = tmp_path / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, folder, ignore=shutil.ignore_patterns("*.py"))
    return folder


CONFIG = """[storage]
workdir = "work"

[letters]
templates_dir = "{templates}"
contact_person = "李敏"
contact_phone = "0571-86220000"
"""


@pytest.fixture
def config(tmp_path: Path, templates: Path) -> Path:
    path = tmp_path / "petitionbot.toml"
    path.write_text(CONFIG.format(templates=templates.as_posix()), encoding="utf-8")
    return path


def letter_setup(workdir: Path, **letters: Any) -> LetterSetup:
    """The letters flow's settings as the wiring cuts them from an office's config."""
    return LetterSetup(letters=LettersSettings.model_validate(letters), office="余杭街道信访办",
                       workdir=workdir.resolve(), deadlines=DeadlineSettings())


@pytest.fixture
def settings(tmp_path: Path, templates: Path) -> LetterSetup:
    return letter_setup(tmp_path / "work", templates_dir=str(templates), contact_person="李敏",
                        contact_phone="0571-86220000")


@pytest.fixture
def store(tmp_path: Path):
    s = SqliteStore(tmp_path / "work" / "petitionbot.db")
    yield s
    s.close()


@pytest.fixture
def run(tmp_path: Path, clock: FixedClock) -> Run:
    return Run.start("letters", tmp_path / "runs", clock)


class Desk:
    """The clerk's side of the office: the ledger book a clerk types into, synced by the real
    ``petitionbot run ledger`` (which reads the clerk's cells into the store first)."""

    def __init__(self, config: Path, store: SqliteStore, as_of: date = TODAY):
        self.config, self.store, self.as_of = config, store, as_of

    @property
    def book(self) -> Path:
        return self.config.parent / "work" / "ledger" / f"信访台账{self.as_of.year}.xlsx"

    def sync(self) -> int:
        return cli.main(["run", "ledger", "--config", str(self.config), "--as-of", self.as_of.isoformat()])

    def type(self, edits: dict[str, dict[str, Any]]) -> None:
        """``{ref: {column header: value}}`` typed into the book, then synced into the store."""
        if not self.book.exists():
            assert self.sync() == 0
        wb = openpyxl.load_workbook(self.book)
        ws = wb["台账"]
        head = {c.value: c.column for c in ws[1] if c.value}
        rows = {ws.cell(r, head["信访件编号"]).value: r for r in range(2, ws.max_row + 1)}
        for ref, cells in edits.items():
            for column, value in cells.items():
                ws.cell(rows[ref], head[column]).value = value
        wb.save(self.book)
        assert self.sync() == 0

    def row(self, ref: str) -> dict[str, Any]:
        ws = openpyxl.load_workbook(self.book)["台账"]
        head = {c.value: c.column for c in ws[1] if c.value}
        for r in range(2, ws.max_row + 1):
            if ws.cell(r, head["信访件编号"]).value == ref:
                return {name: ws.cell(r, col).value for name, col in head.items()}
        raise KeyError(ref)


@pytest.fixture
def desk(config, store) -> Desk:
    return Desk(config, store)


# What clerks type for the shared petitions below (column headers of the 台账).
TYPED = {
    "YH2026110001": {"受理情况": "不再受理", "不予受理/不再受理理由": "该事项已于2025年经区人民政府复核终结，你现以同一事实和理由再次提出。",
                     "法律依据": "复核终结后同一事实理由"},
    "YH2026110002": {"受理情况": "受理", "受理日期": date(2026, 11, 4), "延期至": date(2027, 1, 20),
                     "延期理由": "需组织现场勘查并会同国土部门核实补偿标准"},
    "YH2026110005": {"受理情况": "不予受理", "不予受理/不再受理理由": "你反映的民事纠纷已由人民法院作出生效判决",
                     "法律依据": "应通过法定途径解决"},
}


def group_petition():
    return make_petition(
        "YH2026110002", title="反映征地补偿款未发放问题", headcount=2, purpose="求决", locality="凤凰山社区",
        petitioners=[make_petitioner(), make_petitioner(name="陈秀英", id_number="330110198203040026",
                                                        phone="13905710002", address="凤凰山社区5幢")],
        content="第一行：补偿款至今未发放。\n第二行：多次反映无果。", demand="要求按标准发放补偿款。",
        responsible_unit="凤凰山社区", due_on=date(2026, 12, 2))


def accusation_petition():
    # The accuser's name is in the title and the text, as real accusations are often headed.
    return make_petition(
        "YH2026110003", title="赵铁柱检举某单位干部违规发放补助", purpose="检举控告", locality="永福村",
        petitioners=[make_petitioner(name="赵铁柱", phone="13905710003", id_number="33011019750505001X")],
        content="赵铁柱检举：有干部违规发放补助，联系电话13905710003。", demand="要求查处。",
        responsible_unit="城建办")


def refused_petition():
    return make_petition("YH2026110005", title="反映邻里宅基地纠纷", responsible_unit="永福村")


def hostile_petition():
    return make_petition("YH2026110004", title="标题{% if true %}X{% endif %}", content="{{ 7*7 }} <b>& 内容（）",
                         demand="{% for x in range(3) %}y{% endfor %}", responsible_unit="永福村")


@pytest.fixture
def petitions(store, desk):
    """Five petitions and a hotline work order in the store, the clerks' decisions typed into the
    ledger (TYPED)."""
    items = [make_petition(responsible_unit="永福村"), group_petition(), accusation_petition(), hostile_petition(),
             refused_petition(), make_work_order(responsible_unit="永福村")]
    for p in items:
        store.insert(p, run_id=None, source=p.source)
    desk.type(TYPED)
    return [store.get(p.ref) for p in items]


def edit_template(path: Path, old: str, new: str) -> None:
    """Change the document.xml of a .docx in place (what a clerk's Word edit amounts to)."""
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i.filename) for i in z.infolist()}
    xml = parts["word/document.xml"].decode()
    assert old in xml, old
    parts["word/document.xml"] = xml.replace(old, new, 1).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in parts.items():
            z.writestr(name, data)
