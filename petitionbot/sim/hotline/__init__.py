"""The 12345 hotline work-order platform simulator (政务服务便民热线工单办理平台): a stdlib HTTP
server of another shape than the district system, faults included, so a second robot is
tested against a real server.

    handle = start_hotline(generate_orders(40, 1), port=0)
    handle.admin.fail("/gdpt/gd/list", status=500, times=1)
    ...
    handle.stop()
"""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petitionbot.sim.hotline.admin import HotlineAdmin
from petitionbot.sim.hotline.server import HotlineServer
from petitionbot.sim.hotline.state import HotlineState
from petitionbot.sim.runner import SimHandle

__all__ = ["HotlineAdmin", "HotlineHandle", "build_hotline", "start_hotline"]


@dataclass
class HotlineHandle(SimHandle):
    @property
    def admin(self) -> HotlineAdmin:  # type: ignore[override]
        return HotlineAdmin(self.url, self.admin_token)


def build_hotline(dataset: dict[str, Any] | str | Path, *, host: str = "127.0.0.1", port: int = 0,
                  idle_minutes: float = 30, admin_token: str | None = None, seed: int = 0,
                  page_size: int = 10) -> HotlineServer:
    state = HotlineState(initial=dataset, idle_minutes=idle_minutes, seed=seed, page_size=page_size)  # type: ignore[arg-type]
    return HotlineServer((host, port), state, admin_token or secrets.token_hex(16))


def start_hotline(dataset: dict[str, Any] | str | Path, *, port: int = 0, host: str = "127.0.0.1",
                  idle_minutes: float = 30, admin_token: str | None = None, seed: int = 0,
                  page_size: int = 10) -> HotlineHandle:
    """Start the hotline simulator on a loopback port (0 = any free one) in a daemon thread."""
    server = build_hotline(dataset, host=host, port=port, idle_minutes=idle_minutes, admin_token=admin_token,
                           seed=seed, page_size=page_size)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, name="hotline-sim",
                              daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return HotlineHandle(url=f"http://{bound_host}:{bound_port}", admin_token=server.admin_token,
                         state=server.state, server=server, thread=thread)  # type: ignore[arg-type]
