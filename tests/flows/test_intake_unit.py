"""run_intake against a scripted robot (a fake is fine here: this tests the flow logic alone;
tests/e2e drive the real robot in Chromium against the simulator)."""

from dataclasses import replace
from datetime import date

import pytest

from bots.district.robot import SITE
from bots.hotline.robot import SITE as HOTLINE
from core.clock import FixedClock
from core.errors import NotOurs, Withdrawn
from core.ports import FetchFailure, Listing, Scraped, ScrapedAttachment
from flows.intake import IntakeOptions, run_intake
from flows.runs import Run
from flows.store import open_store


def detail(ref, due="", status="待办理", **extra):
    fields = {"title": f"标题{ref}", "form": "来信", "received_on": "2026-11-02", "assigned_on": "2026-11-03",
              "due_on": due, "status": status, "headcount": "1", "purpose": "求决", "content": "内容"}
    fields.update(extra)
    return Scraped(ref=ref, fields=fields, petitioners=[{"name": "李四", "id_number": "", "phone": "", "address": ""}],
                   attachments=[ScrapedAttachment(name="../材料.pdf", media_type="application/pdf", data=b"%PDF" + ref.encode())])


class ScriptedRobot:
    def __init__(self, details, failures=None, crash_after=None):
        self.details = dict(details)
        self.failures = failures or {}
        self.crash_after = crash_after
        self.fetched: list[str] = []
        self.signed: set[str] = set()

    stats: dict = {}  # part of the robot port
    site = SITE  # the district's vocabulary (待签收, 已办结, ...)

    def login(self):
        pass

    def list_assigned(self):
        return [Listing(ref=r, title=d.fields["title"], status=d.fields["status"], due_on=d.fields["due_on"])
                for r, d in self.details.items()]

    def fetch(self, refs):
        for n, ref in enumerate(refs):
            if self.crash_after is not None and n == self.crash_after:
                raise KeyboardInterrupt("simulated kill")
            self.fetched.append(ref)
            if ref in self.failures:
                yield FetchFailure(ref, self.failures[ref])
            else:
                yield self.details[ref]

    def sign(self, ref):
        new = ref not in self.signed
        self.signed.add(ref)
        return new


@pytest.fixture
def env(tmp_path):
    store = open_store(str(tmp_path / "db.sqlite"))
    clock = FixedClock(date(2026, 11, 5))

    def go(robot, sign=False):
        run = Run.start("intake", tmp_path / "runs", clock)
        run_intake(robot, store, run, IntakeOptions(attachments_dir=tmp_path / "attachments", sign=sign))
        return run

    yield store, go, tmp_path
    store.close()


def test_new_petitions_are_stored_once_with_attachments(env):
    store, go, tmp = env
    robot = ScriptedRobot({r: detail(r) for r in ("A1", "A2", "A3")})
    run = go(robot)
    assert run.counts.new == 3 and store.refs() == {"A1", "A2", "A3"}
    att = store.get("A1").attachments[0]
    assert att.name == "材料.pdf" and att.original_name == "../材料.pdf"
    assert (tmp / att.path).read_bytes() == b"%PDFA1"
    again = go(robot)
    assert again.counts.new == 0 and again.counts.unchanged == 3 and robot.fetched == ["A1", "A2", "A3"]


def test_malformed_item_is_quarantined_and_run_goes_on(env):
    store, go, _ = env
    robot = ScriptedRobot({"A1": detail("A1", received_on="2026-13-01"), "A2": detail("A2")})
    run = go(robot)
    assert store.refs() == {"A2"} and run.counts.failed == 1
    q = store.quarantined()
    assert q[0]["ref"] == "A1" and "收信日期" in q[0]["reason"]
    # fixed upstream: the next run picks it up and closes the quarantine entry
    robot.details["A1"] = detail("A1")
    go(robot)
    assert store.refs() == {"A1", "A2"} and store.quarantined() == []


def test_upstream_change_updates_fields_keeps_clerk_data_and_records_history(env):
    store, go, _ = env
    robot = ScriptedRobot({"A1": detail("A1", due="2026-12-01")})
    go(robot)
    p = store.get("A1")
    store.save(replace(p, responsible_unit="永福村村委会", clerk={"remarks": "已电话联系"}),
               changes=[("remarks", None, "已电话联系")], source="ledger", run_id=None)
    robot.details["A1"] = detail("A1", due="2026-12-10")
    run = go(robot)
    p = store.get("A1")
    assert run.counts.updated == 1 and p.due_on == date(2026, 12, 10)
    assert p.responsible_unit == "永福村村委会" and p.clerk == {"remarks": "已电话联系"}
    assert any(h["field"] == "due_on" and h["new"] == "2026-12-10" for h in store.history("A1"))
    assert any("限办日期被上游调整" in w for w in run.warnings)


def test_stamps_and_history_carry_the_runs_clock_not_the_wall_clock(env):
    store, go, _ = env
    robot = ScriptedRobot({"A1": detail("A1", due="2026-12-01")})
    go(robot)
    robot.details["A1"] = detail("A1", due="2026-12-10")
    go(robot)
    changed = [h for h in store.history("A1") if h["field"] == "due_on"]
    assert changed and all(str(h["at"]).startswith("2026-11-05T09:00") for h in changed)
    from flows.store.console import ConsoleStore

    reader = ConsoleStore(store)
    [(_p, first_seen, updated, _crc)] = reader.petition_rows(["A1"])
    reader.close()
    assert first_seen == updated == "2026-11-05T09:00:00"  # what 今日's "new since last night" reads


