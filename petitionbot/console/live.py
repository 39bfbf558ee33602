"""Live progress of a run, for the 运行 page: an in-process event bus, a Progress adapter and a
log sink that publish to it, and the server-sent-events stream a browser reads.

Runs happen in worker threads (the flows are synchronous); the SSE handlers are coroutines on the
server's loop. The bus is the bridge: ``publish`` may be called from any thread and hands each
event to every subscriber's loop with ``call_soon_threadsafe``. Every event gets a sequence
number and the bus keeps the last ``backlog`` of them, so a page opened in the middle of a run
(or a browser reconnecting with ``Last-Event-ID``) first receives what it missed.

Log lines are masked (``core.privacy.redactor``: ID numbers, phones, names the run has seen,
secrets) before they enter the bus: nothing unmasked ever reaches a browser.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections import deque
from collections.abc import AsyncIterator, Callable
from typing import Any

from loguru import logger

from core.privacy import redactor

KEEPALIVE_S = 15.0  # an SSE comment this often keeps proxies from closing an idle stream
# A stream ends after this long and the browser reconnects (2 s later, with Last-Event-ID, so
# nothing is missed): each reconnection checks the session again, and a server that is shutting
# down is not held open by a page left on 运行.
LIFETIME_S = 30.0


class EventBus:
    def __init__(self, backlog: int = 500):
        self._lock = threading.Lock()
        self._events: deque[dict[str, Any]] = deque(maxlen=backlog)
        self._seq = 0
        self._subscribers: set[tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]] = set()

    @property
    def last_id(self) -> int:
        return self._seq

    def publish(self, kind: str, **data: Any) -> dict[str, Any]:
        """Add an event (from any thread) and wake every subscriber."""
        with self._lock:
            self._seq += 1
            event = {"id": self._seq, "type": kind, **data}
            self._events.append(event)
            subscribers = list(self._subscribers)
        for loop, queue in subscribers:
            try:
                loop.call_soon_threadsafe(queue.put_nowait, event)
            except RuntimeError:  # that subscriber's loop has closed: it is gone
                pass
        return event

    def since(self, after: int) -> list[dict[str, Any]]:
        with self._lock:
            return [e for e in self._events if e["id"] > after]

    def subscribe(self, after: int = 0) -> Subscription:
        """Events with an id above ``after``: the kept ones first, then each new one as it comes.
        Call from the loop that will read it; close it when done."""
        sub = Subscription(self, asyncio.get_running_loop(), after)
        with self._lock:
            for event in self._events:
                if event["id"] > after:
                    sub.queue.put_nowait(event)
            self._subscribers.add(sub.entry)
        return sub

    def _drop(self, entry: tuple[asyncio.AbstractEventLoop, asyncio.Queue[dict[str, Any]]]) -> None:
        with self._lock:
            self._subscribers.discard(entry)


class Subscription:
    def __init__(self, bus: EventBus, loop: asyncio.AbstractEventLoop, after: int):
        self.queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self.entry = (loop, self.queue)
        self._bus, self._last = bus, after

    async def get(self) -> dict[str, Any]:
        while True:
            event = await self.queue.get()
            if event["id"] > self._last:  # skip one both in the backlog copy and then published to us
                self._last = event["id"]
                return event

    def close(self) -> None:
        self._bus._drop(self.entry)


class BusProgress:
    """The ``core.ports.Progress`` port, published to the bus. At most about ``steps`` events per
    phase (and always the last), so a 10,000-item run does not flood the browsers."""

    def __init__(self, bus: EventBus, run_key: str, steps: int = 200):
        self._bus, self._key, self._steps = bus, run_key, steps
        self._total = self._done = self._next = 0
        self._label = ""

    def start(self, total: int, label: str) -> None:
        self._total, self._done, self._label = total, 0, label
        self._next = max(1, total // self._steps)
        self._bus.publish("progress", run=self._key, label=label, done=0, total=total)

    def advance(self, n: int = 1) -> None:
        self._done += n
        if self._done >= self._next or self._done >= self._total:
            self._next = self._done + max(1, self._total // self._steps)
            self._bus.publish("progress", run=self._key, label=self._label, done=self._done, total=self._total)

    def close(self) -> None:
        self._total = 0


class Tee:
    """Two progress ports as one: the bus for the page, and the usual lines for the log files."""

    def __init__(self, *ports: Any):
        self._ports = ports

    def start(self, total: int, label: str) -> None:
        for p in self._ports:
            p.start(total, label)

    def advance(self, n: int = 1) -> None:
        for p in self._ports:
            p.advance(n)

    def close(self) -> None:
        for p in self._ports:
            p.close()


def add_log_sink(bus: EventBus, run_key: str, *, level: str = "INFO",
                 accept: Callable[[dict[str, Any]], bool] | None = None) -> int:
    """Publish log lines (masked) while a run lasts; returns the loguru sink id to remove."""

    def sink(message: Any) -> None:
        record = message.record
        bus.publish("log", run=run_key, time=record["time"].strftime("%H:%M:%S"), level=record["level"].name,
                    text=redactor(record["message"]))

    def keep(record: dict[str, Any]) -> bool:
        return accept is None or accept(record)

    return logger.add(sink, level=level, format="{message}", filter=keep, diagnose=False, backtrace=False,
                      catch=True)


def sse_lines(event: dict[str, Any]) -> str:
    """One event in the text/event-stream format: id (for Last-Event-ID), event type, JSON data."""
    data = json.dumps(event, ensure_ascii=False)
    return f"id: {event['id']}\nevent: {event['type']}\ndata: {data}\n\n"


async def sse_stream(bus: EventBus, after: int, *, keepalive_s: float = KEEPALIVE_S,
                     lifetime_s: float = LIFETIME_S) -> AsyncIterator[str]:
    """The body of an SSE response: every event after ``after``, and a comment when idle, for
    ``lifetime_s`` seconds."""
    sub = bus.subscribe(after)
    loop = asyncio.get_running_loop()
    end = loop.time() + lifetime_s
    try:
        yield "retry: 2000\n\n"
        while (left := end - loop.time()) > 0:
            try:
                event = await asyncio.wait_for(sub.get(), timeout=min(keepalive_s, left))
            except TimeoutError:
                yield ": keepalive\n\n"
                continue
            yield sse_lines(event)
    finally:
        sub.close()
