"""A scheduled chain stops at a system error and the operator gets the summary and evidence."""

from datetime import datetime

from core.errors import LoginFailed
from tests.schedule.conftest import TZ, make_settings, run_until

NIGHTLY = """
[[job]]
id = "nightly"
name = "夜间：取件 → 台账 → 文书"
flows = ["intake", "ledger", "letters"]
cron = { hour = 2, minute = 0 }
"""


def test_system_error_stops_the_chain_and_mails_the_operator(tmp_path, sim_clock, stepped, fired, smtp_server):
    port, received = smtp_server
    calls, behaviour = fired

    def login_refused(app, run, args):
        run.evidence_dir.mkdir(parents=True, exist_ok=True)
        (run.evidence_dir / "login.png").write_bytes(b"png")
        raise LoginFailed("上游系统拒绝登录：用户名或密码错误")

    behaviour["intake"] = login_refused
    settings = make_settings(tmp_path, NIGHTLY, notify_email=["ops@example.gov.cn"])
    settings.reminders.smtp.security = "none"
    settings.reminders.smtp.port = port
    sim_clock.t = datetime(2026, 11, 2, 1, 0, tzinfo=TZ)
    svc, sched = stepped(settings, notify=None)
    run_until(sched, sim_clock, datetime(2026, 11, 2, 2, 5))

    assert [name for name, _ in calls] == ["intake"]  # ledger and letters never started
    result = svc.results[-1]
    assert result.failed and result.skipped == ["ledger", "letters"] and "用户名或密码错误" in result.error
    assert [r.status for r in result.runs] == ["failed"]
    assert len(received) == 1
    to, mail = received[0]
    assert to == ["ops@example.gov.cn"]
    import email
    from email import policy

    msg = email.message_from_string(mail, policy=policy.default)
    body = msg.get_body().get_content()
    assert "计划任务失败" in msg["Subject"] and "夜间" in msg["Subject"]
    assert "用户名或密码错误" in body and "未运行的流程：ledger、letters" in body
    assert str(result.runs[0].evidence_dir / "login.png") in body


def test_a_partial_run_goes_on_with_the_chain_and_no_mail(tmp_path, sim_clock, stepped, fired):
    calls, behaviour = fired
    behaviour["intake"] = lambda app, run, args: run.fail_item("A1", "缺少标题")
    sent = []
    settings = make_settings(tmp_path, NIGHTLY)
    sim_clock.t = datetime(2026, 11, 2, 1, 0, tzinfo=TZ)
    svc, sched = stepped(settings, notify=lambda title, result: sent.append(result))
    run_until(sched, sim_clock, datetime(2026, 11, 2, 2, 5))
    assert [name for name, _ in calls] == ["intake", "ledger", "letters"]
    assert [r.status for r in svc.results[-1].runs] == ["partial", "ok", "ok"] and sent == []
