"""The hotline simulator over plain HTTP: its login, lists, details, 接单/退单, admin API, faults."""

from __future__ import annotations

import hashlib
import re
import time
import urllib.error
from html import unescape
from urllib.parse import quote, unquote

import pytest

from petitionbot.sim.hotline import HotlineAdmin
from petitionbot.sim.hotline.server import SESSION_COOKIE, file_id
from tests.hotline.conftest import ME_NAME, OPEN, PAGE_SIZE, USER, own
from tests.hotline.webclient import HotlineClient

DT_DD = re.compile(r"<dt>(.*?)</dt><dd>(.*?)</dd>", re.S)


def detail_values(html: str) -> dict[str, str]:
    return {label: unescape(re.sub(r"<[^>]+>", "", value)) for label, value in DT_DD.findall(html)}


def list_refs(client: HotlineClient, tab: str) -> tuple[list[str], list[str]]:
    """(refs, pager texts) following the 下一页 links, as a person clicking through would."""
    refs, pagers, path = [], [], f"/gdpt/gd/list?tab={tab}"
    while path:
        html = client.request(path).text
        refs += re.findall(r'gdbh=[^"]+">([^<]+)</a>', html)
        pagers.append(re.search(r'class="pager">([^<]*)', html).group(1).strip())
        nxt = re.search(r'<a href="([^"]+)">下一页</a>', html)
        path = unescape(nxt.group(1)) if nxt else ""
    return [unescape(r) for r in refs], pagers


def test_login_is_double_submit_hashed_and_counts_attempts(hotline, hotline_password):
    c = HotlineClient(hotline.url)
    page = c.request("/gdpt/login").text
    secret = re.search(r'<input id="kl"[^>]*>', page).group(0)
    assert 'type="password"' in secret and "name=" not in secret  # the 口令 itself is never posted
    assert 'type="submit"' not in page  # a script logs in, from a type=button
    assert "工号或口令错误，还可尝试 4 次" in c.login(USER, "wrong-pw").text
    assert "页面已失效" in c.login(USER, hotline_password, xsrf="forged").text
    good = c.login(USER, hotline_password)
    assert good.status == 302 and good.headers["Location"] == "/gdpt/workbench"
    cookie = good.headers["Set-Cookie"]
    assert cookie.startswith(f"{SESSION_COOKIE}=") and "HttpOnly" in cookie and "Path=/gdpt" in cookie
    assert hotline.admin.state()["login_attempts"] == {USER: 2}  # the forged token never reached the check


def test_five_wrong_passwords_lock_the_job_number(hotline, hotline_password):
    c = HotlineClient(hotline.url)
    for _ in range(5):
        reply = c.login(USER, "wrong-pw")
    assert "已被锁定" in reply.text
    assert "已被锁定" in c.login(USER, hotline_password).text  # even the right 口令 now


