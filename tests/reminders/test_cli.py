"""``petitionbot run reminders`` through the real CLI, config file and all."""

from __future__ import annotations

import json

from flows.store.sqlite import SqliteStore
from petitionbot import cli
from tests.reminders.conftest import petition
from tests.reminders.servers import PASSWORD, USER


def _config(tmp_path, smtp, http, cert):
    text = f'''
office = "余杭街道信访办"
[storage]
workdir = "work"
[reminders]
supervisors = [{{ name = "张主任", email = "boss@example.gov.cn" }}]
[reminders.smtp]
host = "127.0.0.1"
port = {smtp.port}
security = "starttls"
username = "{USER}"
password_env = "TEST_SMTP_PASSWORD"
sender = "{USER}"
cafile = "{cert[0]}"
[reminders.units."南湖社区"]
email = ["nanhu@example.gov.cn"]
wecom_webhook = "{http.wecom_url()}"
'''
    path = tmp_path / "petitionbot.toml"
    path.write_text(text, encoding="utf-8")
    store = SqliteStore(tmp_path / "work" / "petitionbot.db")
    store.insert(petition("YH-B1", "南湖社区", "2026-10-26"), run_id=None, source="upstream")
    store.close()
    return str(path)


def test_dry_run_then_real_run(tmp_path, smtp, http, cert, capsys, monkeypatch):
    monkeypatch.setenv("TEST_SMTP_PASSWORD", PASSWORD)
    cfg = _config(tmp_path, smtp, http, cert)
    assert cli.main(["run", "reminders", "--config", cfg, "--as-of", "2026-11-27", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "【演练" in out and "nanhu@example.gov.cn" in out and smtp.catcher.messages == []
    assert cli.main(["run", "reminders", "--config", cfg, "--as-of", "2026-11-27"]) == 0
    out = capsys.readouterr().out
    assert "本次发出 3 条" in out  # digest e-mail, WeCom digest, overdue list
    assert len(smtp.catcher.messages) == 2 and len(http.received) == 1
    summaries = [json.loads(f.read_text(encoding="utf-8")) for f in (tmp_path / "work" / "runs").glob("*/summary.json")]
    [last] = [s for s in summaries if not s["reminders"]["dry_run"]]  # same fixed clock: names do not order them
    assert last["reminders"]["sent"] == 3 and any(o.endswith(".xlsx") for o in last["outputs"])
