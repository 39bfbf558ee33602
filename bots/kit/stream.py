"""From coroutines on the browser's loop to a plain iterator in the caller's thread.

Site-agnostic: a producer coroutine emits items (results, or an exception to raise in the
caller) into a bounded queue; the caller iterates; when the caller stops early the producer
is told to stop (``cancel``), finishes the item in hand, cleans up and is waited for, so no
browser context leaks. The bound keeps memory flat when the caller is slower than the
producer (attachments can be megabytes each).
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import queue
import threading
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

from bots.kit.browser import Browser

_END = object()
Emit = Callable[[Any], Awaitable[None]]


def stream(browser: Browser, produce: Callable[[Emit, threading.Event], Coroutine[Any, Any, None]], *,
           maxsize: int, drain_timeout_s: float) -> Iterator[Any]:
    """Iterate what ``produce(emit, cancel)`` emits; an emitted BaseException is raised here."""
    out: queue.Queue[Any] = queue.Queue(maxsize=max(1, maxsize))
    cancel = threading.Event()

    async def emit(item: Any) -> None:
        def put() -> None:
            while not cancel.is_set():
                try:
                    out.put(item, timeout=0.2)
                    return
                except queue.Full:
                    continue

        await asyncio.get_running_loop().run_in_executor(None, put)

    async def run() -> None:
        try:
            await produce(emit, cancel)
        except asyncio.CancelledError:
            return
        except BaseException as exc:  # noqa: BLE001 - handed to the caller's thread
            await emit(exc)
            return
        await emit(_END)

    fut = browser.submit(run())
    try:
        while True:
            item = out.get()
            if item is _END:
                return
            if isinstance(item, BaseException):
                raise item
            yield item
    finally:
        cancel.set()
        try:
            fut.result(timeout=drain_timeout_s)
        except concurrent.futures.TimeoutError:
            fut.cancel()
        except BaseException:  # noqa: BLE001 - already reported through the queue
            pass
