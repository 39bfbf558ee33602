from dataclasses import replace
from datetime import date

import pytest

from core.model import Petitioner
from flows.analysis.repeats import detect
from flows.analysis.settings import AnalysisSettings
from tests.analysis.helpers import QIAN, SHEN, ZHOU, item, petition

S = AnalysisSettings()
D = {"confident": S.repeat_similarity, "suspect": S.repeat_suspect_similarity, "review_window_days": 30}
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
    assert found["W2"].tier == "重件" and found["W2"].similarity >= S.repeat_weak_similarity
    assert "同名同村" in found["W2"].explain() and "仅作参考" not in found["W2"].explain()
    # The same pair just above the confident threshold but under the weak one stays suspected.
    strict = detect([item(a), item(b_same)], **D, weak_confident=found["W2"].similarity + 0.01)
    assert strict["W2"].tier == "疑似重件"
    # A medium or strong key needs only the ordinary threshold: the weak one is never below it.
    assert detect([item(a), item(b_same)], **D, weak_confident=0.01)["W2"].tier == "重件"


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
    assert found["R2"].similarity >= S.repeat_weak_similarity and "来件人代亲属反映" in found["R2"].explain()
    strict = detect([item(first), item(again)], **D, weak_confident=found["R2"].similarity + 0.01)
    assert strict["R2"].tier == "疑似重件"
    # A name that is not next to a word of kinship is not read (a cadre named in a complaint).
    cadre = ("反映低保审核", "村干部俞根法说低保申请要把子女收入算进去，两个月了还没办下来。", "请按政策重新审核低保申请")
    assert "R3" not in run(first, petition("R3", date(2026, 9, 15), [daughter], cadre, locality="洪桐村"))
    # Another village's 俞根法 is someone else.
    assert "R4" not in run(first, petition("R4", date(2026, 9, 15), [daughter], text, locality="仙宅村"))


def test_a_retired_setting_is_dropped_with_a_warning_and_a_misspelt_one_is_an_error(capsys):
    from pydantic import ValidationError

    s = AnalysisSettings(repeat_id_similarity=0.3)  # read by the previous version
    assert s.repeat_person_cosine == AnalysisSettings().repeat_person_cosine and not hasattr(s, "repeat_id_similarity")
    assert "repeat_id_similarity 已停用" in capsys.readouterr().err
    with pytest.raises(ValidationError):
        AnalysisSettings(repeat_person_cosin=0.3)