def test_tabs_page_by_next_links_and_show_only_our_open_orders(client, hotline, hotline_dataset):
    for tab, statuses in (("djd", ("待接单",)), ("clz", ("处理中",)), ("ybj", ("已办结待回访", "已回访"))):
        refs, pagers = list_refs(client, tab)
        expected = own(hotline_dataset, statuses)
        assert sorted(refs) == sorted(o["ref"] for o in expected), tab
        assert len(pagers) == max(1, -(-len(expected) // PAGE_SIZE))
        assert pagers[0].startswith(f"当前第 1 页 / 共 {len(pagers)} 页，共 {len(expected)} 条")
    newest_first = [o["ref"] for o in sorted(own(hotline_dataset, ("待接单",)), key=lambda o: o["dispatched_at"],
                                             reverse=True)]
    assert list_refs(client, "djd")[0] == newest_first
    hotline.admin.set_knobs(page_size=50)
    assert len(list_refs(client, "clz")[1]) == 1


def test_detail_is_a_definition_list_and_refuses_other_units(client, hotline_dataset):
    o = own(hotline_dataset, OPEN)[0]
    values = detail_values(client.request(f"/gdpt/gd/view?gdbh={quote(o['ref'])}").text)
    assert values["工单编号"] == o["ref"] and values["办理时限"] == o["due_at"] and values["诉求类型"] == o["request_type"]
    assert values["来源渠道"] == o["channel"] and values["承办单位"] == ME_NAME and values["诉求内容"] == o["content"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}", values["派单时间"])
    assert values["附件"].startswith(o["attachment"]["name"])
    other = next(x for x in hotline_dataset["orders"] if x["assigned_to"] != "YH-JD")
    refused = client.request(f"/gdpt/gd/view?gdbh={quote(other['ref'])}")
    assert refused.status == 403 and "改派" in refused.text
    missing = client.request("/gdpt/gd/view?gdbh=YH-12345-20991231-9999")
    assert missing.status == 404 and "撤回" in missing.text


def test_confidential_orders_mask_the_phone_and_hostile_values_are_escaped(client, hotline):
    hotline.admin.add_orders(
        {"ref": "T-SECRET", "status": "待接单", "assigned_to": "YH-JD", "confidential": "是", "caller": "王先生",
         "phone": "13905710001", "content": "<script>alert(1)</script>举报内容", "attachment": None},
    )
    page = client.request("/gdpt/gd/view?gdbh=T-SECRET").text
    values = detail_values(page)
    assert values["联系电话"] == "139****0001" and "13905710001" not in page
    assert "<script>alert" not in page and values["诉求内容"] == "<script>alert(1)</script>举报内容"
    assert values["附件"] == "无"


def test_download_names_in_rfc5987_and_needs_the_file_id(client, hotline):
    text = "【12345来电录音转写】\n市民：路灯坏了。\n"
    hotline.admin.add_orders({"ref": "T-FJ", "status": "处理中", "assigned_to": "YH-JD",
                              "attachment": {"name": "录音 转写(1).txt", "media_type": "text/plain", "text": text}})
    page = client.request("/gdpt/gd/view?gdbh=T-FJ").text
    href = unescape(re.search(r'href="(/gdpt/fj/download[^"]+)"', page).group(1))
    assert href.endswith(f"fid={file_id('T-FJ')}")
    got = client.request(href)
    assert got.body == text.encode() and hashlib.sha256(got.body).hexdigest() == hashlib.sha256(text.encode()).hexdigest()
    assert unquote(got.headers["Content-Disposition"].split("filename*=UTF-8''")[1]) == "录音 转写(1).txt"
    assert client.request("/gdpt/fj/download?gdbh=T-FJ&fid=0").status == 404


def test_accept_needs_its_token_moves_the_order_and_answers_once(client, hotline, hotline_dataset):
    ref = own(hotline_dataset, ("待接单",))[0]["ref"]
    page = client.request(f"/gdpt/gd/view?gdbh={quote(ref)}").text
    assert 'role="dialog"' in page and "接单确认" in page and "confirm(" not in page  # its own dialog
    assert client.request("/gdpt/gd/accept", {"gdbh": ref, "_xsrf": "forged"}).status == 400
    first = client.post("/gdpt/gd/accept", {"gdbh": ref})
    assert first.status == 303 and first.headers["Location"].endswith("msg=accepted")
    again = client.post("/gdpt/gd/accept", {"gdbh": ref})
    assert again.headers["Location"].endswith("msg=state")
    state = hotline.admin.state()
    assert state["accepted"] == [ref] and state["statuses"][ref] == "处理中"
    assert ref in list_refs(client, "clz")[0] and ref not in list_refs(client, "djd")[0]
    assert "接单成功" in client.request(first.headers["Location"]).text


def test_send_back_needs_a_reason_and_leaves_every_tab(client, hotline, hotline_dataset):
    ref = own(hotline_dataset, ("待接单",))[1]["ref"]
    assert client.post("/gdpt/gd/return", {"gdbh": ref, "reason": " "}).headers["Location"].endswith("msg=reason")
    assert client.post("/gdpt/gd/return", {"gdbh": ref, "reason": "不属于本街道辖区"}).status == 303
    assert hotline.admin.order(ref)["status"] == "退单" and hotline.admin.state()["returned"] == [ref]
    assert all(ref not in list_refs(client, tab)[0] for tab in ("djd", "clz", "ybj"))


def test_expired_sessions_redirect_every_page_to_the_login(client, hotline):
    assert client.request("/gdpt/workbench").status == 200
    hotline.admin.expire_sessions()
    for path in ("/gdpt/workbench", "/gdpt/gd/list?tab=djd", "/gdpt/gd/view?gdbh=x", "/gdpt/fj/download?gdbh=x"):
        reply = client.request(path)
        assert reply.status == 302 and reply.headers["Location"] == "/gdpt/login?timeout=1", path
    assert "登录超时" in client.request("/gdpt/login?timeout=1").text
    assert hotline.admin.state()["counters"]["http_401"] == 4


def test_idle_minutes_expire_a_quiet_session(client, hotline):
    hotline.admin.set_knobs(idle_minutes=0.0005)  # 30 ms
    time.sleep(0.1)  # the idle clock is the server's monotonic clock; this is the quiet period itself
    assert client.request("/gdpt/workbench").status == 302


def test_admin_reassigns_withdraws_and_validates(client, hotline, hotline_dataset):
    with pytest.raises(RuntimeError, match="401"):
        HotlineAdmin(hotline.url, "wrong").state()
    for bad in ({"no_such_knob": 1}, {"layout": "v9"}, {"faults": [{"path": "gdpt", "status": 500}]},
                {"faults": [{"path": "/gdpt", "status": 418}]}):
        with pytest.raises(RuntimeError, match="400"):
            hotline.admin.set_knobs(**bad)
    mine = own(hotline_dataset, OPEN)
    hotline.admin.reassign(mine[0]["ref"])
    assert client.request(f"/gdpt/gd/view?gdbh={quote(mine[0]['ref'])}").status == 403
    hotline.admin.withdraw(mine[1]["ref"])
    assert client.request(f"/gdpt/gd/view?gdbh={quote(mine[1]['ref'])}").status == 404
    with pytest.raises(RuntimeError, match="404"):
        hotline.admin.order(mine[1]["ref"])
    hotline.admin.schedule("list_page", 2, {"op": "expire_sessions"})
    assert client.request("/gdpt/gd/list?tab=djd").status == 200
    assert client.request("/gdpt/gd/list?tab=djd").status == 302


def test_targeted_faults_once_n_times_always_and_per_order(client, hotline, hotline_dataset):
    a, b = (o["ref"] for o in own(hotline_dataset, OPEN)[:2])
    hotline.admin.fail("/gdpt/gd/list", status=500, times=1)
    assert [client.request("/gdpt/gd/list?tab=djd").status for _ in range(2)] == [500, 200]
    hotline.admin.fail("/gdpt/gd/view", status=429, times=2, ref=a, retry_after=7)
    limited = client.request(f"/gdpt/gd/view?gdbh={quote(a)}")
    assert limited.status == 429 and limited.headers["Retry-After"] == "7"
    assert client.request(f"/gdpt/gd/view?gdbh={quote(b)}").status == 200  # another order is not throttled
    assert [client.request(f"/gdpt/gd/view?gdbh={quote(a)}").status for _ in range(2)] == [429, 200]
    hotline.admin.fail("/gdpt/fj/", status=500, times=-1, ref=b)
    for _ in range(3):
        assert client.request(f"/gdpt/fj/download?gdbh={quote(b)}&fid={file_id(b)}").status == 500
    assert client.request(f"/gdpt/gd/view?gdbh={quote(b)}").status == 200  # only its attachment fails
    assert hotline.admin.state()["counters"]["http_500"] == 4


def test_generic_fault_knobs_are_the_district_simulators(client, hotline):
    hotline.admin.set_knobs(latency_ms=80)
    started = time.monotonic()
    assert client.request("/gdpt/home").status == 200
    assert time.monotonic() - started >= 0.08
    hotline.admin.set_knobs(latency_ms=0, error_every=2)
    assert sorted(client.request("/gdpt/home").status for _ in range(4)) == [200, 200, 500, 500]
    hotline.admin.set_knobs(error_every=0, rate_limit_every=1, retry_after=9)
    limited = client.request("/gdpt/home")
    assert limited.status == 429 and limited.headers["Retry-After"] == "9"
    hotline.admin.set_knobs(rate_limit_every=0, down="503")
    assert client.request("/gdpt/home").status == 503
    hotline.admin.set_knobs(down="close")
    with pytest.raises((urllib.error.URLError, ConnectionError, OSError)):
        client.request("/gdpt/home")
    hotline.admin.set_knobs(down="")
    assert client.request("/gdpt/home").status == 200
