"""One contract every notification channel passes, each against its real loopback server."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from core.errors import ChannelError
from core.ports import Message
from flows.reminders.channels.dingtalk import DingTalkChannel
from flows.reminders.channels.email import EmailChannel
from flows.reminders.channels.wecom import WeComChannel
from tests.reminders.servers import DING_SECRET, FIXED_MS, PASSWORD, USER, free_port

SUBJECT = "【信访催办】永福村：超期 1 件"
BODY = "永福村：\n\n- YH2026110001 反映道路破损问题（王*）办理答复期限 2026年11月20日，超期 7 天\n"


@dataclass
class Harness:
    channel: Any
    address: str  # what goes in Message.to
    received: Any  # () -> list of {"subject", "text", "mentions", "attachments"}
    fail: Any  # (bool) -> None
    kind: str

    def message(self, **kw: Any) -> Message:
        base = {"channel": self.kind, "to": [self.address], "subject": SUBJECT, "body": BODY,
                "secret_name": "DING_SECRET" if self.kind == "dingtalk" else ""}
        base.update(kw)
        return Message(**base)


def email_harness(smtp, cert) -> Harness:
    channel = EmailChannel(host="127.0.0.1", port=smtp.port, security="starttls", username=USER,
                           password=lambda: PASSWORD, sender=USER, sender_name="信访办", cafile=str(cert[0]))

    def received():
        out = []
        for m in smtp.catcher.messages:
            msg = m["msg"]
            assert m["login"], "the channel must log in"
            out.append({"subject": str(msg["Subject"]), "text": msg.get_body(("plain",)).get_content(),
                        "mentions": [], "attachments": [a.get_filename() for a in msg.iter_attachments()],
                        "rcpt": m["rcpt"]})
        return out

    return Harness(channel, "unit@example.gov.cn", received, lambda on: setattr(smtp.catcher, "fail", on), "email")


def dingtalk_harness(http) -> Harness:
    secrets = {"DING_SECRET": DING_SECRET}
    channel = DingTalkChannel(secrets=secrets.get, now_ms=lambda: FIXED_MS, timeout=5)

    def received():
        return [{"subject": r["payload"]["markdown"]["title"], "text": r["payload"]["markdown"]["text"],
                 "mentions": r["payload"]["at"]["atMobiles"], "attachments": []}
                for r in http.received if r["path"] == "/robot/send"]

    return Harness(channel, http.dingtalk_url(), received, lambda on: setattr(http, "fail", on), "dingtalk")


def wecom_harness(http) -> Harness:
    channel = WeComChannel(timeout=5)

    def received():
        out = []
        for r in http.received:
            p = r["payload"]
            if p["msgtype"] == "markdown":
                content = p["markdown"]["content"]
                out.append({"subject": content.splitlines()[0].strip("*"), "text": content, "mentions": [],
                            "attachments": []})
            elif out:  # the @ nudge belongs to the markdown before it
                out[-1]["mentions"] = p["text"]["mentioned_mobile_list"]
        return out

    return Harness(channel, http.wecom_url(), received, lambda on: setattr(http, "fail", on), "wecom")


@pytest.fixture(params=["email", "dingtalk", "wecom"])
def harness(request, smtp, http, cert) -> Harness:
    if request.param == "email":
        return email_harness(smtp, cert)
    if request.param == "dingtalk":
        return dingtalk_harness(http)
    return wecom_harness(http)


def test_delivers_chinese_subject_and_body(harness):
    harness.channel.send(harness.message())
    [got] = harness.received()
    assert got["subject"] == SUBJECT
    assert "超期 7 天" in got["text"] and "王*" in got["text"]


def test_server_failure_raises_channel_error_and_delivers_nothing(harness):
    harness.fail(True)
    with pytest.raises(ChannelError):
        harness.channel.send(harness.message())
    assert harness.received() == []


def test_unreachable_endpoint_raises_channel_error(harness):
    dead = f"127.0.0.1:{free_port()}"
    if harness.kind == "email":
        harness.channel.port = int(dead.split(":")[1])
        msg = harness.message()
    else:
        msg = harness.message(to=[f"http://{dead}/robot/send?access_token=x"])
    with pytest.raises(ChannelError):
        harness.channel.send(msg)


def test_attachments_are_delivered_or_pointed_to(harness, tmp_path: Path):
    f = tmp_path / "超期信访事项清单-20261127.xlsx"
    f.write_bytes(b"PK\x03\x04 not really a workbook")
    harness.channel.send(harness.message(attachments=[str(f)]))
    [got] = harness.received()
    if harness.kind == "email":
        assert got["attachments"] == [f.name]  # the Chinese file name survives RFC 2231 encoding
    else:
        assert "附件已通过邮件发送" in got["text"]


def test_mentions_reach_the_robot_and_email_ignores_them(harness):
    harness.channel.send(harness.message(mentions=["13900000001"]))
    [got] = harness.received()
    if harness.kind == "email":
        assert got["mentions"] == [] and "13900000001" not in got["text"]
    else:
        assert got["mentions"] == ["13900000001"]
