"""What the SQLite adapter's modules share: how values are written into a column."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from core.model import to_jsonable


def now_text() -> str:
    """The stamp of a record the store makes itself (history, findings, answers)."""
    return datetime.now().isoformat(timespec="seconds")


def stamp(at: datetime) -> str:
    return at.isoformat(timespec="seconds")


def dump(value: Any) -> str:
    return json.dumps(to_jsonable(value), ensure_ascii=False, sort_keys=True)
