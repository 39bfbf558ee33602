"""Fixtures for the letters tests: a real store, a fixed clock, real petitions, template copies."""

from __future__ import annotations

import shutil
import zipfile
from datetime import date
from pathlib import Path

import pytest

from flows.clock import FixedClock
from flows.letters.settings import BUILTIN_TEMPLATES
from flows.runs import Run
from flows.store.sqlite import SqliteStore
from petitionbot.config import Settings
from tests.factories import make_petition, make_petitioner

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


@pytest.fixture
def settings(tmp_path: Path, templates: Path) -> Settings:
    return Settings.model_validate({
        "storage": {"workdir": str(tmp_path / "work")},
        "letters": {"templates_dir": str(templates), "contact_person": "李敏", "contact_phone": "0571-86220000"},
    })


@pytest.fixture
def store(tmp_path: Path):
    s = SqliteStore(tmp_path / "work" / "petitionbot.db")
    yield s
    s.close()


@pytest.fixture
def run(tmp_path: Path, clock: FixedClock) -> Run:
    return Run.start("letters", tmp_path / "runs", clock)


def group_petition():
    return make_petition(
        "YH2026110002", title="反映征地补偿款未发放问题", headcount=2, purpose="求决", locality="凤凰山社区",
        petitioners=[make_petitioner(), make_petitioner(name="陈秀英", id_number="330110198203040026",
                                                        phone="13905710002", address="凤凰山社区5幢")],
        content="第一行：补偿款至今未发放。\n第二行：多次反映无果。", demand="要求按标准发放补偿款。",
        responsible_unit="凤凰山社区", due_on=date(2026, 12, 2),
        clerk={"decision": "受理", "accepted_on": "2026-11-04", "extension_until": "2027-01-31",
               "extension_reason": "需组织现场勘查"})


def accusation_petition():
    return make_petition(
        "YH2026110003", title="检举某村干部违规发放补助", purpose="检举控告",
        petitioners=[make_petitioner(name="赵铁柱", phone="13905710003", id_number="33011019750505001X")],
        content="赵铁柱检举：村干部违规发放补助，联系电话13905710003。", demand="要求查处。",
        responsible_unit="永福村")


def hostile_petition():
    return make_petition("YH2026110004", title="标题{% if true %}X{% endif %}", content="{{ 7*7 }} <b>& 内容",
                         demand="{% for x in range(3) %}y{% endfor %}", clerk={"decision": "不予受理",
                                                                              "decision_reason": "不属于本机关职权范围。"})


@pytest.fixture
def petitions(store):
    items = [make_petition(clerk={"decision": "不再受理", "decision_reason": "该事项已办结并经复查复核。"}),
             group_petition(), accusation_petition(), hostile_petition()]
    for p in items:
        store.insert(p, run_id=None)
    return items


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
