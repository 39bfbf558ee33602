from dataclasses import replace
from datetime import date

import pytest

from core.model import Petitioner
from flows.analysis import links, repeats
from flows.analysis.repeats import detect
from flows.analysis.settings import AnalysisSettings
from tests.analysis.helpers import QIAN, SHEN, ZHOU, item, petition, repeat_evidence

S = AnalysisSettings()
D = {"confident": S.repeat_probability, "suspect": S.repeat_suspect_probability, "review_window_days": 30}
AGAIN = ("再次反映模具厂噪声", "上次反映村口模具厂晚上开机器噪声很大的问题，到现在还是开到半夜，影响休息。", "要求停止夜间生产")


def run(*ps):
    return detect([item(p) for p in ps], **D)


def test_repeat_through_a_co_signers_id():
    first = petition("A1", date(2026, 10, 1), [SHEN, QIAN])
    # Qian comes back alone, with a new phone and a differently written address: her ID links them.
    qian = replace(QIAN, phone="15000000000", address="永福村六组3号")
    again = petition("A2", date(2026, 10, 20), [qian], AGAIN)
    found = run(first, again)
    assert found["A2"].repeat_of == "A1"
    assert found["A2"].count == 1
    assert any("身份证号 330" in s and "3326" in s and "197208" not in s for s in found["A2"].shared)  # masked


def test_repeat_with_a_changed_phone_and_a_chain_count():
    a = petition("B1", date(2026, 9, 1), [SHEN])
    b = petition("B2", date(2026, 9, 20), [replace(SHEN, phone="18867120002")], AGAIN)
    c = petition("B3", date(2026, 10, 15), [replace(SHEN, phone="18867120002", id_number="")], AGAIN)
    found = run(a, b, c)
    assert found["B2"].repeat_of == "B1" and "身份证号" in " ".join(found["B2"].shared)
    assert found["B3"].repeat_of == "B1" and found["B3"].count == 2  # linked to the first item, third time


def test_near_duplicate_text_from_another_person_is_not_a_repeat():
    a = petition("C1", date(2026, 10, 1), [SHEN])
    b = petition("C2", date(2026, 10, 2), [ZHOU])  # word for word the same complaint
    assert run(a, b) == {}


def test_same_person_new_matter_is_not_a_repeat():
    a = petition("D1", date(2026, 10, 1), [SHEN])
    b = petition("D2", date(2026, 10, 5), [SHEN], ("孙子上学问题", "孙子户口不在本地，今年上小学报不上名。", "希望安排就近入学"))
    assert run(a, b) == {}


def test_supervision_when_open_or_closed_within_review_window():
    open_first = petition("E1", date(2026, 9, 1), [SHEN], status="待办理")
    found = run(open_first, petition("E2", date(2026, 9, 10), [SHEN], AGAIN))
    assert found["E2"].supervise and "尚未办结" in found["E2"].why_supervise
    closed = petition("F1", date(2026, 9, 1), [ZHOU], clerk={"closed_on": "2026-09-20"})
    assert run(closed, petition("F2", date(2026, 10, 5), [ZHOU], AGAIN))["F2"].supervise  # 15 days later
    closed_long = petition("G1", date(2026, 5, 1), [QIAN], clerk={"closed_on": "2026-05-20"})
    found = run(closed_long, petition("G2", date(2026, 10, 5), [QIAN], AGAIN))
    assert found["G2"].repeat_of == "G1" and not found["G2"].supervise


def test_name_and_village_group_link_a_house_number_to_a_bare_group():
    # 仙宅村十二组37号 with an ID, then 仙宅村12组 with no ID and a new mobile: the same village
    # group (a few dozen households) and the same name is a medium key, so the repeat is confident.
    first = petition("U1", date(2026, 9, 1), [replace(SHEN, address="余杭街道仙宅村十二组37号", phone="0571-86231457")])
    again = petition("U2", date(2026, 10, 9), [replace(SHEN, address="仙宅村12组", id_number="", phone="13757163328")],
                     AGAIN)
    found = run(first, again)
    assert found["U2"].tier == "重件" and "村民小组/楼幢" in " ".join(found["U2"].shared)


def test_name_and_building_link_but_two_ids_veto_it():
    home = "义和社区和园小区5幢"
    a = petition("V1", date(2026, 9, 1), [replace(SHEN, address=home + "2单元502")])
    b = petition("V2", date(2026, 9, 20), [replace(SHEN, address=home + "502", id_number="", phone="17857134408")],
                 AGAIN)
    found = run(a, b)
    assert found["V2"].tier == "重件" and "村民小组/楼幢" in " ".join(found["V2"].shared)
    other_id = replace(SHEN, address=home + "502", id_number="330110197001011238", phone="17857134408")
    assert run(a, petition("V3", date(2026, 9, 20), [other_id], AGAIN)) == {}  # two IDs: two people


