"""bots/kit/browser.py without a site: finding Chromium, mapping errors, evidence."""

from __future__ import annotations

import asyncio

import pytest
from playwright.async_api import Error as PlaywrightError
from playwright.async_api import TimeoutError as PlaywrightTimeout

from bots.kit.browser import find_chromium, launch_args, map_error
from core.errors import ConfigError, LayoutChanged, SystemError_, TransientError


def test_configured_path_wins_and_a_wrong_one_is_a_config_error(tmp_path):
    fake = tmp_path / "chrome"
    fake.write_text("#!/bin/sh\n")
    fake.chmod(0o755)
    assert find_chromium(str(fake)) == str(fake)
    with pytest.raises(ConfigError, match="浏览器路径"):
        find_chromium(str(tmp_path / "missing"))
    assert find_chromium() == "/usr/bin/chromium"  # the Debian package on this machine


def test_launch_args_are_the_quiet_ones():
    args = launch_args()
    for flag in ("--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"):
        assert flag in args


def test_playwright_errors_map_into_the_tree():
    assert isinstance(map_error(PlaywrightTimeout("Timeout 5000ms exceeded"), "打开"), TransientError)
    assert isinstance(map_error(TimeoutError(), "打开"), TransientError)
    assert isinstance(map_error(PlaywrightError("net::ERR_CONNECTION_REFUSED at http://x"), "打开"), TransientError)
    assert isinstance(map_error(PlaywrightError("strict mode violation: 2 elements"), "点击"), LayoutChanged)
    other = map_error(PlaywrightError("something odd"), "点击")
    assert isinstance(other, SystemError_) and "点击失败" in str(other)


def test_one_browser_runs_many_pages_concurrently(browser):
    async def titles() -> list[str]:
        ctx = await browser.new_context(trace=False)
        pages = [await ctx.new_page() for _ in range(3)]
        await asyncio.gather(*(p.set_content(f"<title>页{i}</title>") for i, p in enumerate(pages)))
        out = [await p.title() for p in pages]
        await ctx.close()
        return out

    assert browser.run(titles()) == ["页0", "页1", "页2"]
