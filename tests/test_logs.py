"""The console log sink follows the process's stderr of the moment."""

import io
import sys

from loguru import logger

from petitionbot import logs


def test_console_lines_go_to_the_current_stderr_after_the_old_one_closed(monkeypatch):
    first, second = io.StringIO(), io.StringIO()
    monkeypatch.setattr(sys, "stderr", first)
    logs.setup("INFO")
    try:
        first.close()  # what a test's capture or a service manager does to the stream it handed out
        monkeypatch.setattr(sys, "stderr", second)
        logger.info("身份证 330102199001011234 已记录")
        written = second.getvalue()
    finally:
        logger.remove()
    assert "Logging error" not in written
    assert "已记录" in written and "330102199001011234" not in written
