"""What the SQLite adapter's modules share: how values are written into a column."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.model import to_jsonable


def stamp(at: datetime | None = None) -> str:
    """How a time is written into a column: the caller's clock when it gives one (flows pass their
    injected clock), else the wall clock (migrations, fencing tokens, quarantine notes)."""
    return (at or datetime.now()).isoformat(timespec="seconds")


def dump(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)
