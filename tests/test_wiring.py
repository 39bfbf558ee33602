"""The composition root without a browser: the config's upstream entries and their passwords,
the site registry, ``login`` through the optional capability, and runs started from two threads
of one App (the console's case)."""

from __future__ import annotations

import os
import threading
from pathlib import Path

import pytest

from core.errors import ConfigError, LockBusy
from petitionbot import cli, config, wiring
from petitionbot.registries import ROBOTS

TWO = """[[upstream]]
site = "district"
url = "http://127.0.0.1:9/"
username = "yhjd01"

[[upstream]]
site = "hotline"
name = "rexian"
url = "http://127.0.0.1:9/hl/"
username = "gd007"

[storage]
workdir = "work"
"""


def write(tmp_path: Path, text: str) -> Path:
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text(text, encoding="utf-8")
    return cfg


@pytest.fixture(autouse=True)
def no_passwords(monkeypatch):
    for key in [k for k in os.environ if k.startswith("PETITIONBOT_")]:
        monkeypatch.delenv(key)
    monkeypatch.setattr(config, "secret", lambda name, env: os.environ.get(env) if env else None)


def test_several_upstreams_each_named_and_the_old_single_table_still_reads(tmp_path):
    settings = config.load(write(tmp_path, TWO))
    assert [(u.name, u.site, u.username) for u in settings.upstream] == [
        ("district", "district", "yhjd01"), ("rexian", "hotline", "gd007")]
    assert settings.require_upstream("rexian").url == "http://127.0.0.1:9/hl/"
    with pytest.raises(ConfigError, match="没有名为 'nowhere' 的上游") as err:
        settings.require_upstream("nowhere")
    assert "district、rexian" in err.value.hint

    old = config.load(write(tmp_path, '[upstream]\nurl = "http://127.0.0.1:9/"\nusername = "yhjd01"\n'))
    assert [(u.name, u.site) for u in old.upstream] == [("district", "district")]


def test_two_upstreams_with_one_name_and_a_bad_key_in_the_second_are_named(tmp_path):
    same = TWO.replace('name = "rexian"', 'name = "district"')
    with pytest.raises(ConfigError, match="有两个上游的名称都是 'district'"):
        config.load(write(tmp_path, same))
    typo = TWO.replace('username = "gd007"', 'username = "gd007"\nretrys = 2')
    with pytest.raises(ConfigError) as err:
        config.load(write(tmp_path, typo))
    assert "第 11 行 [[upstream]] 第 2 项 retrys：未知的配置项" in str(err.value)


def test_an_unknown_site_is_refused_in_chinese_with_the_registered_ones(tmp_path):
    cfg = write(tmp_path, TWO.replace('site = "hotline"', 'site = "wechat"'))
    with pytest.raises(ConfigError) as err:
        wiring.build_app(cfg)
    assert "第 2 项（rexian）" in str(err.value) and "'wechat'" in str(err.value)
    assert err.value.hint == "已登记的上游系统：district（区信访系统）、hotline（12345热线）"
    assert list(ROBOTS) == ["district", "hotline"]


def test_each_upstream_has_its_own_password(tmp_path, monkeypatch):
    app = wiring.build_app(write(tmp_path, TWO))
    district, rexian = app.settings.upstream
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_PASSWORD", "one-for-all")
    with pytest.raises(ConfigError, match="没有上游“rexian”的密码") as err:
        app.upstream_password(rexian)  # with several upstreams the shared variable is not guessed
    assert "PETITIONBOT_UPSTREAM_REXIAN_PASSWORD" in err.value.hint
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_REXIAN_PASSWORD", "hl-pw")
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_DISTRICT_PASSWORD", "d-pw")
    assert (app.upstream_password(district), app.upstream_password(rexian)) == ("d-pw", "hl-pw")
    assert app.state_path(rexian).name == "rexian-gd007.state.json"

    single = wiring.build_app(write(tmp_path, '[upstream]\nurl = "http://127.0.0.1:9/"\nusername = "yhjd01"\n'))
    assert single.upstream_password(single.settings.upstream[0]) == "d-pw"  # its own variable first
    monkeypatch.delenv("PETITIONBOT_UPSTREAM_DISTRICT_PASSWORD")
    assert single.upstream_password(single.settings.upstream[0]) == "one-for-all"  # one upstream: as before


def test_login_to_a_site_without_a_captcha_says_so(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PETITIONBOT_UPSTREAM_REXIAN_PASSWORD", "hl-pw")
    code = cli.main(["login", "--config", str(write(tmp_path, TWO)), "--upstream", "rexian"])
    err = capsys.readouterr().err
    assert code == 2
    assert "上游“rexian”（12345热线）不需要人工登录" in err and "petitionbot run intake" in err


def test_a_second_thread_of_the_same_app_is_told_the_lock_is_busy(tmp_path):
    app = wiring.build_app(config.Settings(storage=config.StorageSettings(workdir=tmp_path / "work")))
    holding, release = threading.Event(), threading.Event()

    def hold() -> None:
        with app.exclusive("ledger"):
            holding.set()
            release.wait(30)

    t = threading.Thread(target=hold)
    t.start()
    try:
        assert holding.wait(30)
        with pytest.raises(LockBusy, match="另一个运行正在进行"):
            wiring.run_letters(app)  # not re-entered as if it were the holder's own chain
    finally:
        release.set()
        t.join(30)
    assert wiring.run_flow(app, "letters").status == "ok"  # free again
    with pytest.raises(ConfigError, match="流程 nightly 不存在"):
        wiring.run_flow(app, "nightly")


def test_a_stop_event_handed_to_a_run_ends_it_stopped(tmp_path):
    app = wiring.build_app(config.Settings(storage=config.StorageSettings(workdir=tmp_path / "work")))
    stop = threading.Event()
    stop.set()
    done = wiring.run_letters(app, stop=stop)
    assert done.status == "stopped" and not app.stop_requested.is_set()
    [row] = app.store.runs(limit=5)
    assert (row["flow"], row["status"]) == ("letters", "stopped")
