"""The console in real Chromium against a real console server, the real simulator and a real SMTP
catcher: what a clerk, a leader and the administrator do in a day. A screenshot of every page
visited (see browser_world for where they go)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.console.browser_world import RUN_WAIT_MS, browser_world

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bw(tmp_path_factory):
    with browser_world(tmp_path_factory.mktemp("browser")) as world:
        yield world


def test_a_clerks_day_intake_petition_repeat_decision_ledger_overdue(bw):
    page = bw.page("wangli")

    # Trigger intake (with 签收) and watch it to the end: the bar fills, masked log lines arrive.
    bw.run_flow(page, "取件", check=("同时签收",))
    expect(page.locator("#live-end")).to_contain_text("运行结束：成功")
    expect(page.locator("#live-progress")).to_have_attribute("max", re.compile(r"[1-9]"))
    assert page.eval_on_selector("#live-progress", "p => p.value === p.max")
    log = page.locator("#live-log").inner_text()
    assert "开始运行 取件" in log and "运行结束 取件：成功" in log
    ids = [x["id_number"] for p in bw.dataset["petitions"] for x in p.get("petitioners") or []
           if isinstance(x, dict) and isinstance(x.get("id_number"), str) and len(x["id_number"]) == 18]
    assert ids and not [i for i in ids if i in log]  # personal data never reaches the page's log lines
    bw.shot(page, "runs-live")
    page.get_by_role("link", name="刷新运行记录").click()
    first = page.locator("table.runs tbody tr").first
    expect(first).to_contain_text("取件")
    expect(first).to_contain_text("成功")
    expect(first).to_contain_text("王丽")
    expect(first).to_contain_text(re.compile(r"新增 \d+"))
    new = int(re.search(r"新增 (\d+)", first.inner_text()).group(1))
    assert new == len(bw.app.store.refs()) > 0
    bw.shot(page, "runs")

    # Open a new petition from the list.
    page.goto(f"{bw.base}/petitions")
    bw.shot(page, "petitions")
    page.locator("table.list tbody tr a").first.click()
    expect(page.locator("h1.ptitle")).to_be_visible()
    bw.shot(page, "petition")

    # The analysis finds suspected repeats; the clerk confirms one on 分析.
    bw.run_flow(page, "智能分析")
    expect(page.locator("#live-end")).to_contain_text("运行结束：成功")
    page.goto(f"{bw.base}/analysis")
    row = page.locator("#suspected tbody tr[id^=suspected-]").first
    expect(row).to_be_visible()
    ref = row.get_attribute("id").removeprefix("suspected-")
    row.get_by_role("button", name="是重件", exact=True).click()
    expect(page.locator("p.note")).to_contain_text("已记录")
    expect(page.locator(f"#suspected-{ref}")).to_contain_text("是重件")
    bw.shot(page, "analysis")

    # Record a decision on another petition's page.
    page.goto(f"{bw.base}/petitions")
    other = page.locator("table.list tbody tr a").nth(1)
    decided = other.inner_text().strip()
    if decided == ref:
        other = page.locator("table.list tbody tr a").nth(2)
        decided = other.inner_text().strip()
    other.click()
    form = page.locator("form.decision")
    form.locator("select[name=decision]").select_option("受理")
    form.locator("input[name=accepted_on]").fill(bw.app.clock.today().isoformat())
    form.get_by_role("button", name="记录受理情况").click()
    expect(page.locator("p.note")).to_contain_text("已保存")

    # The next ledger sync writes both into the book; the clerk downloads it from the run's outputs.
    bw.run_flow(page, "台账同步")
    expect(page.locator("#live-end")).to_contain_text("运行结束：成功")
    page.get_by_role("link", name="刷新运行记录").click()
    link = page.locator("table.runs tbody tr").first.locator("a", has_text=re.compile(r"\.xlsx$")).first
    with page.expect_download() as download:
        link.click()
    book = bw.tmp / "downloaded-ledger.xlsx"
    download.value.save_as(book)
    rows = bw.ledger_rows(book)
    assert rows[ref]["重件确认"] == "是重件"
    assert rows[decided]["受理情况"] == "受理"

    # Reminders from 超期清单与催办 (send now); the page lists the same rows as the file it made.
    page.goto(f"{bw.base}/overdue")
    page.get_by_role("button", name="立即发送催办提醒").click()
    expect(page.locator("#live-end")).to_be_visible(timeout=RUN_WAIT_MS)
    expect(page.locator("#live-end")).to_contain_text("运行结束：成功")
    page.goto(f"{bw.base}/overdue")
    shown = page.locator("#overdue-list tbody tr").evaluate_all(
        "rows => rows.map(r => Array.from(r.cells).map(c => c.innerText.trim()))")
    assert len(shown) > 0
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"下载 超期信访事项清单-\d+\.xlsx")).click()
    listing = bw.tmp / "overdue.xlsx"
    download.value.save_as(listing)
    from openpyxl import load_workbook

    ws = load_workbook(listing, read_only=True)["超期清单"]
    in_file = [r for r in ws.iter_rows(min_row=4, values_only=True) if r and r[2]]
    assert [(str(r[1]), str(r[2]), int(r[7])) for r in in_file] == [(s[1], s[2], int(s[7])) for s in shown]
    outbox = page.locator("table.outbox tbody tr")
    expect(outbox.first).to_contain_text("已发送")
    assert any("超期清单" in str(m["Subject"]) for m in bw.mail.messages)
    bw.shot(page, "overdue")

    # At the end of the day 今日 shows what the runs did.
    page.goto(f"{bw.base}/")
    expect(page.locator("main")).to_contain_text("取件")
    bw.shot(page, "today")


def test_logging_in_upstream_through_the_captcha_page_keeps_the_session(bw):
    bw.sim.admin.set_knobs(captcha=True)
    bw.sim.admin.expire_sessions()
    for state in (bw.app.workdir / "secrets").glob("*.state.json"):
        state.unlink()
    try:
        page = bw.page("wangli")
        page.goto(f"{bw.base}/upstream")
        page.get_by_role("button", name="开始登录").click()
        picture = page.locator("form.captcha img")
        expect(picture).to_be_visible()
        # Visible is not loaded: wait until the browser has decoded a real picture (fails on timeout).
        page.wait_for_function("() => { const i = document.querySelector('form.captcha img');"
                               " return i && i.complete && i.naturalWidth > 50; }")
        bw.shot(page, "upstream-captcha", full=False)
        page.fill("input[name=code]", "0000")  # a typo first: the upstream says so, a new picture comes
        page.get_by_role("button", name="提交登录").click()
        expect(page.locator("p.error")).to_contain_text("验证码错误")
        page.fill("input[name=code]", bw.sim.admin.captcha_answer())
        page.get_by_role("button", name="提交登录").click()
        expect(page.locator("p.note")).to_contain_text("登录成功")
        bw.shot(page, "upstream-done", full=False)
        # The nightly robot (here: intake from 运行) uses the kept session despite the captcha.
        posts = bw.sim.admin.state()["counters"]["login_post"]
        bw.run_flow(page, "取件")
        expect(page.locator("#live-end")).to_contain_text("运行结束：成功")
        assert bw.sim.admin.state()["counters"]["login_post"] == posts
    finally:
        bw.sim.admin.set_knobs(captcha=False)


def test_a_leader_reads_but_is_refused_when_triggering_a_flow(bw):
    page = bw.page("zhaozr")
    page.goto(f"{bw.base}/runs")
    expect(page.locator("main")).to_contain_text("只能查看运行情况")
    expect(page.locator("form.flow")).to_have_count(0)
    bw.shot(page, "runs-leader")
    # Even a hand-made request with a valid session and CSRF token is refused.
    status = page.evaluate("""async () => {
        const token = JSON.parse(document.body.getAttribute('hx-headers'))['X-CSRF-Token'];
        const r = await fetch('/runs/start', {method: 'POST', headers: {'X-CSRF-Token': token},
                                             body: new URLSearchParams({flow: 'intake'})});
        return [r.status, await r.text()];
    }""")
    assert status[0] == 403 and "无权" in status[1]
    page.goto(f"{bw.base}/overdue")
    expect(page.locator("h1")).to_contain_text("超期清单与催办")
    expect(page.locator("table.outbox")).to_have_count(0)
    page.goto(f"{bw.base}/analysis")
    expect(page.locator("#five-colours")).to_be_visible()
    expect(page.locator("button", has_text="是重件")).to_have_count(0)


def test_the_administrator_runs_the_checks(bw):
    page = bw.page("admin")
    page.goto(f"{bw.base}/doctor")
    expect(page.locator("table.checks")).to_contain_text("配置")
    expect(page.locator("table.checks")).to_contain_text("浏览器")
    bw.shot(page, "doctor")
