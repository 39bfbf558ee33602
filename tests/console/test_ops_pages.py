"""The operations pages over a real console server: each renders for the roles that may see it,
refuses the others, and a leader cannot start a flow."""

from __future__ import annotations

import pytest

from tests.console.conftest import csrf_of


@pytest.mark.parametrize("path", ["/runs", "/overdue", "/analysis"])
def test_every_role_that_views_gets_the_page(world, path):
    for name in ("xinfang", "lingdao", "guanli"):
        with world.login(name) as c:
            r = c.get(path)
            assert r.status_code == 200, (name, path, r.text[:300])
            assert "出错了" not in r.text


def test_clerk_pages_show_buttons_and_a_leader_sees_none(world):
    with world.login("xinfang") as c:
        html = c.get("/runs").text
        assert "运行取件" in html and "同时签收" in html and "演练（不发送）" in html and "同时生成 PDF" in html
        assert c.get("/upstream").status_code == 200
    with world.login("lingdao") as c:
        html = c.get("/runs").text
        assert "运行取件" not in html and "只能查看运行情况" in html
        r = c.post("/runs/start", data={"flow": "intake", "csrf_token": csrf_of(c.get("/").text)})
        assert r.status_code == 403 and "无权" in r.text
        assert c.get("/upstream").status_code == 403
        assert c.get("/doctor").status_code == 403


def test_doctor_is_the_administrators(world):
    with world.login("guanli") as c:
        r = c.get("/doctor")
        assert r.status_code == 200 and "配置文件" in r.text and "处理办法" in r.text, r.text[-2000:]
    with world.login("xinfang") as c:
        assert c.get("/doctor").status_code == 403


def test_the_live_stream_wants_a_session(world):
    with world.client() as c:
        assert c.get("/runs/events").status_code == 401


def test_the_runs_page_says_what_the_upstream_cost_a_run(world):
    # Retries and re-logins, as the intake wiring records them: why a night's intake took longer.
    with world.app.run("intake") as run:
        run.extra["robot"] = {"relogins": 1, "retries": 7, "contexts": 2, "evidence": 0}
    with world.app.run("ledger"):
        pass
    with world.login("lingdao") as c:
        html = c.get("/runs").text
        assert html.count("上级系统：") == 1 and "上级系统：重试 7 次、重新登录 1 次" in html
