"""Fault knobs, decided per request before any page logic runs.

Deterministic on purpose: ``error_rate`` and ``rate_limit_share`` draw from the state's seeded
RNG, ``error_every`` / ``rate_limit_every`` count requests, so a failing test fails again.
"""

from __future__ import annotations

from dataclasses import dataclass

from petitionbot.sim.state import SimState


@dataclass(frozen=True)
class Fault:
    kind: str  # close | 503 | 429 | 500
    retry_after: int = 0


def applies(state: SimState, path: str) -> bool:
    prefixes = state.knobs.get("fault_paths") or []
    return not prefixes or any(path.startswith(p) for p in prefixes)


def decide(state: SimState, path: str) -> tuple[float, Fault | None]:
    """(seconds to wait before answering, the fault to answer with or None)."""
    with state.lock:
        k = state.knobs
        if not applies(state, path):
            return 0.0, None
        state.counters["faultable"] += 1
        n = state.counters["faultable"]
        delay = max(float(k.get("latency_ms") or 0), 0.0) / 1000
        if k.get("stall_count"):
            delay += float(k.get("stall_seconds") or 0)
            if k["stall_count"] > 0:
                k["stall_count"] -= 1
        down = str(k.get("down") or "")
        if down in ("close", "503"):
            return delay, Fault(down)
        every = int(k.get("rate_limit_every") or 0)
        share = float(k.get("rate_limit_share") or 0)
        if (every and n % every == 0) or (share and state.rng.random() < share):
            state.counters["http_429"] += 1
            return delay, Fault("429", int(k.get("retry_after") or 1))
        if k.get("error_count"):
            if k["error_count"] > 0:
                k["error_count"] -= 1
            state.counters["http_500"] += 1
            return delay, Fault("500")
        every = int(k.get("error_every") or 0)
        share = float(k.get("error_rate") or 0)
        if (every and n % every == 0) or (share and state.rng.random() < share):
            state.counters["http_500"] += 1
            return delay, Fault("500")
        return delay, None
