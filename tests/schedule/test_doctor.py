"""``petitionbot doctor`` fails with the right Chinese message for each broken precondition."""

import http.server
import threading
from collections import namedtuple
from datetime import date

import pytest

from petitionbot import doctor
from petitionbot.cli import main
from tests.schedule.conftest import free_port, make_settings

Usage = namedtuple("Usage", "total used free")


@pytest.fixture
def settings(tmp_path):
    return make_settings(tmp_path, '[[job]]\nid = "nightly"\nflow = "intake"\ncron = { hour = 2 }\n')


def test_broken_config_names_the_key(tmp_path):
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text('[upstream]\nurll = "http://x"\n', encoding="utf-8")
    checks = doctor.run_checks(str(cfg), today=date(2026, 6, 1))
    assert [c.ok for c in checks] == [False]
    assert "upstream.urll：未知的配置项" in checks[0].detail and "第 2 行" in checks[0].detail


def test_missing_password(settings, monkeypatch):
    monkeypatch.delenv("PETITIONBOT_UPSTREAM_PASSWORD", raising=False)
    monkeypatch.setattr("petitionbot.config.secret", lambda name, env: None)
    c = doctor.check_credentials(settings)
    assert not c.ok and c.detail == "没有找到上游 district（用户 yhjd01）的密码" and "PETITIONBOT_UPSTREAM_PASSWORD" in c.fix
    monkeypatch.setattr("petitionbot.config.secret", lambda name, env: "x")
    assert doctor.check_credentials(settings).ok


def test_browser_not_found(settings):
    settings.upstream[0].executable_path = "/nonexistent/chromium"
    c = doctor.check_browser(settings, launch=False)
    assert not c.ok and "配置的浏览器路径不存在或不可执行" in c.detail and "executable_path" in c.fix


def test_upstream_silent_or_failing(settings):
    settings.upstream[0].url = f"http://127.0.0.1:{free_port()}/"
    c = doctor.check_upstream(settings, timeout=2)
    assert not c.ok and "没有响应" in c.detail and "政务外网" in c.fix

    class Broken(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server API
            self.send_error(503)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Broken)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        settings.upstream[0].url = f"http://127.0.0.1:{server.server_port}/"
        c = doctor.check_upstream(settings, timeout=5)
        assert not c.ok and "返回错误 503" in c.detail
    finally:
        server.shutdown()


def test_broken_templates(settings, tmp_path):
    (tmp_path / "empty").mkdir()
    settings.letters.templates_dir = str(tmp_path / "empty")
    c = doctor.check_templates(settings)
    assert not c.ok and "个模板有问题" in c.detail and "找不到模板文件" in c.detail
    assert "petitionbot templates check" in c.fix


def test_calendar_must_cover_the_next_90_days(settings):
    bad = doctor.check_calendar(settings, date(2026, 11, 27))  # 90 days reach into 2027, not yet published
    assert not bad.ok and "2027年的节假日安排尚未录入" in bad.detail and "overrides.toml" in bad.fix
    assert doctor.check_calendar(settings, date(2026, 6, 1)).ok


def test_low_disk(settings):
    c = doctor.check_disk(settings, usage=lambda p: Usage(10**12, 0, 10 * 1024 * 1024))
    assert not c.ok and "只剩 10 MB（至少需要 1024 MB）" in c.detail


def test_mail_server(settings, smtp_server):
    assert doctor.check_mail(settings) is None  # nothing is sent by e-mail: nothing to check
    settings.service.notify_email = ["ops@example.gov.cn"]
    settings.reminders.smtp.security = "none"
    settings.reminders.smtp.port = free_port()
    c = doctor.check_mail(settings)
    assert not c.ok and f"无法连接邮件服务器 127.0.0.1:{settings.reminders.smtp.port}" in c.detail
    settings.reminders.smtp.port = smtp_server[0]
    assert doctor.check_mail(settings).ok


def test_broken_schedule(settings, tmp_path):
    (tmp_path / "schedule.toml").write_text('[[job]]\nid = "x"\nflow = "nosuch"\ncron = { hour = 2 }\n', encoding="utf-8")
    c = doctor.check_schedule(settings)
    assert not c.ok and "未知流程 nosuch" in c.detail


def test_command_exits_non_zero_and_prints_what_to_fix(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("PETITIONBOT_UPSTREAM_PASSWORD", raising=False)
    monkeypatch.setattr("petitionbot.config.secret", lambda name, env: None)
    cfg = tmp_path / "petitionbot.toml"
    cfg.write_text(f'[upstream]\nurl = "http://127.0.0.1:{free_port()}/"\nusername = "yhjd01"\n'
                   'executable_path = "/nonexistent/chromium"\n'
                   f'[storage]\nworkdir = "{tmp_path / "work"}"\n', encoding="utf-8")
    code = main(["doctor", "--config", str(cfg), "--as-of", "2026-06-01", "--no-launch"])
    out = capsys.readouterr().out
    assert code == 1
    assert "✗ 上游系统密码" in out and "✗ 浏览器" in out and "✗ 上游系统：" in out and "处理办法：" in out
    assert "✓ 工作日日历" in out and "3 项未通过" in out
