"""The simulator over plain HTTP: login, lists, detail, downloads, sessions, admin API, faults."""

from __future__ import annotations

import base64
import json
import re
import time
import urllib.error
import urllib.request
from urllib.parse import quote, unquote

import pytest

from petitionbot.sim import AdminClient
from tests.sim.webclient import WebClient

ME = "YH-JD"


def own(dataset: dict) -> list[dict]:
    return [p for p in dataset["petitions"] if p["assigned_to"] == ME]


@pytest.fixture
def client(sim, sim_password) -> WebClient:
    c = WebClient(sim.url)
    assert c.login("yhjd01", sim_password).status == 302
    return c


def test_login_sets_httponly_cookie_and_counts_attempts(sim, sim_password):
    c = WebClient(sim.url)
    bad = c.login("yhjd01", "wrong-pw")
    assert bad.status == 200 and "用户名或密码错误" in bad.text
    good = c.login("yhjd01", sim_password)
    assert good.status == 302 and good.headers["Location"] == "/main"
    assert "HttpOnly" in good.headers["Set-Cookie"]
    assert sim.admin.state()["login_attempts"] == {"yhjd01": 2}


def test_login_rejects_a_missing_csrf_token(sim, sim_password):
    c = WebClient(sim.url)
    c.request("/login")
    reply = c.request("/login", {"username": "yhjd01", "password": sim_password, "csrf_token": "forged"})
    assert reply.status == 200 and "页面已过期" in reply.text
    assert sim.admin.state()["login_attempts"] == {}


def test_captcha_answer_via_admin(sim, sim_password):
    sim.admin.set_knobs(captcha=True)
    c = WebClient(sim.url)
    page = c.request("/login")
    assert "验证码" in page.text and c.request("/captcha.svg").text.startswith("<svg")
    answer = sim.admin.captcha_answer()
    assert len(answer) == 4 and "".join(re.findall(r">(\d)</text>", c.request("/captcha.svg").text)) == answer
    csrf = page.text.split('name="csrf_token" value="')[1].split('"')[0]
    wrong = c.request("/login", {"username": "yhjd01", "password": sim_password, "csrf_token": csrf, "captcha": "0000"})
    assert "验证码错误" in wrong.text
    answer = sim.admin.captcha_answer()  # a failed attempt draws a new captcha
    ok = c.request("/login", {"username": "yhjd01", "password": sim_password, "csrf_token": csrf, "captcha": answer})
    assert ok.status == 302


