"""A small client for the admin API (stdlib urllib), for tests, the demo and the bench."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any
from urllib.parse import quote


class AdminClient:
    def __init__(self, url: str, token: str, timeout: float = 10):
        self.url = url.rstrip("/")
        self.token = token
        self.timeout = timeout

    def call(self, method: str, route: str, body: Any = None) -> Any:
        data = None if body is None else json.dumps(body, ensure_ascii=False).encode()
        req = urllib.request.Request(f"{self.url}/_admin/{route}", data=data, method=method,
                                     headers={"X-Admin-Token": self.token, "Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:  # noqa: S310 - loopback URL
                return json.loads(resp.read() or b"null")
        except urllib.error.HTTPError as exc:
            detail = exc.read().decode("utf-8", "replace")
            raise RuntimeError(f"模拟器管理接口出错 {exc.code}：{detail}") from exc

    def state(self) -> dict[str, Any]:
        return self.call("GET", "state")

    def reset(self, dataset: dict[str, Any] | None = None) -> None:
        self.call("POST", "reset", {"dataset": dataset} if dataset is not None else {})

    def set_knobs(self, **knobs: Any) -> dict[str, Any]:
        return self.call("POST", "knobs", knobs)

    def knobs(self) -> dict[str, Any]:
        return self.call("GET", "knobs")

    def expire_sessions(self) -> int:
        return self.call("POST", "expire_sessions")["expired"]

    def add_petitions(self, *petitions: dict[str, Any]) -> int:
        return self.call("POST", "petitions", {"petitions": list(petitions)})["added"]

    def petition(self, ref: str) -> dict[str, Any]:
        return self.call("GET", f"petitions/{quote(ref, safe='')}")

    def update_petition(self, ref: str, **changes: Any) -> None:
        self.call("PATCH", f"petitions/{quote(ref, safe='')}", changes)

    def withdraw(self, ref: str) -> None:
        self.call("DELETE", f"petitions/{quote(ref, safe='')}")

    def schedule(self, counter: str, at: int, action: dict[str, Any]) -> None:
        """Run ``action`` ({"op": "expire_sessions" | "withdraw" | "update" | "add" | "knobs", ...})
        when request counter ``counter`` (list_api, list_page, detail, download, login_post...)
        reaches ``at``, counted from the last reset."""
        self.call("POST", "schedule", {"counter": counter, "at": at, "action": action})

    def captcha_answer(self) -> str:
        return self.state()["captcha_answer"]
