"""Reminders: per-unit digests, the escalation ladder, the outbox, the supervisors' overdue list.

Public API::

    run_reminders(petitions, store=, engine=, settings=, clock=, channels=, out_dir=, office=,
                  run=None, draft_supervision=None, to_pdf=None, dry_run=False, now=False) -> ReminderResult
    ReminderSettings                       # [reminders] in petitionbot.toml
    Message, Channel, ChannelError         # the channel port (channels/)
    Item                                   # what ``draft_supervision(unit, items)`` receives
"""

# Lazy names (PEP 562): petitionbot.config imports flows.reminders.settings while still loading.
import importlib
from typing import Any

_EXPORTS = {
    "Channel": "channels", "ChannelError": "channels", "Message": "channels",
    "ReminderResult": "flow", "run_reminders": "flow", "send_day": "flow",
    "Item": "items", "Outbox": "outbox",
    "Contact": "settings", "ReminderSettings": "settings", "Rung": "settings", "SmtpSettings": "settings",
    "UnitRecipients": "settings",
}


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(f"flows.reminders.{_EXPORTS[name]}"), name)
    raise AttributeError(name)


__all__ = [
    "Channel", "ChannelError", "Contact", "Item", "Message", "Outbox", "ReminderResult", "ReminderSettings", "Rung",
    "SmtpSettings", "UnitRecipients", "run_reminders", "send_day",
]
