"""The live-progress bridge: a run's progress and masked log lines reach a real SSE client over a
real HTTP server; one run at a time, with its holder named; a graceful stop."""

from __future__ import annotations

import json
import threading

import httpx
import pytest
from loguru import logger
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route

from core.privacy import redactor
from petitionbot.console.live import EventBus, sse_stream
from petitionbot.console.running import Busy, Runner
from tests.console.serving import serve_app

ID_NUMBER = "330184199001011234"
PHONE = "13912345678"


def _stream_app(bus: EventBus) -> Starlette:
    async def stream(request: Request) -> StreamingResponse:
        after = int(request.headers.get("last-event-id") or 0)
        return StreamingResponse(sse_stream(bus, after), media_type="text/event-stream")
    return Starlette(routes=[Route("/stream", stream)])


def _read_events(url: str, wanted: int, out: list[dict], ready: threading.Event, headers: dict | None = None) -> None:
    with httpx.Client(timeout=30) as client, client.stream("GET", url, headers=headers or {}) as resp:
        ready.set()
        for line in resp.iter_lines():
            if line.startswith("data: "):
                out.append(json.loads(line[6:]))
                if len(out) >= wanted:
                    return


class Gate:
    """The stand-in flow: reports progress, logs personal data, and waits for the test's word
    (so the test decides when each step happens, without sleeping)."""

    def __init__(self) -> None:
        self.go = threading.Event()
        self.seen_stop = False

    def __call__(self, flow, options, progress, stop):
        progress.start(3, "取件")
        logger.info("取到信访件，信访人身份证号 {}，电话 {}", ID_NUMBER, PHONE)
        progress.advance()
        self.go.wait(30)
        self.seen_stop = stop.is_set()
        progress.advance(2)
        return type("R", (), {"id": "20261103-intake", "status": "stopped" if self.seen_stop else "ok", "message": ""})()


def test_progress_and_masked_log_lines_reach_a_real_sse_client(tmp_path):
    bus = EventBus()
    gate = Gate()
    runner = Runner(bus, gate, lock_path=tmp_path / "petitionbot.lock")
    with serve_app(_stream_app(bus)) as base:
        events: list[dict] = []
        ready = threading.Event()
        reader = threading.Thread(target=_read_events, args=(f"{base}/stream", 6, events, ready))
        reader.start()
        assert ready.wait(30)
        live = runner.start("intake", {"sign": True}, "wangli")
        gate.go.set()
        assert runner.wait(30)
        reader.join(30)
    kinds = [e["type"] for e in events]
    assert kinds == ["start", "progress", "log", "progress", "progress", "end"], kinds
    assert events[0]["user"] == "wangli" and events[0]["flow"] == "intake"
    assert events[1] == {**events[1], "label": "取件", "done": 0, "total": 3}
    assert events[-2]["done"] == 3 and events[-1]["status"] == "ok" and events[-1]["run"] == live.key
    line = events[2]["text"]
    assert ID_NUMBER not in line and PHONE not in line and "身份证号" in line
    assert line == redactor(f"取到信访件，信访人身份证号 {ID_NUMBER}，电话 {PHONE}")


def test_a_page_opened_mid_run_first_gets_what_it_missed(tmp_path):
    bus = EventBus()
    gate = Gate()
    runner = Runner(bus, gate, lock_path=tmp_path / "petitionbot.lock")
    runner.start("intake", {}, "wangli")
    with serve_app(_stream_app(bus)) as base:
        events: list[dict] = []
        ready = threading.Event()
        # Reconnecting after the first event: the browser sends Last-Event-ID and gets the rest.
        reader = threading.Thread(target=_read_events, args=(f"{base}/stream", 5, events, ready),
                                  kwargs={"headers": {"Last-Event-ID": "1"}})
        reader.start()
        assert ready.wait(30)
        gate.go.set()
        assert runner.wait(30)
        reader.join(30)
    assert [e["id"] for e in events] == [2, 3, 4, 5, 6]
    assert events[-1]["type"] == "end"


def test_one_run_at_a_time_names_the_holder_and_stops_gracefully(tmp_path):
    bus = EventBus()
    gate = Gate()
    runner = Runner(bus, gate, lock_path=tmp_path / "petitionbot.lock")
    runner.start("intake", {}, "wangli")
    with pytest.raises(Busy) as busy:
        runner.start("ledger", {}, "zhaomin")
    assert "intake" in str(busy.value) and "wangli" in str(busy.value)
    assert runner.holder().who == "wangli"
    assert runner.request_stop()
    gate.go.set()
    assert runner.wait(30)
    assert gate.seen_stop and runner.current.status == "stopped"
    assert runner.holder() is None
    assert [e["type"] for e in bus.since(0)][-2:] == ["progress", "end"]
    assert "stopping" in [e["type"] for e in bus.since(0)]


def test_the_lock_of_another_process_is_named_too(tmp_path):
    from petitionbot.lock import RunLock

    lock = RunLock(tmp_path / "petitionbot.lock")
    lock.acquire(flow="reminders", trigger="schedule")
    try:
        runner = Runner(EventBus(), Gate(), lock_path=tmp_path / "petitionbot.lock")
        with pytest.raises(Busy) as busy:
            runner.start("intake", {}, "wangli")
        assert busy.value.holder.flow == "reminders" and busy.value.holder.who.startswith("计划任务")
    finally:
        lock.release()