def test_reassigned_and_withdrawn_are_recorded_not_deleted(env):
    store, go, _ = env
    robot = ScriptedRobot({r: detail(r) for r in ("A1", "A2", "A3")})
    go(robot)
    del robot.details["A1"], robot.details["A2"]
    robot.failures = {"A1": NotOurs("无权查看"), "A2": Withdrawn("不存在")}
    go(robot)
    assert store.get("A1").upstream_state == "reassigned"
    assert store.get("A2").upstream_state == "withdrawn"
    assert store.get("A3").upstream_state == "active"
    assert len(store.refs()) == 3


def test_a_crash_mid_fetch_loses_nothing_and_duplicates_nothing(env):
    store, go, _ = env
    details = {f"A{i}": detail(f"A{i}") for i in range(10)}
    with pytest.raises(KeyboardInterrupt):
        go(ScriptedRobot(details, crash_after=4))
    assert len(store.refs()) == 4
    robot = ScriptedRobot(details)
    go(robot)
    assert len(store.refs()) == 10 and robot.fetched == [f"A{i}" for i in range(4, 10)]
    assert all(sum(h["field"] == "created" for h in store.history(r)) == 1 for r in store.refs())


def test_sign_is_idempotent(env):
    store, go, _ = env
    robot = ScriptedRobot({"A1": detail("A1", status="待签收"), "A2": detail("A2")})
    run = go(robot, sign=True)
    assert run.counts.signed == 1 and store.get("A1").signed_on == date(2026, 11, 5)
    run = go(robot, sign=True)
    assert run.counts.signed == 0


def test_duplicate_listing_is_warned(env):
    _, go, _ = env
    robot = ScriptedRobot({"A1": detail("A1")})
    listing = robot.list_assigned()
    robot.list_assigned = lambda: listing + [replace(listing[0], title="另一个标题")]
    run = go(robot)
    assert run.counts.new == 1 and any("出现两次" in w for w in run.warnings)


# -- several upstreams: a ref is unique per source -----------------------------------------------
class HotlineScripted(ScriptedRobot):
    site = HOTLINE


def order(ref, status="处理中", **extra):
    fields = {"title": f"工单{ref}", "form": "微信", "received_on": "2026-11-02 07:42:13",
              "assigned_on": "2026-11-02 08:00:00", "due_on": "2026-11-06 17:25:00", "status": status,
              "purpose": "投诉", "content": "诉求内容", "confidential": "否"}
    fields.update(extra)
    return Scraped(ref=ref, fields=fields, petitioners=[{"name": "王先生", "phone": "13905710001"}],
                   attachments=[ScrapedAttachment(name="录音转写.txt", media_type="text/plain", data=b"t" + ref.encode())])


def test_the_same_ref_from_two_sources_is_two_items(env, tmp_path):
    store, go, _ = env
    go(ScriptedRobot({"A1": detail("A1")}))
    hotline = HotlineScripted({"A1": order("A1"), "YH-12345-20261102-0001": order("YH-12345-20261102-0001")})
    run = go(hotline)
    assert run.counts.new == 2 and store.refs() == {"A1", "A1@hotline", "YH-12345-20261102-0001"}
    mine, theirs = store.get("A1"), store.get("A1@hotline")
    assert (mine.source, mine.statutory, theirs.source, theirs.statutory) == ("district", True, "hotline", False)
    assert theirs.title == "工单A1" and theirs.due_time == "17:25"
    # Nothing changed on either side: neither run refetches, and neither touches the other's item.
    again = go(hotline)
    assert again.counts.new == 0 and again.counts.unchanged == 2 and hotline.fetched.count("A1") == 1
    district = ScriptedRobot({"A1": detail("A1")})
    assert go(district).counts.unchanged == 1 and store.get("A1@hotline").upstream_state == "active"
    # The hotline takes its A1 back: only the hotline's item is marked, asked for by its own text.
    del hotline.details["A1"]
    hotline.failures = {"A1": Withdrawn("撤单")}
    go(hotline)
    assert store.get("A1@hotline").upstream_state == "withdrawn" and store.get("A1").upstream_state == "active"


def test_signing_follows_the_sites_word_and_closed_is_the_sites(env):
    store, go, _ = env
    robot = HotlineScripted({"YH-1": order("YH-1", status="待接单"), "YH-2": order("YH-2", status="待签收"),
                             "YH-3": order("YH-3", status="已回访")})
    run = go(robot, sign=True)
    assert robot.signed == {"YH-1"} and run.counts.signed == 1  # 待签收 is not a hotline word
    assert store.get("YH-3").closed and not store.get("YH-1").closed
    assert any("待签收" in n for n in store.get("YH-2").notes)  # an unknown status is noted, not taken as open
    robot.details["YH-1"] = order("YH-1", status="已办结待回访")
    go(robot)
    assert store.get("YH-1").closed and store.get("YH-1").status == "已办结待回访"
