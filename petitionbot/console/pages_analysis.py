"""分析: what the analysis suggests and why (suspected repeats, repeats to supervise, category
suggestions, group alerts), the clerk's confirm or dismiss (kept; the next analysis run and the
next ledger sync take it up), the monthly report, the 五色图 and the trend charts."""

from __future__ import annotations

import json
import re
from typing import Any
from urllib.parse import quote

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from core.model import Petition
from petitionbot.console import actions, ops
from petitionbot.console.pages_runs import send_file, start_flow
from petitionbot.console.views import accuser_hidden, reasons_scrubber, shown_people, shown_title, text_scrubber
from petitionbot.console.web import ACT, VIEW, NavItem, console_of, error_page, guard, page

ALERT_ANSWERS = {"confirm": "确认预警", "dismiss": "排除"}
MESSAGES = {"repeat": "已记录。下次智能分析采纳这个确认，下次台账同步时台账的“重件确认”列会显示它。",
            "category": "已采纳分类。下次台账同步时写入台账，下次智能分析用于改进分类。",
            "alert": "已记录对这条预警的处理意见。排除的预警从下次智能分析起不再列入报给领导的督办建议与群体预警。"}
COLOUR_ORDER = ("红", "橙", "黄", "蓝", "绿", "无基准")


def _charts(view: ops.AnalysisView) -> dict[str, str]:
    t = view.trends
    months = list(t.by_month)
    monthly = {
        "title": {"text": "每月信访件数", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "grid": {"left": 40, "right": 16, "top": 40, "bottom": 30},
        "xAxis": {"type": "category", "data": months}, "yAxis": {"type": "value", "minInterval": 1},
        "series": [{"type": "line", "data": [t.by_month[m] for m in months], "label": {"show": True},
                    "itemStyle": {"color": "#17395e"}}],
    }
    cats = list(t.by_dim.get("category", {}).items())[:10]
    prev = t.by_dim_prev.get("category", {})
    by_category = {
        "title": {"text": f"{view.month} 按内容分类（与上月比）", "left": "center", "textStyle": {"fontSize": 14}},
        "tooltip": {"trigger": "axis"}, "legend": {"bottom": 0},
        "grid": {"left": 110, "right": 16, "top": 40, "bottom": 40},
        "xAxis": {"type": "value", "minInterval": 1},
        "yAxis": {"type": "category", "data": [c for c, _ in cats][::-1]},
        "series": [{"name": "本月", "type": "bar", "data": [n for _, n in cats][::-1], "itemStyle": {"color": "#17395e"}},
                   {"name": "上月", "type": "bar", "data": [prev.get(c, 0) for c, _ in cats][::-1],
                    "itemStyle": {"color": "#9fb3c8"}}],
    }
    return {"monthly": json.dumps(monthly, ensure_ascii=False), "category": json.dumps(by_category, ensure_ascii=False)}


@guard(VIEW)
def analysis(request: Request) -> Response:
    console = console_of(request)
    app = console.app
    user = request.state.user
    view = ops.analysis_view(app, app.clock.today())
    for group in (view.suspected, view.confident, view.supervise, view.suggestions):
        for row in group:
            row["title"] = shown_title(row["title"], user)
    for row in (*view.suspected, *view.confident):
        row["why"] = reasons_scrubber(row.pop("petitions"), user, console.settings.accuser_visible_to)(row["why"])
    caps = sorted(view.trends.caps, key=lambda c: (COLOUR_ORDER.index(c.colour) if c.colour in COLOUR_ORDER else 9,
                                                   -(c.share or 0), c.locality))
    counts = {c: sum(1 for x in caps if x.colour == c) for c in COLOUR_ORDER}
    return page(request, "analysis.html", title="分析", view=view, caps=caps, colour_counts=counts,
                charts=_charts(view), reports=[(n, f.name) for n, f in enumerate(view.reports)],
                message=MESSAGES.get(request.query_params.get("msg", ""), ""),
                repeat_answers=app.settings.ledger.repeat_answers)


@guard(ACT)
def answer_repeat(request: Request) -> Response:
    console = console_of(request)
    form = request.state.form
    ref, answer = form.get("ref") or "", form.get("answer") or ""
    # The ledger's own words (its 重件确认 drop-down), so the book and the next analysis read them.
    if not ref or answer not in console.app.settings.ledger.repeat_answers:
        return error_page(request, 400, "请求不完整。")
    actions.record_clerk_fields(console.app, ref, {"repeat_confirmed": answer})
    console.audit(request.state.user, "确认疑似重件", ref=ref, detail=answer)
    if form.get("back") == "compare":
        return RedirectResponse(f"/analysis/compare/{quote(ref)}?msg=repeat", status_code=303)
    return RedirectResponse("/analysis?msg=repeat#suspected", status_code=303)


@guard(VIEW)
def compare(request: Request) -> Response:
    """A 重件 or 疑似重件 beside the earlier petition it was matched with, so a clerk can read what
    tells two matters apart (the demand, what it is against, when it happened) before answering."""
    console = console_of(request)
    ref = request.path_params["ref"]
    data = console.cstore.petition_page(ref)
    row = (data or {}).get("analysis") or {}
    earlier = console.app.store.get(row["repeat_matched"]) if row.get("repeat_matched") else None
    if data is None or earlier is None or not row.get("repeat_tier"):
        return error_page(request, 404, f"信访件 {ref} 没有可对照的前件。")
    user = request.state.user
    later = data["petition"]
    sides = {k: _side(console, user, p) for k, p in (("later", later), ("earlier", earlier))}
    why = reasons_scrubber([later, earlier], user, console.settings.accuser_visible_to)(row.get("repeat_why"))
    return page(request, "compare.html", title=f"对照 {ref}", tier=row["repeat_tier"], why=why,
                answer=str(later.clerk.get("repeat_confirmed") or ""), repeat_answers=console.app.settings.ledger.repeat_answers,
                message=MESSAGES.get(request.query_params.get("msg", ""), ""), **sides)


def _side(console: Any, user: Any, p: Petition) -> dict[str, Any]:
    """One petition as this user may read it (as on its own page: masked, accusers hidden)."""
    allowed = console.settings.accuser_visible_to
    if user.sees_personal and not accuser_hidden(p, user, allowed) and p.petitioners:
        console.audit(user, "view_personal", ref=p.ref)
    scrub = text_scrubber(p, user, allowed)
    return {"ref": p.ref, "title": shown_title(p.title, user), "received_on": p.received_on, "form": p.form,
            "locality": p.locality, "people": shown_people(p, user, allowed), "content": scrub(p.content),
            "demand": scrub(p.demand)}


@guard(ACT)
def adopt_category(request: Request) -> Response:
    console = console_of(request)
    form = request.state.form
    ref, category = form.get("ref") or "", (form.get("category") or "").strip()
    if not ref or category not in actions.categories(console.app):
        return error_page(request, 400, "没有这个分类。")
    actions.record_clerk_fields(console.app, ref, {"category_confirmed": category})
    console.audit(request.state.user, "采纳分类建议", ref=ref, detail=category)
    return RedirectResponse("/analysis?msg=category#suggestions", status_code=303)


@guard(ACT)
def answer_alert(request: Request) -> Response:
    console = console_of(request)
    form = request.state.form
    alert_id, answer = form.get("alert") or "", form.get("answer") or ""
    if not alert_id or answer not in ALERT_ANSWERS:
        return error_page(request, 400, "请求不完整。")
    reason = (form.get("reason") or "").strip()[:200]
    user = request.state.user
    ops.answer_alert(console.app, alert_id, answer, reason=reason, username=user.display_name or user.username,
                     at=console.clock.now())
    console.audit(user, "处理群体预警", detail=f"{alert_id} {ALERT_ANSWERS[answer]}")
    return RedirectResponse("/analysis?msg=alert#alerts", status_code=303)


@guard(ACT)
def make_report(request: Request) -> Response:
    month = (request.state.form.get("month") or "").strip()
    if not re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", month):
        return error_page(request, 400, "月份格式不对，请用 YYYY-MM，例如 2026-11。")
    return start_flow(request, "report", {"month": month})


@guard(VIEW)
def report_file(request: Request) -> Response:
    files = ops.latest_reports(console_of(request).app)
    return send_file(request, files, "下载月度报告", "报告文件已不存在，请重新生成。")


ROUTES = [
    Route("/analysis", analysis),
    Route("/analysis/repeat", answer_repeat, methods=["POST"]),
    Route("/analysis/compare/{ref}", compare),
    Route("/analysis/category", adopt_category, methods=["POST"]),
    Route("/analysis/alert", answer_alert, methods=["POST"]),
    Route("/analysis/report", make_report, methods=["POST"]),
    Route("/analysis/report/{n:int}", report_file),
]
NAV = [NavItem("分析", "/analysis", VIEW, order=50)]
