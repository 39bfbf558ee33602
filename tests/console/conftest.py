"""A real console: uvicorn on a free loopback port over a temporary workdir, a fixed clock,
three accounts (one per role) and a handful of petitions, one of them an accusation."""

from __future__ import annotations

import contextlib
import re
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from loguru import logger

from core.clock import FixedClock
from core.model import Attachment, Petitioner
from flows.store.console import ConsoleStore
from petitionbot import config
from petitionbot.app import App
from petitionbot.console import passwords
from petitionbot.console.app import create_app
from petitionbot.console.server import uvicorn_config
from tests.factories import make_petition, make_petitioner

PASSWORD = {"guanli": "Guanli#2026-console", "xinfang": "Xinfang#2026-console", "lingdao": "Lingdao#2026-console"}
ROLES = {"guanli": "admin", "xinfang": "clerk", "lingdao": "leader"}
ACCUSER = make_petitioner(name="赵检举", id_number="330110197505050011", phone="13811112222")
TODAY = date(2026, 11, 20)


@dataclass
class World:
    base: str
    app: App
    web: Any
    clock: FixedClock
    log: list[str]
    workdir: Path

    @property
    def console(self) -> Any:
        return self.web.state.console

    def client(self) -> httpx.Client:
        return httpx.Client(base_url=self.base, follow_redirects=False, timeout=30)

    def login(self, username: str, password: str | None = None) -> contextlib.closing[httpx.Client]:
        """A client logged in as ``username``, closed at the end of the ``with`` block."""
        c = self.client()
        r = c.post("/login", data={"username": username, "password": password or PASSWORD[username],
                                   "csrf_token": csrf_of(c.get("/login").text)})
        assert r.status_code == 303, r.text
        return contextlib.closing(c)


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF token on the page"
    return m.group(1)


def write_config(tmp: Path, extra: str = "") -> Path:
    path = tmp / "petitionbot.toml"
    path.write_text(f'[storage]\nworkdir = "{(tmp / "work").as_posix()}"\n{extra}', encoding="utf-8")
    return path


def seed(app: App) -> None:
    store = app.store
    att = app.workdir / "attachments" / "YH2026110001" / "现场照片.jpg"
    att.parent.mkdir(parents=True, exist_ok=True)
    att.write_bytes(b"\xff\xd8\xff-photo")
    store.insert(make_petition("YH2026110001", responsible_unit="永福村", attachments=[
        Attachment(name="现场照片.jpg", media_type="image/jpeg", size=10,
                   path="attachments/YH2026110001/现场照片.jpg")]), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110002", title="检举某村干部侵占集体资金", purpose="检举控告",
                               petitioners=[ACCUSER], responsible_unit="纪检办",
                               content="赵检举反映：村干部侵占集体资金，联系电话13811112222。"), run_id=None, source="upstream")
    store.insert(make_petition("YH2026100003", received_on=date(2026, 10, 8), assigned_on=date(2026, 10, 9),
                               title="反映小区噪音扰民", responsible_unit="永福村",
                               petitioners=[Petitioner(name="钱多多", id_number="330110199001010013",
                                                       phone="13900001111")]), run_id=None, source="upstream")


@pytest.fixture
def world(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[World]:
    yield from start_world(tmp_path, getattr(request, "param", ""))


def start_world(tmp_path: Path, extra_config: str = "", petitions: Any = seed) -> Iterator[World]:
    settings = config.load(write_config(tmp_path, extra_config))
    clock = FixedClock(datetime(2026, 11, 20, 9, 0))
    app = App(settings, clock=clock)
    petitions(app)
    cstore = ConsoleStore(app.store)
    for name, role in ROLES.items():
        cstore.add_account(name, role=role, password_hash=passwords.hash_password(PASSWORD[name]),
                           display_name=name, now=clock.now())
    web = create_app(app, clock=clock, secret="test-secret-" + "x" * 40)
    lines: list[str] = []
    sink = logger.add(lambda m: lines.append(str(m)), level="DEBUG", format="{message}")
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # The production server settings (uvicorn's own access log off, ours on), on a free port.
    server = uvicorn.Server(uvicorn_config(web, settings, "127.0.0.1", port))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    waiter = threading.Event()
    while not server.started and thread.is_alive():
        waiter.wait(0.01)  # until uvicorn says it is listening (a condition, not a fixed sleep)
    try:
        yield World(f"http://127.0.0.1:{port}", app, web, clock, lines, app.workdir)
    finally:
        server.should_exit = True
        thread.join(10)
        with contextlib.suppress(ValueError):  # a test that reconfigured logging removed it already
            logger.remove(sink)
        web.state.console.cstore.close()
