from datetime import date, timedelta

from core.model import Petitioner
from flows.analysis import matter
from flows.analysis.clusters import CROSS_COSINE, cluster_alerts, group_alerts, linked, one_place
from flows.analysis.settings import AnalysisSettings
from tests.analysis.helpers import item, petition

SMELL = ("化工厂异味", "{loc}东边那家化工厂这几天晚上排放刺鼻的气味，家里人头晕恶心，晚上不敢开窗睡觉。", "要求查处化工厂废气排放")
S = AnalysisSettings()
OPTS = {"min_size": 3, "days": 7, "local": S.cluster_similarity, "cross": S.matter_similarity}


def person(i: int) -> Petitioner:
    return Petitioner(f"测试{i}", f"33011019900101{i:04d}", f"1390000{i:04d}", f"余杭街道某村{i}号")


def smell(ref: str, day: date, loc: str, i: int):
    text = (SMELL[0], SMELL[1].format(loc=loc), SMELL[2])
    return item(petition(ref, day, [person(i)], text, locality=loc))


def test_cluster_split_across_a_locality_boundary():
    d = date(2026, 11, 2)
    items = [smell("S1", d, "永福村", 1), smell("S2", d + timedelta(days=1), "永福村", 2),
             smell("S3", d + timedelta(days=2), "宝塔村", 3), smell("S4", d + timedelta(days=4), "宝塔村", 4)]
    alerts = cluster_alerts(items, **OPTS)
    assert len(alerts) == 1  # neither village has three, the matter has four
    assert alerts[0].refs == ["S1", "S2", "S3", "S4"]
    assert "跨村社" in alerts[0].explanation and alerts[0].pairs


def test_no_cluster_when_spread_over_more_than_the_window():
    d = date(2026, 11, 2)
    items = [smell("T1", d, "永福村", 1), smell("T2", d + timedelta(days=10), "永福村", 2),
             smell("T3", d + timedelta(days=20), "永福村", 3)]
    assert cluster_alerts(items, **OPTS) == []


def test_group_petition_at_headcount_threshold():
    items = [item(petition("H1", date(2026, 11, 2), [person(1)], headcount=5)),
             item(petition("H2", date(2026, 11, 2), [person(2)], headcount=4))]
    alerts = group_alerts(items, 5)
    assert [a.refs for a in alerts] == [["H1"]] and "5 人" in alerts[0].explanation


def test_related_pairs_link_through_a_shared_object_only_inside_one_village_and_category():
    from flows.analysis.clusters import linked
    from flows.analysis.matter import PairScore

    def pair(total, objects=(), spots=(), category="same"):
        return PairScore(total, 0.1, objects=list(objects), spots=list(spots), category=category)

    local, cross, related = 0.35, 0.60, 0.25
    assert linked(pair(0.28, objects=["退费"]), True, local, cross, related)  # parents of one centre
    assert not linked(pair(0.28), True, local, cross, related)  # nothing concrete in common
    assert not linked(pair(0.28, objects=["退费"], category="differ"), True, local, cross, related)
    assert not linked(pair(0.20, objects=["退费"]), True, local, cross, related)
    # Across villages a shared object is not enough (refunds are asked everywhere); a named spot is.
    assert not linked(pair(0.40, objects=["退费"]), False, local, cross, related)
    assert linked(pair(0.40, spots=["西干渠"]), False, local, cross, related)
    assert not linked(pair(0.30, spots=["西干渠"]), False, local, cross, related)
    # Over the cross-village bar, the words must carry part of it (a cosine of 0.1 is two refunds).
    assert not linked(pair(0.70, objects=["退费"]), False, local, cross, related)
    assert linked(PairScore(0.70, 0.2, objects=["退费"], category="same"), False, local, cross, related)


def test_three_parents_of_one_training_centre_in_their_own_words():
    # Each names the centre, none tells it the same way: the centre's name is a named spot and
    # 退费 a key object, so the three link inside the village though their words differ.
    d = date(2026, 10, 19)
    texts = [("培训班跑路", "孩子在小天鹅培训报了一年的美术课，交了六千多，上周突然停课，老板电话也打不通。", "要求退费"),
             ("小天鹅停课", "我是小天鹅培训的老师，三个月工资没发，家长天天来问我，我也联系不上老板。", "要求帮忙讨回工资和家长的钱"),
             ("学费退不回来", "小天鹅培训关门了，我家两个小孩的课时费一共九千块，说好随时可以退款。", "希望街道出面让他们退钱")]
    items = [item(petition(f"P{i}", d + timedelta(days=i), [person(i)], t, locality="城北社区"), "教育文体")
             for i, t in enumerate(texts)]
    alerts = cluster_alerts(items, **OPTS, related=S.cluster_related_similarity)
    assert [a.refs for a in alerts] == [["P0", "P1", "P2"]]
    assert "小天鹅培训" in alerts[0].explanation
    assert all("小天鹅培训" in it.f.spots for it in items)  # an organisation's name is a named spot


def _dev4(*refs):
    from tests.data.analysis.corpus import half

    ps, truth = half("dev4")
    by = {p.ref: p for p in ps}
    return [item(by[r], truth[r]["category"]) for r in refs]


def test_neighbours_across_a_village_border_who_name_the_other_village_are_one_cluster():
    # dev4's K2 (corpus 4, tuning data): an asphalt plant on the 永安村/仙宅村 border, told four
    # ways ("那个沥青搅拌站", "金固建材厂", "村西边搅拌厂", "沥青拌合厂"); the letters name the other
    # village ("靠近永安村那一边", "仙宅、永安两村交界"). Their pair scores (0.41–0.51) are under the
    # cross-village bar, so each pair that names the other village is judged as one place.
    refs = ["BT4-2026-0133", "BT4-2026-0136", "BT4-2026-0139", "BT4-2026-0144"]
    alerts = cluster_alerts(_dev4(*refs), **OPTS)
    assert len(alerts) == 1 and set(alerts[0].refs) >= {"BT4-2026-0136", "BT4-2026-0139", "BT4-2026-0144"}
    assert {"永安村", "仙宅村"} <= set(alerts[0].localities)


def test_two_villages_share_no_matter_through_a_category_and_one_object_alone():
    # dev4: a gym's unrefunded card (新丰社区) and a banquet deposit (溪塔村), both 商贸旅游 and both
    # "退费": scored 0.64 (above the cross-village bar) on a word cosine of 0.09. Not one matter.
    a, b = _dev4("BT4-2026-0120", "BT4-2026-0123")
    s = matter.score(a, b)
    assert s.total >= S.matter_similarity and s.cosine < CROSS_COSINE
    assert not one_place(a, b)
    assert not linked(s, one_place(a, b), S.cluster_similarity, S.matter_similarity, S.cluster_related_similarity)
