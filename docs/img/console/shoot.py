"""Screenshots of the console for docs/console.md, taken in real Chromium at 1366x768.

    .venv/bin/python docs/img/console/shoot.py

A workdir of 160 simulator petitions (no hostile values) as of 2026-11-20, older items closed by
the clerks, the real analysis run over them (repeats, group alerts), two runs in the history, and
one account per role; then the console under uvicorn and Chromium logging in as each role.
"""

from __future__ import annotations

import random
import socket
import sys
import tempfile
import threading
from datetime import date, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))
OUT = Path(__file__).resolve().parent
TODAY = date(2026, 11, 20)
PASSWORDS = {"zhangli": ("clerk", "张丽", "Zhangli#2026-demo"), "wangzr": ("leader", "王主任", "Wangzr#2026-demo"),
             "admin": ("admin", "系统管理员", "Admin#2026-demo-pw")}


def build(tmp: Path):
    from core.clock import FixedClock
    from core.model import petition_from_dict
    from flows.store.console import ConsoleStore
    from petitionbot import config
    from petitionbot.app import App
    from petitionbot.console import actions, passwords
    from petitionbot.sim.generate import generate

    cfg = tmp / "petitionbot.toml"
    cfg.write_text(f'office = "余杭街道信访办"\n[storage]\nworkdir = "{(tmp / "work").as_posix()}"\n', encoding="utf-8")
    clock = FixedClock(datetime(2026, 11, 20, 9, 12))
    app = App(config.load(cfg), clock=clock)
    rnd = random.Random(5)
    for d in generate(160, 7, hostile_share=0, today=TODAY - timedelta(days=1))["petitions"]:
        p = petition_from_dict({**d, "attachments": []})
        p.responsible_unit = p.locality if rnd.random() < 0.9 else ""
        if (TODAY - p.received_on).days > 40 and rnd.random() < 0.8:
            p.clerk = {"decision": "受理", "accepted_on": (p.received_on + timedelta(days=3)).isoformat(),
                       "handling_status": "已办结", "closed_on": (p.received_on + timedelta(days=25)).isoformat()}
        elif (TODAY - p.received_on).days > 4 and rnd.random() < 0.7:
            p.clerk = {"decision": "受理", "accepted_on": (p.received_on + timedelta(days=2)).isoformat(),
                       "handling_status": "办理中"}
        # The nightly intake took each in the night after its assignment.
        seen = min(p.assigned_on + timedelta(days=1), date(2026, 11, 20))
        app.store.insert(p, run_id=None, source="district", at=datetime(seen.year, seen.month, seen.day, 2, 1))
    actions.run_flow(app, "analysis")
    app.store.record_run("20261120-020000-intake", flow="intake", trigger="schedule", started="2026-11-20T02:00:03",
                         ended="2026-11-20T02:03:41", status="ok",
                         summary={"status": "ok", "counts": {"listed": 160, "new": 6, "updated": 2}})
    app.store.record_run("20261120-083000-reminders", flow="reminders", trigger="schedule",
                         started="2026-11-20T08:30:00", ended="2026-11-20T08:30:09", status="failed",
                         summary={"status": "failed", "message": "邮件服务器 smtp.yh.gov.cn 拒绝登录（535 认证失败），"
                                                                 "12 条催办消息已留在发件箱，下次运行重发"})
    cstore = ConsoleStore(app.store)
    for name, (role, display, pw) in PASSWORDS.items():
        cstore.add_account(name, role=role, password_hash=passwords.hash_password(pw), display_name=display,
                           now=clock.now())
    return app, clock


def main() -> None:
    import uvicorn
    from playwright.sync_api import sync_playwright

    from bots.kit.browser import find_chromium
    from petitionbot.console.app import create_app
    from petitionbot.console.server import uvicorn_config

    with tempfile.TemporaryDirectory() as tmp:
        app, clock = build(Path(tmp))
        web = create_app(app, clock=clock, secret="docs-" + "s" * 43)
        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        base = f"http://127.0.0.1:{sock.getsockname()[1]}"
        server = uvicorn.Server(uvicorn_config(web, app.settings, "127.0.0.1", 0))
        threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True).start()
        ready = threading.Event()
        while not server.started:
            ready.wait(0.05)
        repeat = next((r["ref"] for r in web.state.console.cstore.list_petitions(_q("suspected"))[0]), None)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium())

            def session(user: str):
                page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
                page.goto(base + "/login")
                page.fill("input[name=username]", user)
                page.fill("input[name=password]", PASSWORDS[user][2])
                if user == "zhangli":
                    page.screenshot(path=str(OUT / "login.png"))
                page.click("button[type=submit]")
                page.wait_for_url(base + "/")
                return page

            page = session("zhangli")
            page.screenshot(path=str(OUT / "today-clerk.png"))
            page.goto(base + "/petitions?deadline=overdue")
            page.screenshot(path=str(OUT / "petitions-overdue.png"))
            ref = repeat or page.locator("table.list a").first.inner_text()
            page.goto(f"{base}/petitions/{ref}")
            page.screenshot(path=str(OUT / "petition-clerk.png"), full_page=True)
            page.goto(f"{base}/analysis/compare/{ref}")
            page.screenshot(path=str(OUT / "compare.png"), full_page=True)
            page.goto(f"{base}/analysis")
            page.locator("#confident").screenshot(path=str(OUT / "analysis-confident.png"))
            leader = session("wangzr")
            leader.goto(f"{base}/petitions/{ref}")
            leader.screenshot(path=str(OUT / "petition-leader.png"))
            leader.goto(f"{base}/analysis/compare/{ref}")
            leader.screenshot(path=str(OUT / "compare-leader.png"), full_page=True)
            admin = session("admin")
            admin.goto(base + "/admin")
            admin.screenshot(path=str(OUT / "admin.png"))
            browser.close()
        server.should_exit = True
    print("screenshots in", OUT)


def _q(repeat: str):
    from flows.store.console import ListQuery

    return ListQuery(repeat=repeat, limit=5, today=TODAY.isoformat(), due_soon_until=TODAY.isoformat())


if __name__ == "__main__":
    main()