def test_weak_key_is_confident_only_when_the_matter_is_plainly_the_same():
    # Only name + village (no ID the first time, a new phone and no house number the second).
    a = petition("W1", date(2026, 9, 1), [replace(SHEN, id_number="", address="永福村")])
    b_same = petition("W2", date(2026, 9, 25), [replace(SHEN, phone="19817720593", address="永福村")])
    found = run(a, b_same)
    assert found["W2"].tier == "重件" and found["W2"].probability >= S.repeat_probability
    assert "同名同村" in found["W2"].explain() and "仅作参考" not in found["W2"].explain()
    assert f"为同一人同一事项的可能性 {found['W2'].probability:.2f}" in found["W2"].explain()
    # The same pair under a stricter threshold is only suspected: the clerk decides.
    strict = detect([item(a), item(b_same)], **{**D, "confident": found["W2"].probability + 0.01})
    assert strict["W2"].tier == "疑似重件" and "疑似重件" in strict["W2"].explain()
    # The weak key weighs less than a sure one: the same letters with one ID are more likely one
    # person's one matter (the person is certain, so the words they share count for more).
    b_id = petition("W3", date(2026, 9, 25), [replace(SHEN, phone="19817720593", address="永福村")])
    a_id = petition("W0", date(2026, 9, 1), [replace(SHEN, address="永福村")])
    sure = run(a_id, b_id)["W3"]
    assert sure.strength > found["W2"].strength and sure.tier == "重件"
    weak_z, sure_z = (repeats.shipped().probability(list(repeat_evidence(item(b), item(a)).values()))
                      for a, b in ((a, b_same), (a_id, b_id)))
    assert sure_z > weak_z


def test_a_daughter_writing_for_her_father_is_linked_as_a_relative():
    father = Petitioner("俞根法", "33012519490321151X", "0571-86245530", "余杭街道洪桐村七组")
    daughter = Petitioner("俞彩娟", "330125197308162649", "18758112093", "临平区南苑街道某小区")
    low = ("父亲低保的事", "低保申请递上去两个月了，村里说要把子女收入算进去。", "请按政策重新审核低保申请")
    first = petition("R1", date(2026, 7, 20), [father], low, locality="洪桐村")
    text = ("代父反映低保申请", "我是洪桐村七组俞根法的女儿，我爸的低保申请两个月了还没办下来，村里说要算我家收入。",
            "请按政策重新审核其父亲的低保申请")
    again = petition("R2", date(2026, 9, 15), [daughter], text, locality="洪桐村")
    found = run(first, again)
    assert found["R2"].matched == "R1" and "代亲属反映" in " ".join(found["R2"].shared)
    assert "俞根法" not in found["R2"].explain()  # masked
    # A weak link: confident only when the matter is plainly the same, and said so; else 疑似.
    assert found["R2"].tier == "重件" and "来件人代亲属反映" in found["R2"].explain()
    strict = detect([item(first), item(again)], **{**D, "confident": found["R2"].probability + 0.01})
    assert strict["R2"].tier == "疑似重件"
    # A name that is not next to a word of kinship is not read (a cadre named in a complaint).
    cadre = ("反映低保审核", "村干部俞根法说低保申请要把子女收入算进去，两个月了还没办下来。", "请按政策重新审核低保申请")
    assert "R3" not in run(first, petition("R3", date(2026, 9, 15), [daughter], cadre, locality="洪桐村"))
    # Another village's 俞根法 is someone else.
    assert "R4" not in run(first, petition("R4", date(2026, 9, 15), [daughter], text, locality="仙宅村"))


def test_a_retired_setting_is_dropped_with_a_warning_and_a_misspelt_one_is_an_error():
    from loguru import logger
    from pydantic import ValidationError

    said: list[str] = []
    sink = logger.add(said.append, level="WARNING", format="{message}")  # loguru's stderr sink predates capsys
    try:
        s = AnalysisSettings(repeat_id_similarity=0.3, repeat_person_cosine=0.2)  # read by earlier versions
    finally:
        logger.remove(sink)
    assert s.repeat_probability == AnalysisSettings().repeat_probability and not hasattr(s, "repeat_person_cosine")
    err = "".join(said)
    assert "repeat_id_similarity 已停用" in err and "repeat_person_cosine 已停用" in err and "repeat_probability" in err
    with pytest.raises(ValidationError):
        AnalysisSettings(repeat_probabilty=0.8)
    with pytest.raises(ValidationError, match="否则不会有疑似重件"):
        AnalysisSettings(repeat_probability=0.3, repeat_suspect_probability=0.5)


