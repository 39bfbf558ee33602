"""Reminder channel adapters: ``email`` (SMTP), ``dingtalk``, ``wecom``.

Each delivers one :class:`core.ports.Message` or raises :class:`core.errors.ChannelError` (a
TransientError: the outbox keeps the message and retries it with backoff on a later run).
Channels hold no state about what was sent; the outbox does.
"""
