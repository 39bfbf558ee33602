"""Fields the ledger adds to ``petitionbot export``: 责任单位 and the clerk columns."""

from __future__ import annotations

from typing import Any

from core.model import Petition
from flows.ledger.columns import CLERK_KEYS


def export_fields(petition: Petition, store: Any = None) -> dict[str, Any]:  # noqa: ARG001 - Contributor signature
    """English keys; dates as ISO strings, "" where a clerk has not filled the column yet."""
    out: dict[str, Any] = {"responsible_unit": petition.responsible_unit or ""}
    for key in CLERK_KEYS:
        value = petition.clerk.get(key, "")
        out[key] = "" if value is None else value
    return out
