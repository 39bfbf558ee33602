"""The robot port's contract, one suite for every registered site against its own simulator.

Real Chromium drives each site's robot against its real simulator (a loopback HTTP server); no
mocks. A new site passes this suite by adding one ``Harness`` factory to ``HARNESSES`` (the
test below fails while a registered site has none). The rules are the ones
docs/adding-an-upstream.md states.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from bots.kit.options import RobotOptions
from core.errors import NotOurs, SessionExpired, UpstreamDown, Withdrawn
from core.ports import FetchFailure, Scraped
from flows.parse import parse_scraped, parse_when
from petitionbot.registries import ROBOTS
from petitionbot.sim import start_simulator
from petitionbot.sim.generate import generate
from petitionbot.sim.hotline import start_hotline
from petitionbot.sim.hotline.generate import generate_orders

ME = "YH-JD"


@dataclass
class Harness:
    """What the suite needs to know of one site's simulator, in the suite's terms."""

    site: str  # the registry key
    handle: Any  # the running simulator (``.url``, ``.admin``)
    dataset: dict[str, Any]
    username: str
    password: str
    items: Callable[[dict[str, Any]], list[dict[str, Any]]]  # the dataset's items
    listed: tuple[str, ...] | None  # statuses the robot lists (None: every one of ours)
    detail_path: str  # the path prefix of a detail page, for the fault knobs
    add_big: Callable[[str, int], None]  # add one of ours, waiting, with one attachment of n bytes

    def reset(self) -> None:
        self.handle.reset(self.dataset)

    @property
    def admin(self) -> Any:
        return self.handle.admin

    def own(self, statuses: tuple[str, ...] | None = None) -> list[dict[str, Any]]:
        wanted = statuses or self.listed
        return [i for i in self.items(self.dataset)
                if i["assigned_to"] == ME and (wanted is None or i["status"] in wanted)]

    def other(self) -> str:
        return next(i["ref"] for i in self.items(self.dataset) if i["assigned_to"] != ME)

    def counter(self, name: str) -> int:
        return int(self.admin.state()["counters"].get(name, 0))


def district_harness() -> Harness:
    dataset = generate(60, 11, hostile_share=0.1, other_unit_count=4)
    handle = start_simulator(dataset, port=0)

    def add_big(ref: str, size: int) -> None:
        handle.admin.add_petitions({"ref": ref, "title": "大附件", "assigned_to": ME, "status": "待签收",
                                    "attachments": [{"name": "录像.mp4", "media_type": "video/mp4", "size": size}]})

    return Harness("district", handle, dataset, "yhjd01", dataset["units"][0]["users"][0]["password"],
                   lambda d: d["petitions"], None, "/petition/", add_big)


def hotline_harness() -> Harness:
    dataset = generate_orders(40, 11, hostile_share=0.1, other_unit_count=3, days=8)
    handle = start_hotline(dataset, port=0, page_size=5)

    def add_big(ref: str, size: int) -> None:
        handle.admin.add_orders({"ref": ref, "title": "大附件", "assigned_to": ME, "status": "待接单", "content": "现场视频",
                                 "attachment": {"name": "现场视频.mp4", "media_type": "video/mp4", "size": size}})

    return Harness("hotline", handle, dataset, "YH0231", dataset["units"][0]["users"][0]["password"],
                   lambda d: d["orders"], ("待接单", "处理中"), "/gdpt/gd/view", add_big)


# One line per site: a third site adds its harness here (and its robot to petitionbot/registries.py).
HARNESSES: dict[str, Callable[[], Harness]] = {"district": district_harness, "hotline": hotline_harness}


def test_every_registered_site_has_a_simulator_in_this_suite():
    assert set(HARNESSES) == set(ROBOTS)


def test_the_registry_names_each_site_as_its_robot_does():
    for name, entry in ROBOTS.items():
        assert entry.robot_class.site.name == name and entry.label == entry.robot_class.site.label


@pytest.fixture(scope="module", params=sorted(HARNESSES))
def harness(request):
    h = HARNESSES[request.param]()
    yield h
    h.handle.stop()


@pytest.fixture
def sim_site(harness) -> Harness:
    harness.reset()
    return harness


@pytest.fixture
def make(sim_site, browser, tmp_path, sleeps):
    robots: list[Any] = []

    def build(**overrides: Any) -> Any:
        options = dict(url=sim_site.handle.url, username=sim_site.username, password=sim_site.password,
                       state_path=tmp_path / "state.json", evidence_dir=tmp_path / "evidence", timeout_ms=5_000,
                       retries=2, backoff_s=0.25, sleep=sleeps.append)
        options.update(overrides)
        robot = ROBOTS[sim_site.site].robot_class(RobotOptions(**options), browser=browser)
        robots.append(robot.__enter__())
        return robot

    yield build
    for robot in robots:
        robot.__exit__(None, None, None)


# -- the session -----------------------------------------------------------------------------------
def test_login_then_a_second_robot_reuses_the_saved_session(make, sim_site, tmp_path):
    make().login()
    assert sim_site.counter("login_post") == 1
    assert (tmp_path / "state.json").stat().st_mode & 0o777 == 0o600
    make().login()
    assert sim_site.counter("login_post") == 1  # the saved session, no second login


def test_an_expired_session_means_one_shared_relogin(make, sim_site):
    robot = make()
    robot.login()
    sim_site.admin.expire_sessions()
    listed = robot.list_assigned()
    assert len(listed) == len(sim_site.own())
    assert sim_site.counter("login_post") == 2 and robot.stats["relogins"] == 1


def test_a_session_that_never_holds_ends_as_session_expired(make, sim_site):
    robot = make()
    robot.login()
    for _ in range(5):
        sim_site.admin.expire_sessions()
        try:
            robot.list_assigned()
        except SessionExpired:
            break
    else:
        # Each expiry was survived with one re-login; the budget (3) must have run out by now.
        pytest.fail("five expiries in a row were all survived: the re-login budget is not enforced")
    assert robot.stats["relogins"] == 3


# -- lists and details ----------------------------------------------------------------------------
def test_list_assigned_walks_every_page_once_per_item(make, sim_site):
    listed = make().list_assigned()
    refs = [x.ref for x in listed]
    assert len(refs) == len(set(refs)), "an item appears twice"
    assert sorted(refs) == sorted(i["ref"] for i in sim_site.own())
    assert len(refs) > 10  # several pages on both simulators


def test_fetch_of_a_ref_that_is_not_ours_is_not_ours(make, sim_site):
    robot = make()
    mine = [i["ref"] for i in sim_site.own()][:2]
    results = {r.ref: r for r in robot.fetch([sim_site.other(), *mine])}
    assert isinstance(results[sim_site.other()], FetchFailure)
    assert isinstance(results[sim_site.other()].error, NotOurs)
    assert not isinstance(results[sim_site.other()].error, Withdrawn)
    assert all(isinstance(results[r], Scraped) for r in mine)  # one failure does not stop the others


def test_fetch_of_a_withdrawn_item_is_withdrawn(make, sim_site):
    robot = make()
    first, second = [x.ref for x in robot.list_assigned()][:2]
    sim_site.admin.withdraw(first)
    results = {r.ref: r for r in robot.fetch([first, second])}
    assert isinstance(results[first], FetchFailure) and isinstance(results[first].error, Withdrawn)
    assert isinstance(results[second], Scraped)


def test_throttling_honours_retry_after(make, sim_site, sleeps):
    # One lane: the simulator refuses every third request, and with four lanes whose retries do not
    # wait (the sleeps are recorded, not slept) one ref could land on a third request three times in a
    # row and exhaust its retries; that happened once under load in round twenty's clean run.
    robot = make(concurrency=1)
    robot.login()
    refs = [i["ref"] for i in sim_site.own()][:6]
    sim_site.admin.set_knobs(rate_limit_every=3, retry_after=7, fault_paths=[sim_site.detail_path])
    results = list(robot.fetch(refs))
    assert all(isinstance(r, Scraped) for r in results) and len(results) == len(refs)
    assert sim_site.counter("http_429") >= 1 and set(sleeps) == {7.0}


def test_server_errors_are_retried_then_upstream_down_names_the_status(make, sim_site, sleeps):
    robot = make(concurrency=1)
    robot.login()
    ref = sim_site.own()[0]["ref"]
    sim_site.admin.set_knobs(error_count=-1, fault_paths=[sim_site.detail_path])
    with pytest.raises(UpstreamDown, match=r"重试 2 次后仍失败.*HTTP 500"):
        list(robot.fetch([ref]))
    assert sleeps == [0.25, 0.5]  # exponential backoff, then given up


def test_an_attachment_over_the_cap_is_refused_with_a_reason(make, sim_site):
    sim_site.add_big("T-BIG-1", 300_000)
    robot = make(attachment_max_bytes=100_000)
    robot.list_assigned()
    (item,) = robot.fetch(["T-BIG-1"])
    (big,) = item.attachments
    assert big.data is None and big.size == 300_000 and "大小上限" in big.error and not big.retry


def test_sign_is_true_once_then_false(make, sim_site):
    site = ROBOTS[sim_site.site].robot_class.site
    robot = make()
    ref = next(x.ref for x in robot.list_assigned() if x.status in site.to_sign)
    assert robot.sign(ref) is True
    assert robot.sign(ref) is False
    after = {x.ref: x.status for x in robot.list_assigned()}
    assert after[ref] not in site.to_sign and site.knows(after[ref])


def test_stats_are_counts_without_personal_data(make, sim_site):
    robot = make()
    refs = [x.ref for x in robot.list_assigned()][:3]
    items = [r for r in robot.fetch(refs) if isinstance(r, Scraped)]
    stats = robot.stats
    assert set(stats) == {"relogins", "retries", "contexts", "evidence"}
    assert all(type(v) is int for v in stats.values())
    names = {p.get("name", "") for i in items for p in i.petitioners} - {""}
    text = repr(stats)
    assert not any(r in text for r in refs) and not any(n in text for n in names)
    assert sim_site.password not in text and sim_site.username not in text


# -- the site's vocabulary ------------------------------------------------------------------------
def test_every_status_the_simulator_uses_is_classified(sim_site):
    site = ROBOTS[sim_site.site].robot_class.site
    used = {i["status"] for i in sim_site.items(sim_site.dataset)}
    assert used and all(site.knows(s) for s in used), sorted(s for s in used if not site.knows(s))
    classes = [site.to_sign, site.closed, site.withdrawn, site.open]
    for n, a in enumerate(classes):  # a status means one thing
        for b in classes[n + 1:]:
            assert not a & b


def test_refs_dates_forms_and_purposes_read_in_the_sites_words(make, sim_site):
    site = ROBOTS[sim_site.site].robot_class.site
    robot = make()
    listed = robot.list_assigned()
    clean = [x for x in listed if re.fullmatch(site.ref_pattern, x.ref)]
    assert len(clean) == len(listed)  # every ref the simulator lists is of the site's pattern
    for x in listed:
        assert parse_when(x.assigned_on, "assigned_on", x.ref, required=False, formats=site.date_formats)[0]
    for item in robot.fetch([x.ref for x in listed][:8]):
        p = parse_scraped(item, site)
        assert (p.source, p.statutory) == (site.name, site.statutory)
        assert not [n for n in p.notes if "未知" in n or "已知状态" in n], p.notes
        assert p.closed == (item.fields["status"] in site.closed)
