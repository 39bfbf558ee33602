"""体检: ``petitionbot doctor``'s checks (config, workdir, credentials, browser, upstream,
templates, calendar, disk, mail, schedule), run on demand, each with what to do when it fails."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from petitionbot.console import ops
from petitionbot.console.web import ADMIN, NavItem, console_of, guard, page


@guard(ADMIN)
def doctor(request: Request) -> Response:
    console = console_of(request)
    checks = ops.doctor_checks(console.app, console.app.clock.today())
    bad = [c for c in checks if not c.ok]
    console.audit(request.state.user, "运行体检", detail=f"{len(checks)} 项，{len(bad)} 项未通过")
    return page(request, "doctor.html", title="体检", checks=checks, bad=len(bad),
                when=console.clock.now().strftime("%Y-%m-%d %H:%M"))


ROUTES = [Route("/doctor", doctor)]
NAV = [NavItem("体检", "/doctor", ADMIN, order=80)]
