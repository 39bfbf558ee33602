"""POST a JSON body to a chat robot's webhook (urllib lives only here for the chat adapters)."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

from core.errors import ChannelError


def post_json(url: str, payload: dict[str, Any], *, timeout: float = 15) -> dict[str, Any]:
    """Send ``payload``; return the robot's JSON answer. Any failure or ``errcode != 0`` is a ChannelError."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    req = urllib.request.Request(url, data=body, method="POST",
                                 headers={"Content-Type": "application/json; charset=utf-8"})
    host = urllib.request.urlparse(url).netloc  # never the query: it carries the access token
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:  # noqa: S310 - configured URL
            raw = resp.read()
    except urllib.error.HTTPError as exc:
        raise ChannelError(f"机器人 {host} 返回 HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise ChannelError(f"无法连接机器人 {host}：{exc}") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise ChannelError(f"机器人 {host} 的回复不是 JSON") from exc
    if answer.get("errcode", 0) != 0:
        raise ChannelError(f"机器人 {host} 拒绝：{answer.get('errcode')} {answer.get('errmsg', '')}")
    return answer
