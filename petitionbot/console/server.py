"""Running the console under uvicorn: the bind rule, TLS, the session secret, serve's thread."""

from __future__ import annotations

import secrets
import threading
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import ConfigError
from flows import diskio
from petitionbot.console.settings import bind_problem

SECRET_ENV = "PETITIONBOT_CONSOLE_SECRET"
SECRET_FILE = "console-secret.key"  # in the private workdir, when neither env nor keyring has one


def session_secret(app: Any) -> str:
    """The key that signs session cookies: env, else the OS keyring, else a random key kept in the
    private workdir (0600), so sessions survive a restart without a secret in any config file."""
    from petitionbot import config

    value = config.secret("console-session", env=SECRET_ENV)
    if value:
        return value
    path = Path(app.prepare_workdir()) / SECRET_FILE
    try:
        text = path.read_text(encoding="ascii").strip()
        if len(text) >= 32:
            return text
    except FileNotFoundError:
        pass
    text = secrets.token_urlsafe(48)
    diskio.write_atomic(path, text + "\n", fence=False)
    return text


def check_bind(host: str, settings: Any) -> None:
    problem = bind_problem(host, settings.console)
    if problem:
        raise ConfigError(problem, hint="见 docs/console.md 的“配置”一节")
    cs = settings.console
    for name, value in (("tls_cert", cs.tls_cert), ("tls_key", cs.tls_key)):
        if value and not Path(value).is_file():
            raise ConfigError(f"[console] {name} 指定的文件不存在：{value}")


def build(settings: Any, *, clock: Any = None) -> tuple[Any, Any]:
    """(petitionbot App, the console's ASGI app) for ``settings``; the index is brought up to date."""
    from petitionbot.app import App
    from petitionbot.console import index
    from petitionbot.console.actions import deadline_engine
    from petitionbot.console.app import create_app

    app = App(settings, trigger="clerk")
    web = create_app(app, clock=clock, secret=session_secret(app))
    n = index.refresh(web.state.console.cstore, settings.deadlines, engine=deadline_engine(app))
    if n:
        logger.info("工作台：已为 {} 件信访件建立列表索引", n)
    return app, web


def uvicorn_config(web: Any, settings: Any, host: str, port: int) -> Any:
    import uvicorn

    cs = settings.console
    return uvicorn.Config(web, host=host, port=port, access_log=False, log_level="warning",
                          ssl_certfile=cs.tls_cert or None, ssl_keyfile=cs.tls_key or None,
                          server_header=False, proxy_headers=False, lifespan="off",
                          # An open 运行 page streams events: do not wait for it to close on shutdown.
                          timeout_graceful_shutdown=3)


def run(settings: Any, *, host: str | None = None, port: int | None = None) -> int:
    """``petitionbot console``: serve until Ctrl-C."""
    import uvicorn

    host = host or settings.console.host
    port = port or settings.console.port
    check_bind(host, settings)
    _app, web = build(settings)
    scheme = "https" if settings.console.tls else "http"
    print(f"信访工作台已启动：{scheme}://{host}:{port}/ （按 Ctrl-C 停止）", flush=True)
    uvicorn.Server(uvicorn_config(web, settings, host, port)).run()
    return 0


class Background:
    """The console in a thread of ``petitionbot serve``, stopped with the scheduler."""

    def __init__(self, settings: Any):
        import uvicorn

        cs = settings.console
        check_bind(cs.host, settings)
        _app, web = build(settings)
        self.server = uvicorn.Server(uvicorn_config(web, settings, cs.host, cs.port))
        # uvicorn listens to signals only in the main thread: serve keeps its own handlers.
        self.thread = threading.Thread(target=self.server.run, name="console", daemon=True)

    def start(self) -> Background:
        self.thread.start()
        logger.info("信访工作台随计划任务服务启动")
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)
