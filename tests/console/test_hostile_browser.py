"""The hostile corpus in a real Chromium page: every string renders literally, no script runs (no
dialog), nothing is fetched from another host, and the CSP reports no violation a page needed."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import sync_playwright

from bots.kit.browser import find_chromium
from core.model import Petitioner
from tests.console.conftest import PASSWORD, World, start_world
from tests.survival.test_no_formulas import _corpus

HTML = ["<img src=http://evil.invalid/x.png onerror=alert(1)>", "\"><svg onload=alert(2)>",
        "</textarea><script>alert(3)</script>", "<style>body{background:url(http://evil.invalid/s)}</style>",
        "<link rel=stylesheet href=http://evil.invalid/a.css>", "javascript:alert(4)",
        "<a href=\"http://evil.invalid/\">点我</a>", "{{ 7*7 }}<!--", "]]><![CDATA[<script>alert(5)</script>"]


def hostile(app) -> None:
    petitions = _corpus()
    for n, s in enumerate(HTML):
        p = petitions[n]
        p.ref, p.title, p.content, p.demand, p.locality = f"HTML{n:02d}", s, s, s, s
        p.petitioners = [Petitioner(name=s[:30], id_number="330110198001010018", phone=s[:20], address=s)]
        p.clerk = {"remarks": s, "decision_reason": s, "decision": "不予受理"}
        p.responsible_unit = s
    for p in petitions:
        app.store.insert(p, run_id=None, source="upstream")


@pytest.fixture
def hostile_world(tmp_path: Path) -> Iterator[World]:
    yield from start_world(tmp_path, petitions=hostile)


def test_the_hostile_corpus_renders_literally_in_chromium(hostile_world: World) -> None:
    world = hostile_world
    refs = sorted(world.app.store.refs())
    dialogs: list[str] = []
    foreign: list[str] = []
    errors: list[str] = []
    host = urlsplit(world.base).netloc
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=find_chromium())
        page = browser.new_page(viewport={"width": 1366, "height": 768})
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        page.on("request", lambda r: foreign.append(r.url) if urlsplit(r.url).netloc not in (host, "") and
                not r.url.startswith("data:") else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.goto(world.base + "/login")
        page.fill("input[name=username]", "xinfang")
        page.fill("input[name=password]", PASSWORD["xinfang"])
        page.click("button[type=submit]")
        page.wait_for_url(world.base + "/")
        for path in ("/", "/petitions", "/petitions?page=2", *(f"/petitions/{ref}" for ref in refs)):
            page.goto(world.base + path)
            if path.startswith("/petitions/HTML"):
                s = HTML[int(path[-2:])]
                assert page.locator("h1.ptitle").inner_text() == s.strip(), path
                assert s.strip() in page.locator(".text").first.inner_text()
        # a hostile search, through the form as a clerk types it
        page.goto(world.base + "/petitions")
        page.fill("input[name=q]", HTML[0])
        page.click("form.search button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("input[name=q]").input_value() == HTML[0]
        assert "HTML00" in page.locator("table.list").inner_text()
        browser.close()
    assert dialogs == [] and foreign == [] and errors == []
