"""运行: a button per flow with its options, the live progress of the run in hand (SSE), who holds
the run lock, a graceful stop, and the run history with summaries, warnings, outputs and evidence.

A run started here is the same ``run_flow(app, name, **options)`` the CLI and the scheduler call
(through ``actions``), in a worker thread, with the live bus as its progress port and a stop
event the flows poll between items.
"""

from __future__ import annotations

import json
import mimetypes
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Route

from core.model import FLOW_ZH, RUN_STATUS_ZH, upstream_trouble_zh
from petitionbot.console import actions
from petitionbot.console.live import EventBus, Tee, sse_stream
from petitionbot.console.running import Busy, Runner
from petitionbot.console.views import run_reason
from petitionbot.console.web import ACT, ADMIN, VIEW, NavItem, console_of, current_user, error_page, guard, page


@dataclass(frozen=True)
class Option:
    name: str  # the keyword of run_flow
    label: str
    hint: str = ""
    kind: str = "check"  # check | month


@dataclass(frozen=True)
class FlowButton:
    flow: str
    label: str
    what: str
    options: tuple[Option, ...] = ()


FLOWS = (
    FlowButton("intake", "取件", "从上级系统取回新交办的信访件（含附件）",
               (Option("sign", "同时签收", "把待签收的件在上级系统里签收"),)),
    FlowButton("analysis", "智能分析", "分类建议、重复件、群体预警；采纳工作人员的确认"),
    FlowButton("ledger", "台账同步", "先读入台账里的手工修改，再写回台账",
               (Option("accept_walkins", "接收台账里新增的来访件", "台账里手工新增、没有编号的行登记为新件"),)),
    FlowButton("letters", "起草文书", "按模板起草受理告知书、交办单等",
               (Option("pdf", "同时生成 PDF", "用 LibreOffice 另存一份 PDF"),)),
    FlowButton("reminders", "催办提醒", "生成超期清单，向责任单位和领导发送提醒",
               (Option("dry_run", "演练（不发送）", "只列出将发给谁、发什么"),
                Option("now", "立即发送", "不等工作时间"))),
    FlowButton("report", "月度报告", "生成月度统计报告（Word 和 Excel）",
               (Option("month", "月份", "例如 2026-11，留空为上个月", kind="month"),)),
)
BY_FLOW = {f.flow: f for f in FLOWS}

_live_lock = threading.Lock()


def live_of(console: Any) -> tuple[EventBus, Runner]:
    """The console's live bus and runner, made on first use (one per console server)."""
    with _live_lock:
        found = getattr(console, "_live", None)
        if found is None:
            bus = EventBus()
            runner = Runner(bus, _launcher(console), lock_path=console.app.dirs.lock,
                            now=console.clock.now)
            found = console._live = (bus, runner)
        return found


def _launcher(console: Any) -> Any:
    def launch(flow: str, options: dict[str, Any], progress: Any, stop: threading.Event) -> Any:
        from petitionbot import progress as lines

        # The wiring's run_<flow> takes the run's own progress port and stop event.
        result = actions.run_flow(console.app, flow, progress=Tee(progress, lines.LineProgress()), stop=stop,
                                  **options)
        return getattr(result, "run", result)
    return launch


def _options(button: FlowButton, form: Any) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for opt in button.options:
        value = (form.get(opt.name) or "").strip()
        if opt.kind == "check":
            out[opt.name] = value == "1"
        elif value:
            out[opt.name] = value
    return out


def _history(console: Any, user: Any) -> list[dict[str, Any]]:
    names = {a["username"]: a["display_name"] or a["username"] for a in console.cstore.accounts()}
    starters = {}
    for row in console.cstore.audit_rows(limit=300):
        if row["action"] == "运行结束":
            run_id = row["detail"].split(" ")[0]
            starters[run_id] = names.get(row["username"], row["username"])
    rows = []
    for r in console.store.runs(limit=30):
        s = r.get("summary") or {}
        counts = s.get("counts") or {}
        rows.append({
            "id": r["id"], "flow_zh": FLOW_ZH.get(r["flow"], r["flow"]), "status": r["status"],
            "status_zh": RUN_STATUS_ZH.get(r["status"], r["status"]),
            "started": (r["started"] or "")[:16].replace("T", " "), "ended": (r["ended"] or "")[11:16],
            "who": starters.get(r["id"]) or {"schedule": "计划任务", "demo": "演示"}.get(r["trigger"], "命令行"),
            "reason": run_reason(r),
            "counts": [(k, counts.get(key)) for key, k in (("listed", "共"), ("new", "新增"), ("updated", "更新"),
                                                          ("unchanged", "未变"), ("failed", "失败")) if counts.get(key)],
            "trouble": upstream_trouble_zh(s),
            "warnings": s.get("warnings") or [],
            "outputs": [(n, Path(p).name) for n, p in enumerate(s.get("outputs") or [])],
            "evidence": [(n, Path(p).name) for n, p in enumerate(s.get("evidence") or [])] if user.role == "admin" else [],
        })
    return rows


