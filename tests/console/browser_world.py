"""The world of the browser tests: the real simulator, a real SMTP catcher, a config like the
demo's, three console accounts, a real console server on a free port, and real Chromium (the
project's own launcher settings) at 1366×768.

Screenshots go to a temporary folder, or to ``docs/img/console`` when ``PETITIONBOT_SCREENSHOTS``
names it (that is how the pictures in docs/console.md are made)."""

from __future__ import annotations

import json
import math
import os
import re
import secrets
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from openpyxl import load_workbook
from PIL import Image
from playwright.sync_api import Browser, Page, expect, sync_playwright

from bots.kit.browser import find_chromium, launch_args
from core.clock import FixedClock
from flows.store.console import ConsoleStore
from petitionbot import config
from petitionbot.app import App
from petitionbot.commands.demo import demo_config, write_config
from petitionbot.console import passwords
from petitionbot.console.app import create_app
from petitionbot.mailcatcher import MailCatcher
from petitionbot.sim import start_simulator
from petitionbot.sim.generate import generate
from tests.console.serving import serve_app

ACCOUNTS = {"wangli": ("clerk", "王丽", "Wangli#2026-desk"), "zhaozr": ("leader", "赵主任", "Zhaozr#2026-desk"),
            "admin": ("admin", "系统管理员", "Admin#2026-desk!")}
RUN_WAIT_MS = 240_000  # a whole flow on a shared, loaded machine; the wait ends as soon as it ends


@dataclass
class BrowserWorld:
    base: str
    app: App
    sim: Any
    mail: MailCatcher
    browser: Browser
    shots: Path
    dataset: dict
    clock: FixedClock
    tmp: Path  # downloads land here

    def page(self, username: str) -> Page:
        context = self.browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN",
                                           accept_downloads=True)
        page = context.new_page()
        page.set_default_timeout(30_000)
        page.goto(f"{self.base}/login")
        page.fill("input[name=username]", username)
        page.fill("input[name=password]", ACCOUNTS[username][2])
        page.click("button[type=submit]")
        expect(page.locator("header.top .who")).to_contain_text(ACCOUNTS[username][1])
        return page

    def shot(self, page: Page, name: str, *, full: bool = True) -> Path:
        """A PNG of the page (the whole page, or what a 1366×768 screen shows), kept small."""
        path = self.shots / f"{name}.png"
        page.screenshot(path=str(path), full_page=full)
        with Image.open(path) as image:  # 256 colours: a page of text and flat fills loses nothing visible
            image.convert("RGB").quantize(256).save(path, optimize=True)
        return path

    def run_flow(self, page: Page, label: str, *, check: tuple[str, ...] = ()) -> None:
        """On 运行: tick the options, press the flow's button, and watch the run to its end."""
        self.clock.advance(minutes=7)  # the clerk's day goes on: each run starts at its own time
        page.goto(f"{self.base}/runs")
        form = page.locator("form.flow").filter(has=page.locator("h3", has_text=re.compile(f"^{label}$")))
        for option in check:
            form.get_by_label(option).check()
        form.get_by_role("button", name=f"运行{label}").click()
        expect(page.locator("#live-end")).to_be_visible(timeout=RUN_WAIT_MS)

    def ledger_rows(self, path: Path) -> dict[str, dict[str, Any]]:
        """The ledger read back with openpyxl: {ref: {header: value}} from its first table."""
        book = load_workbook(path, read_only=True, data_only=True)
        try:
            for ws in book.worksheets:
                rows = ws.iter_rows(values_only=True)
                for row in rows:
                    if row and "信访件编号" in row:
                        head = [str(h or "") for h in row]
                        out = {}
                        for values in rows:
                            record = dict(zip(head, values, strict=False))
                            if record.get("信访件编号"):
                                out[str(record["信访件编号"])] = record
                        return out
        finally:
            book.close()
        return {}


def caps_table(localities: list[str]) -> str:
    """Caps that put the busiest villages at about 40 %, 65 %, 85 %, 100 % and 150 % of theirs."""
    counts = Counter(localities).most_common(5)
    lines = ["[analysis.caps]"]
    for (loc, n), share in zip(counts, (1.5, 1.0, 0.85, 0.65, 0.4), strict=False):
        lines.append(f"{json.dumps(loc, ensure_ascii=False)} = {max(1, math.ceil(n / share))}")
    return "\n".join(lines) + "\n"


@contextmanager
def browser_world(tmp: Path) -> Iterator[BrowserWorld]:
    dataset = generate(count=30, seed=2026)
    user = dataset["units"][0]["users"][0]
    sim = start_simulator(dataset, port=0, admin_token=secrets.token_hex(8))
    mail = MailCatcher().__enter__()
    saved_env = {k: os.environ.get(k) for k in ("PETITIONBOT_UPSTREAM_PASSWORD",)}
    try:
        cfg = tmp / "petitionbot.toml"
        localities = [p["locality"] for p in dataset["petitions"] if isinstance(p.get("locality"), str)]
        # Every repeat the analysis finds is "suspected" here, so a clerk has one to confirm; the
        # office has set this year's caps of a few villages, so the 五色图 has every colour.
        write_config(cfg, url=sim.url, username=user["username"],
                     extra=demo_config(localities, mail.port) + "\n[analysis]\nrepeat_probability = 1.0\n"
                     + caps_table(localities))
        os.environ["PETITIONBOT_UPSTREAM_PASSWORD"] = user["password"]
        settings = config.load(cfg)
        last = max(date.fromisoformat(p["assigned_on"]) for p in dataset["petitions"]
                   if isinstance(p.get("assigned_on"), str) and re.fullmatch(r"\d{4}-\d\d-\d\d", p["assigned_on"]))
        clock = FixedClock(datetime(last.year, last.month, last.day, 9, 30))
        app = App(settings, clock=clock)
        cstore = ConsoleStore(app.store)
        for name, (role, shown, password) in ACCOUNTS.items():
            cstore.add_account(name, role=role, password_hash=passwords.hash_password(password), display_name=shown,
                               now=clock.now())
        web = create_app(app, clock=clock, secret=secrets.token_urlsafe(48))
        shots = Path(os.environ.get("PETITIONBOT_SCREENSHOTS") or (tmp / "shots"))
        shots.mkdir(parents=True, exist_ok=True)
        with serve_app(web) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=find_chromium(), args=launch_args(), headless=True)
            try:
                yield BrowserWorld(base, app, sim, mail, browser, shots, dataset, clock, tmp)
            finally:
                browser.close()
                runner = getattr(web.state.console, "_live", None)
                if runner is not None:
                    runner[1].wait(60)
                cstore.close()
    finally:
        mail.__exit__(None, None, None)
        sim.stop()
        for k, v in saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
