"""What only one channel does: DingTalk signing, implicit TLS, header encoding on the wire."""

from __future__ import annotations

import base64
import hashlib
import hmac

import pytest

from core.errors import ChannelError
from core.ports import Message
from flows.reminders.channels.dingtalk import DingTalkChannel, sign
from flows.reminders.channels.email import EmailChannel
from tests.reminders.servers import DING_SECRET, FIXED_MS, PASSWORD, USER, SmtpServer


def test_dingtalk_wrong_secret_is_rejected_by_the_receiver(http):
    channel = DingTalkChannel(secrets={"S": "not-the-secret"}.get, now_ms=lambda: FIXED_MS)
    with pytest.raises(ChannelError, match="310000"):
        channel.send(Message("dingtalk", [http.dingtalk_url()], "主题", "正文", secret_name="S"))
    assert http.rejected == ["sign not match"] and http.received == []


def test_dingtalk_stale_timestamp_is_rejected(http):
    channel = DingTalkChannel(secrets={"S": DING_SECRET}.get, now_ms=lambda: FIXED_MS - 2 * 3600_000)
    with pytest.raises(ChannelError):
        channel.send(Message("dingtalk", [http.dingtalk_url()], "主题", "正文", secret_name="S"))


def test_dingtalk_missing_secret_fails_loudly_without_sending(http):
    channel = DingTalkChannel(secrets=lambda _n: None, now_ms=lambda: FIXED_MS)
    with pytest.raises(ChannelError, match="加签密钥"):
        channel.send(Message("dingtalk", [http.dingtalk_url()], "主题", "正文", secret_name="S"))
    assert http.received == [] and http.rejected == []


def test_a_signature_with_plus_and_slash_arrives_percent_encoded(http):
    # Independent computation: the test's secret and time give a base64 with '+' and '/'.
    raw = base64.b64encode(hmac.new(DING_SECRET.encode(), f"{FIXED_MS}\n{DING_SECRET}".encode(),
                                    hashlib.sha256).digest()).decode()
    assert "+" in raw and "/" in raw and raw.endswith("=")
    channel = DingTalkChannel(secrets={"S": DING_SECRET}.get, now_ms=lambda: FIXED_MS)
    channel.send(Message("dingtalk", [http.dingtalk_url()], "主题", "正文", secret_name="S"))
    assert http.rejected == [] and len(http.received) == 1
    assert sign(FIXED_MS, DING_SECRET) == raw.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")


def test_an_unencoded_signature_is_rejected_by_the_receiver(http, monkeypatch):
    # What dropping the percent-encoding would send: the receiver (its own HMAC) refuses it.
    from flows.reminders.channels import dingtalk

    monkeypatch.setattr(dingtalk.urllib.parse, "quote_plus", lambda s: s.decode() if isinstance(s, bytes) else s)
    channel = DingTalkChannel(secrets={"S": DING_SECRET}.get, now_ms=lambda: FIXED_MS)
    with pytest.raises(ChannelError, match="310000"):
        channel.send(Message("dingtalk", [http.dingtalk_url()], "主题", "正文", secret_name="S"))
    assert http.rejected == ["sign not match"] and http.received == []


def test_email_over_implicit_ssl_with_encoded_headers(cert, tmp_path):
    server = SmtpServer(*cert, implicit_tls=True)
    try:
        channel = EmailChannel(host="127.0.0.1", port=server.port, security="ssl", username=USER,
                               password=lambda: PASSWORD, sender=USER, sender_name="余杭街道信访办",
                               cafile=str(cert[0]))
        f = tmp_path / "督办单-永福村.docx"
        f.write_bytes(b"x")
        channel.send(Message("email", ["a@example.gov.cn"], "【信访督办】永福村：超期 2 件", "请办理。", attachments=[str(f)]))
        [got] = server.catcher.messages
        raw = got["msg"].as_bytes()
        assert b"=?utf-8?" in raw.lower()  # RFC 2047 subject on the wire, not raw UTF-8
        assert "督办" not in raw.decode("ascii", "replace")
        assert str(got["msg"]["Subject"]) == "【信访督办】永福村：超期 2 件"
        assert [a.get_filename() for a in got["msg"].iter_attachments()] == ["督办单-永福村.docx"]
    finally:
        server.stop()


def test_email_wrong_password_is_a_channel_error(smtp, cert):
    channel = EmailChannel(host="127.0.0.1", port=smtp.port, security="starttls", username=USER,
                           password=lambda: "wrong", sender=USER, cafile=str(cert[0]))
    with pytest.raises(ChannelError):
        channel.send(Message("email", ["a@example.gov.cn"], "主题", "正文"))
    assert smtp.catcher.messages == []
