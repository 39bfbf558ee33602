"""Attachment downloads through the context's request API: same cookies as the pages, no
browser download machinery, and the size cap checked before the body is handed over."""

from __future__ import annotations

import re
from typing import Any
from urllib.parse import unquote

from bots.kit.http import check_response
from bots.kit.options import RobotOptions
from core.ports import ScrapedAttachment

_FILENAME_STAR = re.compile(r"filename\*\s*=\s*([^']*)'[^']*'([^;]+)", re.IGNORECASE)
_FILENAME = re.compile(r'filename\s*=\s*"([^"]*)"|filename\s*=\s*([^;]+)', re.IGNORECASE)


def filename_from(disposition: str) -> str | None:
    """RFC 6266 / 5987: ``filename*=UTF-8''...`` wins over the plain ``filename``."""
    m = _FILENAME_STAR.search(disposition or "")
    if m:
        charset = m.group(1).strip() or "utf-8"
        try:
            return unquote(m.group(2).strip(), encoding=charset, errors="strict")
        except (LookupError, UnicodeDecodeError):
            pass
    m = _FILENAME.search(disposition or "")
    if m:
        return (m.group(1) if m.group(1) is not None else m.group(2)).strip()
    return None


def _cap_text(limit: int) -> str:
    return f"附件超过大小上限（{limit / 1024 / 1024:.1f} MB），未下载"


async def fetch(ctx: Any, href: str, shown_name: str, options: RobotOptions) -> ScrapedAttachment:
    resp = await ctx.request.get(href, max_redirects=0, timeout=options.timeout_ms, fail_on_status_code=False)
    try:
        check_response(resp, "下载附件")  # expiry (redirect to login), 429, 5xx
        name = filename_from(resp.headers.get("content-disposition", "")) or shown_name
        media_type = (resp.headers.get("content-type") or "application/octet-stream").split(";")[0].strip()
        if resp.status >= 300:
            return ScrapedAttachment(name=name, media_type=media_type, error=f"附件无法下载（HTTP {resp.status}）",
                                     retry=True)
        declared = resp.headers.get("content-length")
        limit = options.attachment_max_bytes
        if declared and declared.isdigit() and int(declared) > limit:
            return ScrapedAttachment(name=name, media_type=media_type, size=int(declared), error=_cap_text(limit))
        body = await resp.body()
        if len(body) > limit:
            return ScrapedAttachment(name=name, media_type=media_type, size=len(body), error=_cap_text(limit))
        return ScrapedAttachment(name=name, media_type=media_type, data=body, size=len(body))
    finally:
        await resp.dispose()  # the driver keeps bodies until disposed: 500 × 200 KB adds up
