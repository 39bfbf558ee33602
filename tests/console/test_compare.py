"""对照两件: a repeat beside the earlier petition it was matched with, over a real console server and
a real analysis run. Round twenty's blind judge told every confident error apart by reading the two
letters (the demand, what it is against, when it happened); this page puts them side by side."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest

from core.model import Petitioner
from petitionbot.app import App
from petitionbot.console import actions
from tests.console.conftest import World, csrf_of, start_world
from tests.factories import make_petition

QIAN = Petitioner(name="钱多多", id_number="330110199001010013", phone="13900001111", address="永福村三组12号")
FIRST, AGAIN = "YH2026090001", "YH2026100002"


def seed_pair(app: App) -> None:
    app.store.insert(make_petition(
        FIRST, received_on=date(2026, 9, 3), assigned_on=date(2026, 9, 4), title="美发店关门预付卡不退",
        petitioners=[QIAN], category="商贸旅游", responsible_unit="永福村",
        content="我在永福村口的丽人美发店办了一张预付卡，充值3000元，8月底店突然关门，老板联系不上。",
        demand="要求帮忙追回预付卡余额2600元"), run_id=None, source="upstream")
    app.store.insert(make_petition(
        AGAIN, received_on=date(2026, 10, 15), assigned_on=date(2026, 10, 16), title="再次反映美发店预付卡的事",
        petitioners=[QIAN], category="商贸旅游", responsible_unit="永福村",
        content="九月初已来信反映丽人美发店关门、预付卡里还有2600元退不出来，一个多月了没有人联系我。",
        demand="请尽快处理，退还预付卡余额2600元"), run_id=None, source="upstream")


@pytest.fixture
def pair_world(tmp_path: Path) -> Iterator[World]:
    yield from start_world(tmp_path, petitions=seed_pair)


def test_a_clerk_compares_the_two_letters_and_answers_there(pair_world: World) -> None:
    actions.run_flow(pair_world.app, "analysis")
    row = pair_world.app.store.analysis_rows()[AGAIN]
    assert row["repeat_matched"] == FIRST and row["repeat_tier"] == "重件"  # the same card, "再次反映"
    with pair_world.login("xinfang") as c:
        listing = c.get("/analysis").text
        assert f'id="confident-{AGAIN}"' in listing and f"/analysis/compare/{AGAIN}" in listing  # 重件抽查
        assert f"/analysis/compare/{AGAIN}" in c.get(f"/petitions/{AGAIN}").text
        page = c.get(f"/analysis/compare/{AGAIN}")
        assert page.status_code == 200
        html = page.text
        # both demands, both letters, the model's reasons and the points to check
        assert "要求帮忙追回预付卡余额2600元" in html and "请尽快处理，退还预付卡余额2600元" in html
        assert "丽人美发店办了一张预付卡" in html and "九月初已来信反映" in html
        assert "诉求" in html and "针对的对象" in html and "发生在前一件收到之后" in html
        assert "钱多多" in html and "13900001111" in html  # a clerk reads the petitioner in full
        r = c.post("/analysis/repeat", data={"csrf_token": csrf_of(html), "ref": AGAIN, "answer": "不是重件",
                                             "back": "compare"}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/analysis/compare/{AGAIN}?msg=repeat"
        after = c.get(r.headers["location"]).text
        assert "已答复：<b>不是重件</b>" in after and "已记录" in after
    assert pair_world.app.store.get(AGAIN).clerk["repeat_confirmed"] == "不是重件"
    # answered, it leaves the 重件抽查 list
    with pair_world.login("xinfang") as c:
        assert f'id="confident-{AGAIN}"' not in c.get("/analysis").text


def test_a_leader_reads_the_two_letters_masked_and_cannot_answer(pair_world: World) -> None:
    actions.run_flow(pair_world.app, "analysis")
    with pair_world.login("lingdao") as c:
        html = c.get(f"/analysis/compare/{AGAIN}").text
        assert "钱多多" not in html and "13900001111" not in html
        assert "请尽快处理" in html and 'name="answer"' not in html and "由信访员对照原文后确认" in html


def test_a_petition_without_an_earlier_match_has_nothing_to_compare(pair_world: World) -> None:
    actions.run_flow(pair_world.app, "analysis")
    with pair_world.login("xinfang") as c:
        r = c.get(f"/analysis/compare/{FIRST}")
        assert r.status_code == 404 and "没有可对照的前件" in r.text
        assert c.get("/analysis/compare/NO-SUCH-REF").status_code == 404


ACCUSER = Petitioner(name="赵检举", id_number="330110197505050011", phone="13811112222", address="永福村五组3号")
ACCUSED, ACCUSED_AGAIN = "YH2026090011", "YH2026100012"


def seed_accusations(app: App) -> None:
    for ref, day, title, content in (
            (ACCUSED, date(2026, 9, 5), "检举村干部侵占集体资金", "检举永福村会计侵占集体土地补偿款三十万元，要求查处。"),
            (ACCUSED_AGAIN, date(2026, 10, 20), "再次检举村干部侵占集体资金", "九月已来信检举永福村会计侵占集体土地补偿款三十万元，至今未查处。")):
        app.store.insert(make_petition(ref, received_on=day, assigned_on=day, title=title, purpose="检举控告",
                                       petitioners=[ACCUSER], category="纪检监察", responsible_unit="纪检办",
                                       content=content, demand="要求查处"), run_id=None, source="upstream")


@pytest.fixture
def accusation_world(tmp_path: Path) -> Iterator[World]:
    yield from start_world(tmp_path, petitions=seed_accusations)


def test_an_accuser_is_not_named_even_masked_to_a_role_that_may_not_see_them(accusation_world: World) -> None:
    actions.run_flow(accusation_world.app, "analysis")
    assert accusation_world.app.store.analysis_rows()[ACCUSED_AGAIN]["repeat_matched"] == ACCUSED
    with accusation_world.login("lingdao") as c:
        for path in ("/analysis", f"/analysis/compare/{ACCUSED_AGAIN}", f"/petitions/{ACCUSED_AGAIN}"):
            html = c.get(path).text
            assert "赵检举" not in html and "赵*举" not in html and "13811112222" not in html, path
            assert "5组" not in html and "五组" not in html, path  # nor the village group the reasons name