@guard(VIEW)
def runs(request: Request) -> Response:
    console = console_of(request)
    _bus, runner = live_of(console)
    holder = runner.holder()
    live = runner.current if runner.current is not None and holder and holder.key == runner.current.key else None
    message = request.query_params.get("msg", "")
    return page(request, "runs.html", title="运行", flows=FLOWS, holder=holder, live=live,
                history=_history(console, request.state.user), message=MESSAGES.get(message, ""),
                flow_zh=FLOW_ZH, flow_zh_json=json.dumps(FLOW_ZH, ensure_ascii=False), after=(live.first_event - 1) if live else _bus.last_id)


MESSAGES = {"started": "已开始运行，进度见下方。", "stopping": "已请求停止：处理完当前一件后停止。",
            "idle": "现在没有正在运行的流程。"}


def start_flow(request: Request, flow: str, options: dict[str, Any]) -> Response:
    """Start ``flow`` for the logged-in clerk and show it on 运行 (or say who holds the lock)."""
    console = console_of(request)
    user = request.state.user
    _bus, runner = live_of(console)
    try:
        runner.start(flow, options, user.display_name or user.username,
                     on_end=lambda live: console.audit(user, "运行结束", detail=f"{live.run_id} {live.flow} {live.status}"))
    except Busy as busy:
        return error_page(request, 409, str(busy))
    console.audit(user, "启动运行", detail=f"{flow} {options}")
    return RedirectResponse("/runs?msg=started", status_code=303)


@guard(ACT)
def start(request: Request) -> Response:
    button = BY_FLOW.get(request.state.form.get("flow") or "")
    if button is None:
        return error_page(request, 400, "没有这个流程。")
    return start_flow(request, button.flow, _options(button, request.state.form))


@guard(ACT)
def stop(request: Request) -> Response:
    console = console_of(request)
    _bus, runner = live_of(console)
    stopped = runner.request_stop()
    if stopped:
        console.audit(request.state.user, "请求停止运行", detail=runner.current.flow if runner.current else "")
    return RedirectResponse(f"/runs?msg={'stopping' if stopped else 'idle'}", status_code=303)


async def events(request: Request) -> Response:
    """The live stream (SSE). Async (it lives as long as the page), so it checks the session itself."""
    user, _why = await run_in_threadpool(current_user, request)
    if user is None or user.role not in VIEW:
        return Response("请先登录", status_code=401, media_type="text/plain; charset=utf-8")
    bus, _runner = live_of(console_of(request))
    try:
        after = int(request.headers.get("last-event-id") or request.query_params.get("after") or 0)
    except ValueError:
        after = 0
    return StreamingResponse(sse_stream(bus, after), media_type="text/event-stream",
                             headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"})


events.guarded_roles = VIEW  # type: ignore[attr-defined]  # checked inside: the route audit reads it


def send_file(request: Request, files: list[Path], action: str, missing: str) -> Response:
    """The ``n``-th (path parameter) of ``files`` as a download, audited; ``missing`` when it is gone."""
    n = request.path_params["n"]
    if n >= len(files) or not files[n].is_file():
        return error_page(request, 404, missing)
    path = files[n]
    console_of(request).audit(request.state.user, action, detail=path.name)
    return FileResponse(path, media_type=mimetypes.guess_type(path.name)[0] or "application/octet-stream",
                        filename=path.name)


def _run_file(request: Request, kind: str) -> Response:
    console = console_of(request)
    run_id = request.path_params["run_id"]
    n = request.path_params["n"]
    row = next((r for r in console.store.runs(limit=500) if r["id"] == run_id), None)
    files = ((row or {}).get("summary") or {}).get(kind) or []
    if n >= len(files):
        return error_page(request, 404, "没有这个文件。")
    path = Path(files[n]).resolve()
    workdir = console.app.workdir.resolve()
    # Only what the run wrote inside the workdir: a summary is data, not a licence to read the disk.
    if workdir not in path.parents or not path.is_file():
        return error_page(request, 404, "文件已不存在（可能已被清理）。")
    console.audit(request.state.user, "下载运行输出" if kind == "outputs" else "下载失败现场", detail=f"{run_id} {path.name}")
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    return FileResponse(path, media_type=media, filename=path.name)


@guard(ACT)
def output(request: Request) -> Response:
    return _run_file(request, "outputs")


@guard(ADMIN)
def evidence(request: Request) -> Response:
    return _run_file(request, "evidence")


ROUTES = [
    Route("/runs", runs),
    Route("/runs/start", start, methods=["POST"]),
    Route("/runs/stop", stop, methods=["POST"]),
    Route("/runs/events", events),
    Route("/runs/{run_id}/output/{n:int}", output),
    Route("/runs/{run_id}/evidence/{n:int}", evidence),
]
NAV = [NavItem("运行", "/runs", VIEW, order=40)]
