"""SMTP adapter (smtplib lives only here).

``EmailMessage`` with ``policy.SMTP`` encodes Chinese subjects (RFC 2047) and attachment
file names (RFC 2231) so that Outlook, Foxmail and webmail all show them correctly.
"""

from __future__ import annotations

import hashlib
import mimetypes
import smtplib
import ssl
from collections.abc import Callable
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from core.errors import ChannelError
from core.ports import Message


class EmailChannel:
    name = "email"

    def __init__(self, *, host: str, port: int, security: str = "starttls", username: str = "",
                 password: Callable[[], str | None] | None = None, sender: str, sender_name: str = "",
                 timeout: float = 30, cafile: str = "", date: Callable[[], float] | None = None):
        self.host, self.port, self.security = host, port, security
        self.username, self._password = username, password
        self.sender, self.sender_name = sender, sender_name
        self.timeout = timeout
        self.cafile = cafile
        self._date = date

    def build(self, m: Message) -> EmailMessage:
        msg = EmailMessage(policy=policy.SMTP)
        msg["Subject"] = m.subject
        msg["From"] = Address(self.sender_name, addr_spec=self.sender) if self.sender_name else self.sender
        msg["To"] = ", ".join(m.to)
        if m.cc:
            msg["Cc"] = ", ".join(m.cc)
        msg["Date"] = formatdate(self._date() if self._date else None, localtime=True)
        domain = self.sender.rpartition("@")[2] or "petitionbot.local"
        if m.key:
            # Stable per outbox message: a resend after a crash (or after a lost reply) carries the
            # same Message-ID, which mail stores that de-duplicate use and a person can see.
            msg["Message-ID"] = f"<pb.{hashlib.sha256(m.key.encode()).hexdigest()[:32]}@{domain}>"
        else:
            msg["Message-ID"] = make_msgid(domain=domain)
        msg.set_content(m.body, charset="utf-8", cte="base64")  # safe through any relay, 8BITMIME or not
        for path in map(Path, m.attachments):
            try:
                data = path.read_bytes()
            except OSError as exc:
                raise ChannelError(f"附件无法读取：{path.name}（{exc}）") from exc
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            maintype, subtype = kind.split("/", 1)
            msg.add_attachment(data, maintype=maintype, subtype=subtype, filename=path.name)
        return msg

    def _context(self) -> ssl.SSLContext:
        return ssl.create_default_context(cafile=self.cafile or None)

    def send(self, message: Message) -> None:
        msg = self.build(message)
        client: smtplib.SMTP | None = None
        try:
            if self.security == "ssl":
                client = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=self._context())
            else:
                client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            if self.security == "starttls":
                client.starttls(context=self._context())
            if self.username:
                password = self._password() if self._password else None
                if not password:
                    raise ChannelError("没有邮箱密码", hint="请设置 reminders.smtp.password_env 指定的环境变量，或存入 keyring")
                client.login(self.username, password)
            refused = client.send_message(msg, to_addrs=[*message.to, *message.cc])
        except ChannelError:
            _close(client)
            raise
        except (smtplib.SMTPException, OSError) as exc:
            _close(client)
            raise ChannelError(f"邮件发送失败（{self.host}:{self.port}）：{exc}") from exc
        # The server has answered 250 to the message: it is delivered. A QUIT that fails after that
        # must not count as a failed send, or the outbox would send the message a second time.
        try:
            client.quit()
        except (smtplib.SMTPException, OSError):
            _close(client)
        if refused:
            raise ChannelError(f"部分收件人被拒收：{', '.join(refused)}")


def _close(client: smtplib.SMTP | None) -> None:
    if client is not None:
        try:
            client.close()
        except OSError:
            pass
