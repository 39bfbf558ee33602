"""WeCom (企业微信) group robot, markdown message.

WeCom markdown cannot @ by mobile (only the ``text`` type can, via ``mentioned_mobile_list``).
So a message with mentions goes as the markdown digest plus a one-line ``text`` nudge that @s
those mobiles; the numbers themselves are never printed in the chat.
"""

from __future__ import annotations

from core.ports import Message
from flows.reminders.channels.webhook import post_json


class WeComChannel:
    name = "wecom"

    def __init__(self, *, timeout: float = 15):
        self.timeout = timeout

    def payloads(self, m: Message) -> list[dict]:
        text = f"**{m.subject}**\n\n{m.body}"
        if m.attachments:
            text += "\n\n（附件已通过邮件发送）"
        out = [{"msgtype": "markdown", "markdown": {"content": text}}]
        if m.mentions:
            out.append({"msgtype": "text", "text": {"content": f"请及时查看：{m.subject}",
                                                     "mentioned_mobile_list": list(m.mentions)}})
        return out

    def send(self, message: Message) -> None:
        for payload in self.payloads(message):
            post_json(message.to[0], payload, timeout=self.timeout)
