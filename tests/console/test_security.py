"""The console's security promises, against a real uvicorn server: sessions, roles, CSRF,
lockout (on the injected clock, no sleeping), idle timeout, headers, no personal data in URLs
or the access log, masking for 领导 and the accuser's identity, the audit log."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from starlette.routing import Mount

from petitionbot import cli
from petitionbot.console import passwords
from petitionbot.console.app import create_app
from petitionbot.console.settings import ConsoleSettings, bind_problem
from tests.console.conftest import ACCUSER, PASSWORD, World, csrf_of, write_config

PERSONAL = ("王建国", "330110198001010018", "13905710001", "钱多多", "330110199001010013", "13900001111",
            "赵检举", "330110197505050011", "13811112222")
REF, ACCUSATION = "YH2026110001", "YH2026110002"


def audit(world: World, action: str) -> list[dict]:
    return [r for r in world.console.cstore.audit_rows(limit=500) if r["action"] == action]


# -- sessions and roles ------------------------------------------------------------------------
@pytest.mark.parametrize("path", ["/", "/petitions", f"/petitions/{REF}", "/admin",
                                  f"/petitions/{REF}/attachments/0", "/letters/1.docx"])
def test_no_session_gets_the_login_page(world: World, path: str) -> None:
    with world.client() as c:
        r = c.get(path)
        assert r.status_code == 303 and r.headers["location"] == "/login"
        assert "登录信访工作台" in c.get("/login").text
        # an htmx request is sent to the login page too, instead of swapping the page into a fragment
        r = c.get(path, headers={"HX-Request": "true"})
        assert r.headers.get("hx-redirect") == "/login"


def test_every_route_but_login_and_static_files_is_guarded(world: World) -> None:
    open_routes = []
    for route in world.web.routes:
        if isinstance(route, Mount):
            assert route.path == "/static"
            continue
        if not hasattr(route.endpoint, "guarded_roles") and route.path != "/login":
            open_routes.append(route.path)
    assert open_routes == []


def test_a_wrong_role_gets_403_and_changes_nothing(world: World) -> None:
    with world.login("lingdao") as leader:
        token = csrf_of(leader.get(f"/petitions/{REF}").text)
        r = leader.post(f"/petitions/{REF}/edit", data={"csrf_token": token, "action": "unit", "unit": "改过了"})
        assert r.status_code == 403 and "无权" in r.text
        assert leader.get("/admin").status_code == 403
        # personal files: only the clerks who work the case
        assert leader.get(f"/petitions/{REF}/attachments/0").status_code == 403
    with world.login("xinfang") as clerk:
        assert clerk.get("/admin").status_code == 403
    with world.login("guanli") as admin:
        assert admin.get("/admin").status_code == 200
        assert admin.post(f"/petitions/{REF}/edit", data={"csrf_token": csrf_of(admin.get("/").text),
                                                          "action": "unit", "unit": "x"}).status_code == 403
    assert world.app.store.get(REF).responsible_unit == "永福村"


def test_a_post_without_the_csrf_token_is_403(world: World) -> None:
    with world.login("xinfang") as c:
        r = c.post(f"/petitions/{REF}/edit", data={"action": "unit", "unit": "伪造"})
        assert r.status_code == 403 and "CSRF" in r.text
        r = c.post(f"/petitions/{REF}/edit", data={"action": "unit", "unit": "伪造", "csrf_token": "guess"})
        assert r.status_code == 403
        assert world.app.store.get(REF).responsible_unit == "永福村"
        # the token in the header, as htmx sends it, is accepted
        token = csrf_of(c.get("/").text)
        r = c.post(f"/petitions/{REF}/edit", data={"action": "unit", "unit": "仓前社区"},
                   headers={"X-CSRF-Token": token})
        assert r.status_code == 303
        assert world.app.store.get(REF).responsible_unit == "仓前社区"
        assert c.post("/logout").status_code == 403  # logging out is a POST like any other
    with world.client() as anon:
        r = anon.post("/login", data={"username": "xinfang", "password": PASSWORD["xinfang"]})
        assert r.status_code == 403


def _try(world: World, c, password: str):
    return c.post("/login", data={"username": "xinfang", "password": password,
                                  "csrf_token": csrf_of(c.get("/login").text)})


def test_five_failures_lock_the_account_for_fifteen_minutes(world: World) -> None:
    with world.client() as c:
        for n in range(4):
            r = _try(world, c, f"wrong-{n}")
            assert r.status_code == 401 and "用户名或密码错误" in r.text
        r = _try(world, c, "wrong-4")
        assert "已锁定 15 分钟" in r.text
        r = _try(world, c, PASSWORD["xinfang"])  # the right password no longer opens it
        assert r.status_code == 401 and "锁定" in r.text
        world.clock.advance(minutes=14, seconds=59)
        assert _try(world, c, PASSWORD["xinfang"]).status_code == 401
        world.clock.advance(seconds=2)
        assert _try(world, c, PASSWORD["xinfang"]).status_code == 303
    assert [r["detail"] for r in audit(world, "login_failed")].count("已锁定") == 1
    assert len(audit(world, "login_locked")) == 2


def test_a_success_resets_the_count_and_an_unknown_name_locks_nothing(world: World) -> None:
    with world.client() as c:
        for n in range(4):
            _try(world, c, f"wrong-{n}")
        assert _try(world, c, PASSWORD["xinfang"]).status_code == 303
    with world.client() as c:
        for n in range(4):
            assert "已锁定" not in _try(world, c, f"again-{n}").text
        r = c.post("/login", data={"username": "nobody", "password": "x" * 12, "csrf_token": csrf_of(c.get("/login").text)})
        assert r.status_code == 401 and "用户名或密码错误" in r.text


def test_the_session_ends_after_the_idle_timeout(world: World) -> None:
    with world.login("xinfang") as c:
        world.clock.advance(minutes=29)
        assert c.get("/").status_code == 200  # activity renews the session
        world.clock.advance(minutes=29)
        assert c.get("/").status_code == 200
        world.clock.advance(minutes=30, seconds=1)
        r = c.get("/")
        assert r.status_code == 303 and r.headers["location"] == "/login?expired=1"
        assert "自动退出" in c.get("/login?expired=1").text
        assert c.get("/petitions").status_code == 303  # the session is gone, not just this response


def test_a_disabled_account_loses_its_open_session(world: World) -> None:
    with world.login("xinfang") as c:
        world.console.cstore.set_disabled("xinfang", True)
        assert c.get("/").status_code == 303


# -- headers and cookies -----------------------------------------------------------------------
class _Scan(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline_scripts = 0
        self.bad_attrs: list[str] = []
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        names = {k for k, _v in attrs}
        if tag == "script" and "src" not in names:
            self.inline_scripts += 1
        if tag == "style":
            self.bad_attrs.append("<style>")
        self.bad_attrs += [k for k in names if k == "style" or k.startswith("on")]
        self.urls += [v for k, v in attrs if k in ("href", "src", "action") and v]


def _pages(world: World, c) -> dict[str, str]:
    return {p: c.get(p).text for p in ("/", "/petitions", f"/petitions/{REF}", f"/petitions/{ACCUSATION}",
                                       "/petitions?deadline=overdue", "/login")}


def test_csp_forbids_inline_script_and_no_page_needs_it(world: World) -> None:
    with world.login("xinfang") as c:
        r = c.get("/")
        csp = r.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "unsafe-eval" not in csp
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert r.headers["x-frame-options"] == "DENY" and r.headers["cache-control"] == "no-store"
        for path, html in _pages(world, c).items():
            scan = _Scan()
            scan.feed(html)
            assert scan.inline_scripts == 0 and scan.bad_attrs == [], path
            assert all(u.startswith(("/", "#", "data:,")) for u in scan.urls), (path, scan.urls)


def test_session_cookie_is_httponly_strict_and_secure_under_tls(world: World) -> None:
    with world.client() as c:
        cookie = c.get("/login").headers["set-cookie"].lower()
        assert "httponly" in cookie and "samesite=strict" in cookie and "secure" not in cookie
    tls = create_app(world.app, clock=world.clock, secret="s" * 48, tls=True)
    from starlette.testclient import TestClient

    with TestClient(tls, base_url="https://testserver") as tc:
        assert "secure" in tc.get("/login").headers["set-cookie"].lower()


def test_vendored_scripts_are_served_from_the_console_itself(world: World) -> None:
    with world.client() as c:
        for name in ("htmx-2.0.4.min.js", "echarts-5.5.1.min.js", "htmx-LICENSE.txt", "echarts-LICENSE.txt"):
            assert c.get(f"/static/vendor/{name}").status_code == 200, name


# -- personal data: URLs, access log, masking, audit -------------------------------------------
def test_no_personal_data_in_urls_or_the_access_log(world: World) -> None:
    with world.login("xinfang") as c:
        token = csrf_of(c.get("/petitions").text)
        for q in ("王建国", "13905710001", "330110198001010018"):
            r = c.post("/petitions/search?deadline=overdue", data={"q": q, "csrf_token": token})
            assert r.status_code == 303 and q not in r.headers["location"]
            listing = c.get(r.headers["location"]).text
            assert f'value="{q}"' in listing  # the search is kept, in the session
        assert "YH2026110001" in c.get("/petitions").text
        pages = _pages(world, c)
        c.get(f"/petitions/{REF}/attachments/0")
    urls = []
    for html in pages.values():
        scan = _Scan()
        scan.feed(html)
        urls += scan.urls
    assert "王建国" in pages[f"/petitions/{REF}"]  # the clerk does see the person, in the page
    for secret in PERSONAL:
        assert not any(secret in u for u in urls), secret
        assert not any(secret in line for line in world.log), secret
    access = [line for line in world.log if line.startswith("工作台 ")]
    assert any("/petitions/search" in line for line in access) and not any("?" in line for line in access)


def test_a_leader_sees_masked_people_and_no_accuser(world: World) -> None:
    with world.login("lingdao") as c:
        page = c.get(f"/petitions/{REF}").text
        assert "王*国" in page and "王建国" not in page
        assert "330110198001010018" not in page and "13905710001" not in page
        accusation = c.get(f"/petitions/{ACCUSATION}").text
        assert "检举控告人身份保密" in accusation
        for secret in (ACCUSER.name, ACCUSER.name[0] + "*" + ACCUSER.name[-1], ACCUSER.phone, ACCUSER.id_number):
            assert secret not in accusation, secret
    assert audit(world, "view_personal") == []  # nothing personal was shown


def test_the_clerk_sees_the_accuser_only_when_the_config_allows(world: World, tmp_path: Path) -> None:
    with world.login("xinfang") as c:
        assert ACCUSER.name in c.get(f"/petitions/{ACCUSATION}").text
    world.app.settings.console.accuser_visible_to = []
    with world.login("xinfang") as c:
        page = c.get(f"/petitions/{ACCUSATION}").text
        assert "检举控告人身份保密" in page and ACCUSER.name not in page and ACCUSER.phone not in page


def test_the_audit_log_records_logins_views_of_personal_data_and_decisions(world: World) -> None:
    with world.login("xinfang") as c:
        c.get(f"/petitions/{REF}")
        token = csrf_of(c.get(f"/petitions/{REF}").text)
        c.post(f"/petitions/{REF}/edit", data={"csrf_token": token, "action": "decision", "decision": "受理",
                                               "reason": "", "accepted_on": "2026-11-05"})
    views = audit(world, "view_personal")
    assert {(r["username"], r["ref"]) for r in views} == {("xinfang", REF)} and len(views) == 2
    assert all(r["at"].startswith("2026-11-20T09:00") for r in views)  # the console's clock
    edits = audit(world, "edit")
    assert [(r["username"], r["ref"], r["detail"]) for r in edits] == [("xinfang", REF, "受理情况、受理日期")]
    assert [r["username"] for r in audit(world, "login")] == ["xinfang"]
    with world.login("guanli") as admin:
        page = admin.get("/admin").text
        assert "查看个人信息" in page and "受理情况、受理日期" in page


# -- binding, accounts ---------------------------------------------------------------------------
def test_binding_beyond_loopback_needs_tls_or_an_explicit_yes() -> None:
    plain = ConsoleSettings()
    assert bind_problem("127.0.0.1", plain) == "" and bind_problem("localhost", plain) == ""
    assert bind_problem("::1", plain) == ""
    for host in ("0.0.0.0", "192.168.1.20", "::", ""):
        assert "TLS" in bind_problem(host, plain), host
    assert bind_problem("0.0.0.0", ConsoleSettings(allow_plain_http=True)) == ""
    assert bind_problem("0.0.0.0", ConsoleSettings(tls_cert="c.pem", tls_key="k.pem")) == ""


def test_the_console_command_refuses_an_open_address_in_chinese(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, '[console]\nhost = "0.0.0.0"\n')
    assert cli.main(["console", "--config", str(cfg)]) == 2
    err = capsys.readouterr().err
    assert "没有配置 TLS 证书" in err and "allow_plain_http" in err
    cfg = write_config(tmp_path, '[console]\ntls_cert = "only-the-cert.pem"\n')
    assert cli.main(["console", "--config", str(cfg)]) == 2
    assert "tls_cert 和 tls_key 必须同时配置" in capsys.readouterr().err


def test_adduser_stores_an_argon2_hash_and_refuses_a_weak_password(tmp_path: Path, monkeypatch, capsys) -> None:
    cfg = write_config(tmp_path)
    monkeypatch.setenv("PETITIONBOT_CONSOLE_PASSWORD", "short")
    assert cli.main(["console", "adduser", "zhangsan", "--role", "信访员", "--config", str(cfg)]) == 2
    assert "至少 10 个字符" in capsys.readouterr().err
    monkeypatch.setenv("PETITIONBOT_CONSOLE_PASSWORD", "Zs#long-enough-2026")
    assert cli.main(["console", "adduser", "zhangsan", "--role", "信访员", "--name", "张三", "--config", str(cfg)]) == 0
    assert "已创建账号 zhangsan（信访员）" in capsys.readouterr().out
    from flows.store.console import ConsoleStore
    from petitionbot import config
    from petitionbot.app import App

    account = ConsoleStore(App(config.load(cfg)).store).account("zhangsan")
    assert account["role"] == "clerk" and account["password"].startswith("$argon2id$")
    assert "Zs#long-enough-2026" not in account["password"]
    assert passwords.verify(account["password"], "Zs#long-enough-2026")
    assert not passwords.verify(account["password"], "Zs#long-enough-2027")
    assert re.search(r"\bZs#long", Path(cfg).read_text()) is None


def test_searching_a_name_finds_people_only_for_roles_that_may_see_them(world: World) -> None:
    def found(c, q: str) -> str:
        token = csrf_of(c.get("/petitions").text)
        return c.get(c.post("/petitions/search", data={"q": q, "csrf_token": token}).headers["location"]).text

    with world.login("xinfang") as clerk:
        assert "YH2026100003" in found(clerk, "钱多多") and REF not in found(clerk, "钱多多")
        assert ACCUSATION in found(clerk, ACCUSER.phone)
    with world.login("lingdao") as leader:
        assert "YH2026100003" not in found(leader, "钱多多")
        assert "YH2026100003" in found(leader, "噪音")
    world.app.settings.console.accuser_visible_to = []
    with world.login("xinfang") as clerk:
        assert ACCUSATION not in found(clerk, "330110197505050011")


def test_serve_refuses_to_host_the_console_on_an_open_address_before_any_job(tmp_path: Path, capsys) -> None:
    cfg = write_config(tmp_path, '[console]\nenabled = true\nhost = "192.168.1.20"\n')
    assert cli.main(["serve", "--config", str(cfg)]) == 2
    assert "没有配置 TLS 证书" in capsys.readouterr().err
    assert not (tmp_path / "work" / "runs").exists() or not any((tmp_path / "work" / "runs").iterdir())
