"""``petitionbot run ledger`` end to end through the CLI, and export_fields."""

from __future__ import annotations

import json

from flows.ledger import export_fields
from petitionbot import cli
from tests.factories import make_petition


def test_run_ledger_command(tmp_path, capsys):
    from flows.store.sqlite import SqliteStore

    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text('[storage]\nworkdir = "work"\n[ledger]\nbackups = 1\n', encoding="utf-8")
    store = SqliteStore(tmp_path / "work" / "petitionbot.db")
    store.insert(make_petition(), run_id=None, source="upstream")
    store.close()
    code = cli.main(["run", "ledger", "--config", str(cfg), "--as-of", "2026-11-20"])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "台账同步完成" in out
    book = tmp_path / "work" / "ledger" / "信访台账2026.xlsx"
    assert book.exists()
    summary = json.loads(next((tmp_path / "work" / "runs").glob("*-ledger-*/summary.json")).read_text("utf-8"))
    assert summary["status"] == "ok" and str(book) in summary["outputs"]


def test_export_fields():
    p = make_petition(responsible_unit="永福村村委会", clerk={"handling_status": "已办结", "closed_on": "2026-11-18"})
    fields = export_fields(p)
    assert fields["responsible_unit"] == "永福村村委会"
    assert fields["handling_status"] == "已办结" and fields["closed_on"] == "2026-11-18"
    assert fields["remarks"] == "" and "satisfaction" in fields
