"""Console live progress: how long a flow's progress event takes to reach a browser over SSE.

Target: a progress event reaches an SSE client within 1 s. A real uvicorn server streams the
console's bus (``petitionbot.console.live``); ``--clients`` real HTTP clients (httpx, one thread
each) hold the stream open while a worker thread reports progress through the same Progress
adapter and log sink a console run uses, ``--events`` times at ``--rate`` per second. The
latency of each event is its arrival time at a client minus its publication time (one process,
one monotonic clock). Usage: python bench/console_sse.py [--clients 10] [--events 300] [--rate 50]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

TARGET_S = 1.0


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--clients", type=int, default=10)
    ap.add_argument("--events", type=int, default=300)
    ap.add_argument("--rate", type=float, default=50.0, help="progress events per second")
    args = ap.parse_args()

    import httpx
    from loguru import logger
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import StreamingResponse
    from starlette.routing import Route

    from petitionbot.console.live import BusProgress, EventBus, add_log_sink, sse_stream
    from tests.console.serving import serve_app

    class TimedBus(EventBus):
        def publish(self, kind, **data):  # noqa: ANN001, ANN202 - the publication time rides along
            return super().publish(kind, t=time.perf_counter(), **data)

    bus = TimedBus(backlog=10)

    async def stream(request: Request) -> StreamingResponse:
        return StreamingResponse(sse_stream(bus, bus.last_id), media_type="text/event-stream")

    logger.remove()
    latencies: list[list[float]] = [[] for _ in range(args.clients)]
    connected = threading.Barrier(args.clients + 1)
    total = args.events + 1  # the start event and every progress event (log lines come too)

    def client(i: int, base: str) -> None:
        with httpx.Client(timeout=60) as http, http.stream("GET", f"{base}/stream") as resp:
            connected.wait()
            for line in resp.iter_lines():
                if not line.startswith("data: "):
                    continue
                event = json.loads(line[6:])
                if event["type"] == "progress":
                    latencies[i].append(time.perf_counter() - event["t"])
                    if event["done"] >= args.events:
                        return

    with serve_app(Starlette(routes=[Route("/stream", stream)])) as base:
        threads = [threading.Thread(target=client, args=(i, base)) for i in range(args.clients)]
        for t in threads:
            t.start()
        connected.wait()
        sink = add_log_sink(bus, "bench")
        progress = BusProgress(bus, "bench", steps=args.events)
        gap = 1.0 / args.rate
        t0 = time.perf_counter()
        progress.start(args.events, "取件")
        for n in range(args.events):
            threading.Event().wait(max(0.0, t0 + (n + 1) * gap - time.perf_counter()))  # the flow's pace
            progress.advance()
            if n % 10 == 0:
                logger.info("取到第 {} 件，信访人电话 13912345678", n)
        logger.remove(sink)
        for t in threads:
            t.join(60)

    flat = sorted(x for per in latencies for x in per)
    received = len(flat)
    p50 = statistics.median(flat)
    p95 = flat[int(0.95 * (len(flat) - 1))]
    worst = flat[-1]
    print(f"SSE progress latency, {args.clients} clients, {args.events} events at {args.rate:g}/s "
          f"(+ a masked log line every 10): {received} deliveries of {args.clients * (total)} expected")
    print(f"  p50 {p50 * 1000:.1f} ms  p95 {p95 * 1000:.1f} ms  max {worst * 1000:.1f} ms")
    print(f"  target {TARGET_S * 1000:.0f} ms: p95/target = {p95 / TARGET_S:.3f}, max/target = {worst / TARGET_S:.3f}")
    return 0 if worst <= TARGET_S else 1


if __name__ == "__main__":
    sys.exit(main())
