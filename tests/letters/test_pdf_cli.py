"""LibreOffice opens every kind (one soffice start for all), and the two commands work end to end."""

from __future__ import annotations

import argparse
from datetime import date

import pytest

from flows.convert import find_soffice
from flows.letters import UnitItem, draft_letters, draft_unit_letter
from petitionbot.commands import letters as command
from tests.letters.conftest import edit_template, group_petition


def test_every_kind_converts_to_pdf_with_libreoffice(store, settings, clock, run, petitions):
    assert find_soffice(), "LibreOffice is required for this test (CI installs it)"
    settings.letters.on_close = ["处理意见书", "承办情况报告"]
    p = store.get("YH2026110002")
    p.clerk["closed_on"] = "2026-11-20"
    store.save(p, changes=[], source="ledger", run_id=None)
    drafted = draft_letters(store, settings, clock, run)
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4)]
    for kind in ("催办单", "督办单"):
        drafted.append(draft_unit_letter(kind, "凤凰山社区", items, store=store, settings=settings, clock=clock))
    one_each = list({d.kind: d for d in drafted}.values())
    assert len(one_each) == 9

    from flows.letters.flow import _pdfs

    converted = _pdfs(one_each, run)  # one soffice start for all nine
    assert not run.warnings
    for d in converted:
        assert d.pdf is not None and d.pdf.read_bytes()[:5] == b"%PDF-", d.kind
        assert d.pdf.stat().st_size > 5000


def parser() -> argparse.ArgumentParser:
    top_parser = argparse.ArgumentParser()
    top = top_parser.add_subparsers(dest="command")
    run_flows = top.add_parser("run").add_subparsers(dest="flow")
    command.register(top, run_flows)
    return top_parser


@pytest.fixture
def config(tmp_path, templates):
    path = tmp_path / "petitionbot.toml"
    path.write_text(f'[storage]\nworkdir = "work"\n\n[letters]\ntemplates_dir = "{templates}"\n', encoding="utf-8")
    return path


def test_templates_check_command(config, templates, capsys):
    args = parser().parse_args(["templates", "check", "--config", str(config)])
    assert args.func(args) == 0
    assert "全部通过检查" in capsys.readouterr().out
    edit_template(templates / "受理告知书.docx", "“{{ 标题 }}”", "“{{ 标体 }}”")
    assert args.func(args) == 1
    out = capsys.readouterr().out
    assert "✗ 受理告知书.docx" in out and "正文第4段：未知的变量“标体”" in out


def test_run_letters_command(tmp_path, config, monkeypatch, capsys):
    from flows.store.sqlite import SqliteStore
    from tests.factories import make_petition

    s = SqliteStore(tmp_path / "work" / "petitionbot.db")
    s.insert(make_petition(clerk={"decision": "受理", "accepted_on": "2026-11-04"}), run_id=None)
    s.close()
    args = parser().parse_args(["run", "letters", "--config", str(config), "--as-of", "2026-11-05"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "新起草 2 份" in out
    folder = tmp_path / "work" / "letters" / "2026" / "YH2026110001"
    assert sorted(p.name for p in folder.iterdir()) == ["交办单.docx", "受理告知书.docx"]
