"""Survival fixtures: a real simulator, real Chromium, a real store, and short timeouts so faults
end in seconds. ``make_env`` is the e2e one (tests/e2e/conftest.py)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.e2e.conftest import make_env, workdir  # noqa: F401 - fixtures re-exported
from tests.reminders.conftest import _http_session, _smtp_session, cert, http, smtp  # noqa: F401 - loopback SMTP, chat robots

CHINESE = re.compile(r"[\u4e00-\u9fff]")

# Small waits: the robot really sleeps between retries (asyncio.sleep on its loop).
FAST = dict(timeout_seconds=3, retries=3, backoff_seconds=0.05, backoff_max_seconds=0.2,
            retry_after_max_seconds=1, page_size=10, concurrency=2)


def bot_files(root: Path) -> list[Path]:
    return sorted(p for p in Path(root).rglob("*") if p.is_file())
