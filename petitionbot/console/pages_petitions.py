"""信访件: the filtered, paginated list; a petition's page; the clerk's actions on it."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Any

from starlette.requests import Request
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.routing import Route

from core.errors import ConfigError
from flows.deadlines.status import STEP_LABELS
from flows.store.console import ListQuery
from petitionbot.console import actions, index
from petitionbot.console.views import (
    DEADLINE_ZH,
    REPEAT_ZH,
    SOURCE_ZH,
    accuser_hidden,
    reasons_scrubber,
    shown_people,
    shown_title,
    text_scrubber,
)
from petitionbot.console.web import ACT, VIEW, NavItem, console_of, error_page, form_value, guard, page

FILTERS = ("status", "deadline", "unit", "category", "source", "repeat", "from", "to", "new")
UNASSIGNED = "-"  # the unit filter's value for petitions without a responsible unit
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SEARCH_MAX = 100


def _query(request: Request, console: Any, engine: Any) -> tuple[ListQuery, dict[str, str], int]:
    params = {k: request.query_params.get(k, "").strip()[:100] for k in FILTERS}
    for k in ("from", "to"):
        if params[k] and not _DATE.match(params[k]):
            params[k] = ""
    if params["deadline"] not in DEADLINE_ZH:
        params["deadline"] = ""
    if params["repeat"] not in REPEAT_ZH:
        params["repeat"] = ""
    try:
        page_no = max(1, min(100_000, int(request.query_params.get("page", "1"))))
    except ValueError:
        page_no = 1
    now = console.clock.now()
    today = now.date()
    size = console.settings.page_size
    q = ListQuery(status=params["status"], deadline=params["deadline"], category=params["category"],
                  source=params["source"], repeat=params["repeat"], date_from=params["from"], date_to=params["to"],
                  # The search text is personal more often than not (a name, a phone): it travels in
                  # the session, never in a URL (see search()).
                  text=str(request.session.get("q") or ""), offset=(page_no - 1) * size, limit=size,
                  today=today.isoformat(), due_soon_until=index.due_soon_until(engine, today).isoformat())
    user = request.state.user
    q.people = user.sees_personal
    q.accusers = user.sees_personal and user.role in console.settings.accuser_visible_to
    if params["unit"]:
        q.unit = "" if params["unit"] == UNASSIGNED else params["unit"]
        q.unit_set = True
    if params["new"]:
        q.since = index.new_since(now, console.settings.new_since_hour).isoformat(timespec="seconds")
    return q, params, page_no


@guard(VIEW)
def petitions(request: Request) -> Response:
    console = console_of(request)
    engine = actions.deadline_engine(console.app)
    index.refresh(console.cstore, console.app.settings.deadlines, engine=engine)
    q, params, page_no = _query(request, console, engine)
    rows, total = console.cstore.list_petitions(q)
    user = request.state.user
    today = q.today
    for r in rows:
        r["title"] = shown_title(r["title"], user)
        r["deadline"] = _deadline_of(r, today, q.due_soon_until)
        r["deadline_zh"] = DEADLINE_ZH.get(r["deadline"], "")
        r["source_zh"] = SOURCE_ZH.get(r["source"], r["source"])
        r["due_step_zh"] = STEP_LABELS.get(r["due_step"], "") if not r["all_done"] else ""
    pages = max(1, -(-total // q.limit))
    keep = {k: v for k, v in params.items() if v}
    return page(request, "petitions.html", title="信访件", rows=rows, total=total, page_no=page_no, pages=pages,
                params=params, keep=keep, q_text=q.text, choices=console.choices(),
                deadline_zh=DEADLINE_ZH, repeat_zh=REPEAT_ZH, source_zh=SOURCE_ZH, unassigned=UNASSIGNED)


def _deadline_of(r: dict[str, Any], today: str, due_soon_until: str) -> str:
    if r["all_done"]:
        return "closed_late" if r["closed_late"] else "closed"
    if not r["due_date"]:
        return ""
    if r["due_date"] < today:
        return "overdue"
    return "due_soon" if r["due_date"] <= due_soon_until else "on_track"


@guard(VIEW)
def search(request: Request) -> Response:
    """Keep the search text in the session (it may be a name or a number) and show the list."""
    text = form_value(request, "q")[:SEARCH_MAX]
    if text:
        request.session["q"] = text
    else:
        request.session.pop("q", None)
    keep = "&".join(f"{k}={v}" for k, v in request.query_params.items() if k in FILTERS)
    return RedirectResponse("/petitions" + (f"?{keep}" if keep else ""), status_code=303)


@guard(VIEW)
def petition(request: Request) -> Response:
    console = console_of(request)
    ref = request.path_params["ref"]
    data = console.cstore.petition_page(ref)
    if data is None:
        return error_page(request, 404, f"没有找到信访件 {ref}。")
    user = request.state.user
    p = data["petition"]
    allowed = console.settings.accuser_visible_to
    people = shown_people(p, user, allowed)
    hidden = accuser_hidden(p, user, allowed)
    if user.sees_personal and not hidden and p.petitioners:
        console.audit(user, "view_personal", ref=p.ref)
    scrub = text_scrubber(p, user, allowed)
    today = console.clock.today()
    app = console.app
    fields = actions.deadline_fields(app, p, today)
    history = [_history_row(h, scrub) for h in data["history"]]
    letters = []
    for letter in data["letters"]:
        path = Path(app.workdir) / letter["path"]
        letters.append({**letter, "name": Path(letter["path"]).name, "pdf": path.with_suffix(".pdf").exists()})
    analysis = data["analysis"]
    if analysis:
        analysis["category_why"] = scrub(analysis.get("category_why") or "")
        matched = app.store.get(analysis["repeat_matched"]) if analysis.get("repeat_matched") else None
        reasons = reasons_scrubber([p, *([matched] if matched else [])], user, allowed)
        for k in ("repeat_why", "supervise_why"):
            analysis[k] = reasons(analysis.get(k))
    return page(request, "petition.html", title=f"信访件 {p.ref}", p=p, people=people, accuser_hidden=hidden,
                content=scrub(p.content), demand=scrub(p.demand), title_shown=shown_title(p.title, user),
                clerk={k: scrub(str(v)) if isinstance(v, str) else v for k, v in p.clerk.items()},
                deadline=fields, explanation=actions.deadline_explanation(app, p, today), history=history,
                letters=letters, analysis=analysis, source_zh=SOURCE_ZH.get(p.source, p.source),
                decisions=app.settings.ledger.decisions, repeat_answers=app.settings.ledger.repeat_answers,
                categories=actions.categories(app), units=console.choices()["unit"],
                saved=request.query_params.get("saved", ""), today=today)


def _history_row(h: dict[str, Any], scrub: Any) -> dict[str, Any]:
    from petitionbot.console.views import FIELD_ZH, HISTORY_SOURCE_ZH

    def text(v: Any) -> str:
        if v is None:
            return ""
        return scrub(v if isinstance(v, str) else str(v))

    return {"at": (h["at"] or "").replace("T", " "), "source": HISTORY_SOURCE_ZH.get(h["source"], h["source"]),
            "field": FIELD_ZH.get(h["field"], h["field"]), "old": text(h["old"]), "new": text(h["new"]),
            "created": h["field"] == "created"}


@guard(ACT)
def edit(request: Request) -> Response:
    """One of the clerk's actions; saved as clerk fields, the ledger's own fields."""
    console = console_of(request)
    ref = request.path_params["ref"]
    app = console.app
    action = form_value(request, "action")
    ledger = app.settings.ledger
    values: dict[str, Any]
    if action == "unit":
        values = {"responsible_unit": form_value(request, "unit")[:100]}
    elif action == "category":
        category = form_value(request, "category")
        known = actions.categories(app)
        if known and category not in known:
            return error_page(request, 400, "请从列表中选择一个内容分类。")
        values = {"category_confirmed": category}
    elif action == "repeat":
        answer = form_value(request, "answer")
        if answer not in ledger.repeat_answers:
            return error_page(request, 400, "请选择“是重件”或“不是重件”。")
        values = {"repeat_confirmed": answer}
    elif action == "decision":
        decision = form_value(request, "decision")
        reason = form_value(request, "reason")[:2000]
        if decision not in ledger.decisions:
            return error_page(request, 400, "请选择受理情况。")
        if decision != ledger.decisions[0] and not reason:
            return error_page(request, 400, f"{decision}必须写明理由。")
        values = {"decision": decision, "decision_reason": reason}
        accepted = form_value(request, "accepted_on")
        if accepted:
            try:
                values["accepted_on"] = date.fromisoformat(accepted).isoformat()
            except ValueError:
                return error_page(request, 400, "受理日期格式不对，请用日期选择框选择。")
    else:
        return error_page(request, 400, "未知的操作。")
    try:
        outcome = actions.record_clerk_fields(app, ref, values)
    except ConfigError as exc:
        return error_page(request, 404, str(exc))
    if outcome.changed:
        index.reindex(console.cstore, [ref], actions.deadline_engine(app))
        console.audit(request.state.user, "edit", ref=ref,
                      detail="、".join(_field_zh(k) for k, _o, _n in outcome.changed))
    return RedirectResponse(f"/petitions/{ref}?saved={action}#actions", status_code=303)


def _field_zh(key: str) -> str:
    from petitionbot.console.views import FIELD_ZH

    return FIELD_ZH.get(key, key)


@guard(VIEW)
def attachment(request: Request) -> Response:
    console = console_of(request)
    ref = request.path_params["ref"]
    p = console.store.get(ref)
    user = request.state.user
    if p is None:
        return error_page(request, 404, f"没有找到信访件 {ref}。")
    if not user.sees_personal or accuser_hidden(p, user, console.settings.accuser_visible_to):
        return error_page(request, 403, "附件含信访人个人信息，您的角色无权下载。")
    try:
        a = p.attachments[int(request.path_params["n"])]
    except (ValueError, IndexError):
        return error_page(request, 404, "没有这个附件。")
    path = _inside(console.app.workdir, a.path)
    if path is None:
        return error_page(request, 404, f"附件“{a.name}”尚未下载到本机{('：' + a.missing) if a.missing else ''}。")
    console.audit(user, "download_attachment", ref=ref, detail=a.name)
    return _download(path, a.name)


@guard(VIEW)
def letter(request: Request) -> Response:
    console = console_of(request)
    row = console.cstore.letter(int(request.path_params["id"]))
    if row is None:
        return error_page(request, 404, "没有这份文书。")
    user = request.state.user
    p = console.store.get(row["ref"]) if row["ref"] else None
    if not user.sees_personal or (p is not None and accuser_hidden(p, user, console.settings.accuser_visible_to)):
        return error_page(request, 403, "文书含信访人个人信息，您的角色无权下载。")
    path = _inside(console.app.workdir, row["path"])
    if path is not None and request.path_params["ext"] == "pdf":
        path = path.with_suffix(".pdf") if path.with_suffix(".pdf").exists() else None
    if path is None:
        return error_page(request, 404, "文书文件不在工作目录中（可能已被移走），请重新运行文书流程。")
    console.audit(user, "download_letter", ref=row["ref"] or "", detail=path.name)
    return _download(path, path.name)


def _inside(workdir: Path, rel: str) -> Path | None:
    """The file ``rel`` under the workdir, or None when missing or pointing outside it."""
    if not rel:
        return None
    root = Path(workdir).resolve()
    path = (root / rel).resolve()
    if root not in path.parents or not path.is_file():
        return None
    return path


def _download(path: Path, name: str) -> Response:
    # Always a download, never shown in the console's own origin: an upstream attachment can be
    # HTML or SVG with script in it.
    response = FileResponse(path, media_type="application/octet-stream", filename=name)
    response.headers["content-security-policy"] = "sandbox; default-src 'none'"
    return response


ROUTES = [
    Route("/petitions", petitions),
    Route("/petitions/search", search, methods=["POST"]),
    Route("/petitions/{ref}", petition),
    Route("/petitions/{ref}/edit", edit, methods=["POST"]),
    Route("/petitions/{ref}/attachments/{n:int}", attachment),
    Route("/letters/{id:int}.{ext:str}", letter),
]
NAV = [NavItem("信访件", "/petitions", VIEW, order=20)]
