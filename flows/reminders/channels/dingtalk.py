"""DingTalk custom robot (自定义机器人), signed webhook, markdown with @ by mobile.

Signature (加签): sign = urlencode(base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))),
with ``timestamp`` in milliseconds; DingTalk rejects a timestamp more than an hour off, so it
comes from the wall clock (``now_ms``), not the business clock that ``--as-of`` may fix.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import time
import urllib.parse
from collections.abc import Callable

from core.errors import ChannelError
from core.ports import Message
from flows.reminders.channels.webhook import post_json


def sign(timestamp_ms: int, secret: str) -> str:
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return urllib.parse.quote_plus(base64.b64encode(digest))


def signed_url(webhook: str, secret: str, timestamp_ms: int) -> str:
    joiner = "&" if "?" in webhook else "?"
    return f"{webhook}{joiner}timestamp={timestamp_ms}&sign={sign(timestamp_ms, secret)}"


class DingTalkChannel:
    name = "dingtalk"

    def __init__(self, *, secrets: Callable[[str], str | None], now_ms: Callable[[], int] | None = None,
                 timeout: float = 15):
        self._secrets = secrets
        self._now_ms = now_ms or (lambda: int(time.time() * 1000))
        self.timeout = timeout

    def payload(self, m: Message) -> dict:
        text = m.body
        if m.mentions:
            # DingTalk only highlights an @ that also appears in the markdown text.
            text += "\n\n" + " ".join(f"@{mobile}" for mobile in m.mentions)
        if m.attachments:
            text += "\n\n（附件已通过邮件发送）"
        return {"msgtype": "markdown", "markdown": {"title": m.subject, "text": text},
                "at": {"atMobiles": list(m.mentions), "isAtAll": False}}

    def send(self, message: Message) -> None:
        url = message.to[0]
        if message.secret_name:
            secret = self._secrets(message.secret_name)
            if not secret:
                raise ChannelError(f"没有钉钉机器人加签密钥（{message.secret_name}）",
                                   hint="请设置该环境变量，或存入 keyring")
            url = signed_url(url, secret, self._now_ms())
        post_json(url, self.payload(message), timeout=self.timeout)
