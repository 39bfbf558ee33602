"""The workdir's layout comes from one object, and a ref names its folders one way everywhere."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

from core.refs import folder_name
from core.workdir import Workdir, safe_name
from flows import tempfiles


def test_layout(tmp_path):
    wd = Workdir(tmp_path)
    assert os.fspath(wd) == os.fspath(tmp_path) and Workdir.of(wd) is wd and Workdir.of(str(tmp_path)) == wd
    rel = {name: getattr(wd, name).relative_to(tmp_path).as_posix()
           for name in ("database", "lock", "serve_lock", "scheduler_db", "model", "attachments", "runs",
                        "login_evidence", "secrets", "logs", "tmp")}
    assert rel == {"database": "petitionbot.db", "lock": "petitionbot.lock", "serve_lock": "serve.lock",
                   "scheduler_db": "scheduler.db", "model": "analysis/category_model.npz",
                   "attachments": "attachments", "runs": "runs", "login_evidence": "runs/login-evidence",
                   "secrets": "secrets", "logs": "logs", "tmp": "tmp"}
    day = date(2026, 11, 27)
    assert wd.relative(wd.letters_of("YH2026110001", 2026)) == "letters/2026/YH2026110001"
    assert wd.relative(wd.unit_letters("永福村/村委会", day)) == f"letters/2026/单位/{safe_name('永福村/村委会')}/20261127"
    assert wd.relative(wd.reminders(day)) == "reminders/20261127"
    assert wd.relative(wd.reports("2026")) == "reports/2026" and wd.relative(wd.run("r1")) == "runs/r1"
    assert wd.relative(wd.session("district", "clerk01")) == "secrets/district-clerk01.state.json"
    assert wd.ledger(Path("ledger")) == tmp_path / "ledger" and wd.ledger(Path("/srv/books")) == Path("/srv/books")
    assert wd.resolve("letters/2026/a.docx") == tmp_path / "letters/2026/a.docx"
    assert tempfiles.folder(wd).parent == wd.tmp


def test_a_ref_names_its_letters_folder_as_it_names_its_attachments_folder(tmp_path):
    wd = Workdir(tmp_path)
    for ref in ("YH2026110001", "xf（2026）77", "XF(2026)77", "a/../../b", "CON", "编号 12"):
        assert wd.letters_of(ref, 2026).name == folder_name(ref)
        assert wd.letters_of(ref, 2026).parent == wd.letters(2026)  # never escapes its year's folder
    # Refs that are one petition share a folder; refs that only sanitise alike do not.
    assert wd.letters_of("xf（2026）77", 2026) == wd.letters_of("XF(2026)77", 2026)
    assert wd.letters_of("XF(2026)77", 2026) != wd.letters_of("XF_2026_77", 2026)


def test_safe_names_of_units():
    assert safe_name("凤凰山社区") == "凤凰山社区"
    assert safe_name("a/b") != safe_name("a_b") and safe_name("a/b").startswith("a_b~")
    assert "/" not in safe_name("../..") and safe_name("..").startswith("_~")