def test_the_repeat_model_ships_for_its_inputs_and_keeps_each_weight_to_its_sign(tmp_path):
    model = repeats.shipped()
    assert model.features == repeats.FEATURES
    for f, c in zip(repeats.FEATURES, model.coef, strict=True):
        assert c * repeats.SIGNS[f] >= 0, f
    # a file built for other inputs is refused, not misread
    other = tmp_path / "repeat_model.json"
    other.write_text(links.LinkModel(model.coef[:-1], model.intercept, repeats.FEATURES[:-1]).dump(), encoding="utf-8")
    with pytest.raises(ValueError, match="built for other inputs"):
        links.LinkModel.load(other, repeats.FEATURES)


def test_evidence_reads_what_is_asked_beside_the_persons_own_words():
    # One person, one shop, two matters: the shop's name is in both letters and both titles.
    shop = ("惠民超市收银员被辞退", "我在惠民超市做收银员三年，上个月被辞退，没有补偿。", "要求惠民超市支付经济补偿")
    milk = ("惠民超市卖过期牛奶", "在惠民超市买的牛奶过期了二十多天，超市只肯退货。", "要求查处过期食品并赔偿")
    a, b = item(petition("M1", date(2026, 9, 1), [SHEN], shop)), item(petition("M2", date(2026, 10, 1), [SHEN], milk))
    x = repeat_evidence(b, a)
    assert x["strong"] == x["medium_or_strong"] == 1.0 and x["relative"] == 0.0
    assert x["own_words"] > 0.2  # 惠民超市 is where the person's life happens
    assert x["objects_new"] > 0 and x["gap"] == 30 / repeats.GAP_DAYS
    again = item(petition("M3", date(2026, 10, 1), [SHEN], ("再次反映被辞退没补偿", "超市辞退我不给补偿，到现在还没解决。",
                                                             "要求惠民超市支付经济补偿")))
    y = repeat_evidence(again, a)
    assert y["asks"] > x["asks"] + 0.2  # the same demand again
    assert repeats.shipped().probability(list(y.values())) > repeats.shipped().probability(list(x.values()))


def test_one_category_and_little_else_in_common_takes_the_categorys_weight_back():
    # Two letters of one person filed under one category (城乡建设: a lift, then a parking fee, in
    # one estate) share the category and few words: the category alone must not make them one matter.
    # The words counted are those of the matter, not of its kind: 电梯, 物业 and 停车费 are left out.
    lift = ("电梯老是坏", "我们9幢的电梯这个月坏了三次，有一次关了人，物业修了又坏。", "要求更换电梯")
    fee = ("停车费涨价", "小区地面停车费从一百五涨到三百，没有开业主大会。", "要求按原价收取停车费")
    a = item(petition("C1", date(2026, 9, 1), [SHEN], lift), "城乡建设")
    x = repeat_evidence(item(petition("C2", date(2026, 10, 1), [SHEN], fee), "城乡建设"), a)
    assert x["own_words"] < repeats.CATEGORY_ONLY_BELOW and x["category_same"] == 1.0
    assert x["category_only"] > 0.5
    other_kind = repeat_evidence(item(petition("C3", date(2026, 10, 1), [SHEN], fee), "商贸旅游"), a)
    assert other_kind["category_only"] == 0.0  # another category says so already
    again = repeat_evidence(item(petition("C4", date(2026, 10, 1), [SHEN], ("9幢电梯又坏了", "电梯还是老样子，三天两头坏，"
                                                                         "上次反映过物业说修，修了又坏。", "要求更换电梯")),
                                 "城乡建设"), a)
    assert again["category_only"] < 0.1  # the same lift again (9幢, 修了又坏): the words decide
    p = repeats.shipped().probability
    assert p(list(x.values())) < 0.5 < p(list(again.values()))


def test_the_shipped_repeat_model_is_what_its_script_builds_from_the_tuning_corpora():
    # repeat_model.json is not edited by hand and learns from no held-out corpus: rebuilding it
    # from the tuning corpora's candidate pairs gives the same weights.
    from tests.data.analysis import build_repeats, corpus

    built, data, _, _ = build_repeats.build()
    assert not set(data) & set(corpus.HELD_OUT)
    assert sum(sum(y) for _, y in data.values()) > 200  # the writers' chains are in the training pairs
    shipped = repeats.shipped()
    assert max(abs(a - b) for a, b in zip(built.coef, shipped.coef, strict=True)) < 1e-4
    assert abs(built.intercept - shipped.intercept) < 1e-4
