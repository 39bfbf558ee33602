"""Run the simulator in a background thread (tests, demo) or in the foreground (CLI)."""

from __future__ import annotations

import secrets
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from petitionbot.sim.admin_client import AdminClient
from petitionbot.sim.server import SimServer
from petitionbot.sim.state import SimState


@dataclass
class SimHandle:
    url: str
    admin_token: str
    state: SimState
    server: SimServer
    thread: threading.Thread

    @property
    def admin(self) -> AdminClient:
        return AdminClient(self.url, self.admin_token)

    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        self.state.reset(dataset)

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def __enter__(self) -> SimHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def build_server(dataset: dict[str, Any] | str | Path, *, host: str = "127.0.0.1", port: int = 0,
                 captcha: bool = False, idle_minutes: float = 30, admin_token: str | None = None,
                 seed: int = 0) -> SimServer:
    state = SimState(initial=dataset, idle_minutes=idle_minutes, captcha=captcha, seed=seed)  # type: ignore[arg-type]
    return SimServer((host, port), state, admin_token or secrets.token_hex(16))


def start_simulator(dataset: dict[str, Any] | str | Path, *, port: int = 0, host: str = "127.0.0.1",
                    captcha: bool = False, idle_minutes: float = 30, admin_token: str | None = None,
                    seed: int = 0) -> SimHandle:
    """Start the simulator on a loopback port (0 = any free one) in a daemon thread."""
    server = build_server(dataset, host=host, port=port, captcha=captcha, idle_minutes=idle_minutes,
                          admin_token=admin_token, seed=seed)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1},
                              name="petition-sim", daemon=True)
    thread.start()
    bound_host, bound_port = server.server_address[:2]
    return SimHandle(url=f"http://{bound_host}:{bound_port}", admin_token=server.admin_token, state=server.state,
                     server=server, thread=thread)
