"""Deterministic crash points for the crash-safety tests (like FreeBSD's fail(9) or TiKV's
fail-rs): ``PETITIONBOT_FAILPOINTS="intake.after_insert=3"`` makes the process SIGKILL itself
the 3rd time it reaches that point. Unset (production), ``hit`` is a dict lookup.
"""

from __future__ import annotations

import os
import signal
from collections import Counter

_spec: dict[str, int] | None = None
_hits: Counter[str] = Counter()


def _load() -> dict[str, int]:
    spec: dict[str, int] = {}
    for part in os.environ.get("PETITIONBOT_FAILPOINTS", "").split(","):
        name, _, nth = part.strip().partition("=")
        if name:
            spec[name] = int(nth or 1)
    return spec


def hit(name: str) -> None:
    global _spec
    if _spec is None:
        _spec = _load()
    if name not in _spec:
        return
    _hits[name] += 1
    if _hits[name] == _spec[name]:
        os.kill(os.getpid(), signal.SIGKILL)
