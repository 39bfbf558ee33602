"""The simulator over plain HTTP, logging in as the platform's login script does."""

from __future__ import annotations

import re

from petitionbot.sim.hotline.server import XSRF_COOKIE, login_hash
from tests.sim.webclient import Reply, WebClient


class HotlineClient(WebClient):
    def xsrf(self) -> str:
        return next((c.value for c in self.jar if c.name == XSRF_COOKIE), "")

    def login(self, username: str, password: str, *, xsrf: str | None = None) -> Reply:  # type: ignore[override]
        page = self.request("/gdpt/login")
        token = re.search(r'name="_xsrf" value="([^"]+)"', page.text).group(1)
        assert token == self.xsrf()  # the double-submit pair: cookie and field
        token = token if xsrf is None else xsrf
        return self.request("/gdpt/login", {"_xsrf": token, "gh": username, "klHash": login_hash(token, password)})

    def post(self, path: str, form: dict[str, str]) -> Reply:
        return self.request(path, {"_xsrf": self.xsrf(), **form})
