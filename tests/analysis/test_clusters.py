from datetime import date, timedelta

from core.model import Petitioner
from flows.analysis.clusters import cluster_alerts, group_alerts
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