def test_lists_are_paged_sorted_and_only_our_unit(client, sim_dataset):
    mine = own(sim_dataset)
    waiting = sorted(p["assigned_on"] for p in mine if p["status"] == "待签收")
    first = client.request("/api/todo?type=sign&page=1&size=10&sort=assigned_on&order=asc").json()
    assert first["total"] == len(waiting) and [r["assigned_on"] for r in first["rows"]] == waiting[:10]
    seen = []
    for page in range(1, first["total"] // 20 + 2):
        seen += client.request(f"/api/todo?type=sign&page={page}&size=20").json()["rows"]
    assert {r["ref"] for r in seen} == {p["ref"] for p in mine if p["status"] == "待签收"}
    handle = client.request("/api/todo?type=handle&page=1&size=100&sort=due_on&order=desc").json()
    assert handle["total"] == sum(p["status"] != "待签收" for p in mine)
    dues = [r["due_on"] for r in handle["rows"] if r["due_on"]]
    assert dues == sorted(dues, reverse=True) and handle["rows"][-1]["due_on"] == ""  # no date sorts last
    v2 = client.request("/xf/api/list.do?lx=dqs&pageNo=1&pageSize=50").json()
    assert v2["code"] == 0 and v2["data"]["count"] == len(waiting) and "xfjbh" in v2["data"]["list"][0]


def test_detail_escapes_values_and_refuses_other_units(client, sim, sim_dataset):
    hostile = next(p for p in own(sim_dataset) if "<script>" in json.dumps(p, ensure_ascii=False)
                   or "<img" in json.dumps(p, ensure_ascii=False))
    page = client.request(f"/petition/detail?ref={hostile['ref']}").text
    assert "<script>alert" not in page and "&lt;" in page
    other = next(p for p in sim_dataset["petitions"] if p["assigned_to"] != ME)
    refused = client.request(f"/petition/detail?ref={other['ref']}")
    assert refused.status == 403 and "不属于本单位" in refused.text
    missing = client.request("/petition/detail?ref=NO-SUCH")
    assert missing.status == 404 and "撤回" in missing.text
    assert client.request(f"/attachment/download?ref={other['ref']}&idx=0").status == 403


def test_download_uses_rfc5987_chinese_names(client, sim):
    data = "照片说明".encode()
    sim.admin.add_petitions({"ref": "T-ATT-1", "assigned_to": ME, "status": "待签收", "attachments": [
        {"name": "现场 照片(1).txt", "media_type": "text/plain", "base64": base64.b64encode(data).decode()},
        {"name": "大文件.pdf", "media_type": "application/pdf", "size": 5000}]})
    one = client.request("/attachment/download?ref=T-ATT-1&idx=0")
    cd = one.headers["Content-Disposition"]
    assert one.body == data and cd.startswith("attachment;")
    assert unquote(cd.split("filename*=UTF-8''")[1]) == "现场 照片(1).txt"
    two = client.request("/xf/fj/down.do?xfjbh=T-ATT-1&fjxh=1")
    assert len(two.body) == 5000 and two.body == client.request("/attachment/download?ref=T-ATT-1&idx=1").body


def test_expired_session_redirects_pages_and_401s_json(client, sim):
    assert client.request("/main").status == 200
    assert sim.admin.expire_sessions() >= 1
    page = client.request("/main")
    assert page.status == 302 and page.headers["Location"] == "/login?expired=1"
    assert client.request("/api/todo?type=sign").status == 401


def test_idle_minutes_expire_a_quiet_session(client, sim):
    sim.admin.set_knobs(idle_minutes=0.0005)  # 30 ms
    time.sleep(0.1)  # the idle clock is the server's monotonic clock; this is the quiet period itself
    assert client.request("/main").status == 302


def test_signing_moves_an_item_between_lists(client, sim, sim_dataset):
    ref = next(p["ref"] for p in own(sim_dataset) if p["status"] == "待签收")
    page = client.request(f"/petition/detail?ref={quote(ref)}").text
    csrf = page.split('CSRF = "')[1].split('"')[0]
    first = client.request("/petition/sign", {"ref": ref, "csrf_token": csrf}).json()
    again = client.request("/petition/sign", {"ref": ref, "csrf_token": csrf}).json()
    assert first == {"ok": True, "already": False} and again["already"] is True
    state = sim.admin.state()
    assert state["signed"] == [ref] and state["statuses"][ref] == "已签收待办理"


def test_malformed_petitions_are_shown_as_they_are(client, sim):
    sim.admin.add_petitions(
        {"ref": "BAD-1", "assigned_to": ME, "status": "待签收", "assigned_on": "2026-13-45", "headcount": "三人",
         "petitioners": ["只有名字"], "title": "=HYPERLINK(\"http://x\",\"点\")"},
        {"ref": "BAD-1", "assigned_to": ME, "status": "待签收", "title": "重复编号"},
        {"assigned_to": ME, "status": "待签收"},  # no ref at all
    )
    rows = client.request("/api/todo?type=sign&page=1&size=100").json()["rows"]
    assert sum(r["ref"] == "BAD-1" for r in rows) == 2 and any(r["ref"] == "" for r in rows)
    page = client.request("/petition/detail?ref=BAD-1").text
    assert "2026-13-45" in page and "三人" in page and "只有名字" in page and "=HYPERLINK" in page


def test_admin_needs_the_token_and_validates_knobs(sim):
    with pytest.raises(RuntimeError, match="401"):
        AdminClient(sim.url, "wrong").state()
    with pytest.raises(RuntimeError, match="400"):
        sim.admin.set_knobs(no_such_knob=1)
    with pytest.raises(RuntimeError, match="400"):
        sim.admin.set_knobs(layout="v9")
    sim.admin.update_petition(own_ref := sim.state.petitions[0]["ref"], due_on="2027-01-05", assigned_to="CQ-JD")
    assert sim.admin.petition(own_ref)["due_on"] == "2027-01-05"
    sim.admin.withdraw(own_ref)
    with pytest.raises(RuntimeError, match="404"):
        sim.admin.petition(own_ref)


def test_fault_knobs(client, sim):
    sim.admin.set_knobs(latency_ms=80)
    t = time.monotonic()
    assert client.request("/welcome").status == 200
    assert time.monotonic() - t >= 0.08
    sim.admin.set_knobs(latency_ms=0, error_every=2)
    assert sorted(client.request("/welcome").status for _ in range(4)) == [200, 200, 500, 500]
    sim.admin.set_knobs(error_every=0, rate_limit_every=1, retry_after=7)
    limited = client.request("/welcome")
    assert limited.status == 429 and limited.headers["Retry-After"] == "7"
    sim.admin.set_knobs(rate_limit_every=0, down="503")
    assert client.request("/welcome").status == 503
    sim.admin.set_knobs(down="close")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        client.request("/welcome")
    sim.admin.set_knobs(down="", stall_seconds=2, stall_count=1)
    with pytest.raises((TimeoutError, urllib.error.URLError, OSError)):
        client.request("/welcome", timeout=0.5)
    assert client.request("/welcome").status == 200  # only one request stalled
    sim.admin.set_knobs(error_every=1, fault_paths=["/attachment/"])
    assert client.request("/welcome").status == 200  # faults confined to the listed paths
    assert sim.admin.state()["knobs"]["error_every"] == 1  # the admin API itself is never faulted


def test_error_rate_is_deterministic_for_a_seed(client, sim):
    def pattern() -> list[int]:
        sim.admin.reset()
        sim.admin.set_knobs(error_rate=0.5)
        return [client.request("/login").status for _ in range(12)]

    first = pattern()
    assert 500 in first and 200 in first and pattern() == first


def test_scheduled_action_fires_on_the_nth_request(client, sim):
    sim.admin.schedule("api", 2, {"op": "expire_sessions"})
    assert client.request("/api/todo?type=sign").status == 200
    assert client.request("/api/todo?type=sign").status == 401


def test_admin_is_loopback_only_by_default_binding(sim):
    assert sim.url.startswith("http://127.0.0.1:")
    req = urllib.request.Request(sim.url + "/_admin/state")
    with pytest.raises(urllib.error.HTTPError) as exc:
        urllib.request.urlopen(req, timeout=5)
    assert exc.value.code == 401
