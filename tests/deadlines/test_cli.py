"""``petitionbot deadlines explain REF`` through the real CLI entry point."""

from __future__ import annotations

from datetime import date

from flows.store.sqlite import SqliteStore
from petitionbot import cli
from tests.factories import make_petition


def test_explain_prints_start_rule_skipped_days_and_result_in_chinese(tmp_path, capsys):
    (tmp_path / "petitionbot.toml").write_text('[storage]\nworkdir = "work"\n', encoding="utf-8")
    store = SqliteStore(tmp_path / "work" / "petitionbot.db")
    store.insert(make_petition("YH2026090001", received_on=date(2026, 9, 28)), run_id=None, source="upstream")
    store.close()
    code = cli.main(["deadlines", "explain", "YH2026090001", "--config", str(tmp_path / "petitionbot.toml"),
                     "--as-of", "2026-10-09"])
    out = capsys.readouterr().out
    assert code == 0
    assert "收件日期 2026年9月28日" in out and "5个工作日" in out
    assert "跳过休息日 10月1日至10月7日" in out and "计算期限 2026年10月10日" in out
    assert "临期" in out


def test_explain_unknown_ref_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "petitionbot.toml").write_text('[storage]\nworkdir = "work"\n', encoding="utf-8")
    code = cli.main(["deadlines", "explain", "NOPE", "--config", str(tmp_path / "petitionbot.toml")])
    assert code != 0 and "没有找到信访件 NOPE" in capsys.readouterr().err
