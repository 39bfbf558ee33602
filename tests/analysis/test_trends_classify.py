from datetime import date

from flows.analysis import classify, lexicon, taxonomy, trends
from flows.analysis.settings import AnalysisSettings
from tests.analysis.helpers import SHEN, petition


def tax():
    return taxonomy.load(AnalysisSettings().taxonomy_path())


def test_rising_category_and_five_colour_caps():
    ps = []
    for month, n in (("2026-08", 4), ("2026-09", 3), ("2026-10", 5), ("2026-11", 9)):
        y, m = (int(x) for x in month.split("-"))
        ps += [petition(f"R{month}{i}", date(y, m, 1 + i), [SHEN], category="环境保护") for i in range(n)]
    ps += [petition(f"Q{i}", date(2026, 8 + i % 4, 3), [SHEN], category="民政") for i in range(8)]  # steady
    ps += [petition(f"Y{i}", date(2025, 3, 1), [SHEN], locality="宝塔村") for i in range(10)]
    s = AnalysisSettings(caps={"永福村": 30})
    t = trends.compute(ps, "2026-11", s, lambda p: p.category or "未分类")
    rising = {(r.dimension, r.value) for r in t.rising}
    assert ("category", "环境保护") in rising and ("category", "民政") not in rising
    env = next(r for r in t.rising if r.value == "环境保护")
    assert env.count == 9 and env.trailing_mean == 4.0 and "高出 125%" in env.explain()
    assert t.total == 11 and t.previous == 7
    caps = {c.locality: c for c in t.caps}
    assert caps["永福村"].cap == 30 and caps["永福村"].used == 29 and caps["永福村"].colour == "黄"  # 97 % of the cap: under 100 %
    assert caps["宝塔村"].used == 0 and caps["宝塔村"].colour == "绿"


def test_taxonomy_maps_new_names_to_the_offices_scheme():
    t = tax()
    assert len(t.legacy) == 17
    assert t.canonical("生态环境") == "环境保护" and t.canonical("环境保护/大气污染") == "环境保护"


def test_upstream_category_wins_and_lexicon_explains():
    t = tax()
    p = petition("K1", date(2026, 11, 1), [SHEN])  # a noise complaint
    s = lexicon.score(p, t)
    assert s.category == "环境保护" and "噪声" in s.matched
    up = petition("K2", date(2026, 11, 1), [SHEN], category="城乡建设")
    clerk = petition("K3", date(2026, 11, 1), [SHEN], category="城乡建设", clerk={"category_confirmed": "生态环境"})
    out = classify.Classifier(t).suggest_many([p, up, clerk])
    assert (out[0].source, out[1].category, out[1].source) == ("lexicon", "城乡建设", "upstream")
    assert (out[2].category, out[2].source) == ("环境保护", "clerk")
