"""超期清单与催办: today's overdue list (the rows of the generated file), its downloads, and the
outbox (sent, failed, waiting) with retry and send-now."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from petitionbot.console import ops
from petitionbot.console.pages_runs import send_file, start_flow
from petitionbot.console.web import ACT, VIEW, NavItem, console_of, guard, page

MESSAGES = {"retry": "已安排重试：下次催办运行（或点“立即发送”）时发送。", "gone": "这条消息已发送或不存在。"}


@guard(VIEW)
def overdue(request: Request) -> Response:
    console = console_of(request)
    app = console.app
    day = app.clock.today()
    listing = ops.overdue_list(app, day)
    user = request.state.user
    rows = ops.outbox(app) if user.role != "leader" else []
    return page(request, "overdue.html", title="超期清单与催办", listing=listing,
                files=[(n, f.name) for n, f in enumerate(listing.files)], outbox=rows,
                message=MESSAGES.get(request.query_params.get("msg", ""), ""))


@guard(VIEW)
def download(request: Request) -> Response:
    files = ops.latest_overdue_files(console_of(request).app)
    return send_file(request, files, "下载超期清单", "超期清单文件已不存在，请重新运行催办提醒。")


@guard(ACT)
def retry(request: Request) -> Response:
    console = console_of(request)
    try:
        message_id = int(request.state.form.get("id") or 0)
    except ValueError:
        message_id = 0
    done = ops.retry_message(console.app, message_id, console.app.clock.now())
    if done:
        console.audit(request.state.user, "催办消息重试", detail=str(message_id))
    return RedirectResponse(f"/overdue?msg={'retry' if done else 'gone'}", status_code=303)


@guard(ACT)
def send_now(request: Request) -> Response:
    """立即发送: the reminders run with ``now`` (not waiting for office hours), followed on 运行."""
    return start_flow(request, "reminders", {"now": True})


ROUTES = [
    Route("/overdue", overdue),
    Route("/overdue/file/{n:int}", download),
    Route("/overdue/retry", retry, methods=["POST"]),
    Route("/overdue/send", send_now, methods=["POST"]),
]
NAV = [NavItem("超期清单与催办", "/overdue", VIEW, order=30)]
