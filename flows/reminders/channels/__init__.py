"""The notification channel port. Adapters: ``email`` (SMTP), ``dingtalk``, ``wecom``.

A channel delivers one :class:`Message` or raises :class:`ChannelError` (a TransientError:
the outbox keeps the message and retries it with backoff on a later run). Channels hold no
state about what was sent; the outbox does.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Protocol

from flows.errors import TransientError


@dataclass
class Message:
    channel: str  # email | dingtalk | wecom
    to: list[str]  # e-mail addresses, or the one webhook URL of a chat robot
    subject: str
    body: str  # plain text for e-mail, markdown for chat robots
    cc: list[str] = field(default_factory=list)
    attachments: list[str] = field(default_factory=list)  # file paths; chat robots only name them
    mentions: list[str] = field(default_factory=list)  # mobiles to @ in a chat group
    secret_name: str = ""  # DingTalk: env var holding the signing secret (never the secret itself)
    key: str = ""  # the outbox key: stable across retries (e-mail's Message-ID is made from it)


class ChannelError(TransientError):
    """Delivery failed; the outbox will retry."""


class Channel(Protocol):
    name: str

    def send(self, message: Message) -> None:
        """Deliver ``message`` or raise ChannelError. Must not retry internally (the outbox does)."""
