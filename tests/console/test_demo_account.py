"""The demo leaves a clerk's account on its data and says how to open the console."""

from __future__ import annotations

import re
from datetime import date

from flows.store.console import ConsoleStore
from petitionbot import config
from petitionbot.app import App
from petitionbot.console import passwords
from petitionbot.console.demo_account import DEMO_USER, demo_account
from tests.console.conftest import write_config


def test_the_demo_account_logs_in_with_the_printed_password(tmp_path):
    cfg = write_config(tmp_path)
    settings = config.load(cfg)
    lines = demo_account(settings, cfg, date(2026, 11, 25))
    text = "\n".join(lines)
    assert f"--config {cfg}" in text and "PETITIONBOT_AS_OF=2026-11-25" in text and "http://127.0.0.1:8765/" in text
    password = re.search(r"密码 (\S+)", text).group(1)
    cstore = ConsoleStore(App(settings).store)
    try:
        account = cstore.account(DEMO_USER)
        assert account["role"] == "clerk"
        assert passwords.verify(account["password"], password)
        assert not passwords.verify(account["password"], password + "x")
    finally:
        cstore.close()
    # A second demo in the same folder resets the account to its own new password.
    again = re.search(r"密码 (\S+)", "\n".join(demo_account(settings, cfg, date(2026, 11, 25)))).group(1)
    assert again != password
