"""Each analysis rule on cases taken from the blind corpus (tests/data/analysis/blind), mostly from
its development half: the texts are the writer's, not ours."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta

import pytest

from core.model import Petition, Petitioner
from flows.analysis import classify, clusters, matter, repeats, taxonomy, words
from flows.analysis.numbers import amounts, cn_to_int
from flows.analysis.settings import BUILTIN_TAXONOMY, AnalysisSettings
from flows.analysis.text import (
    event_dates,
    identity_keys,
    norm_address,
    place_of,
    says_again,
    says_other_matter,
    signer_names,
)
from tests.analysis.helpers import CTX, SHEN, item, petition, repeat_evidence
from tests.analysis.helpers import half_items as _half
from tests.data.analysis.corpus import HERE, load, to_petition

S = AnalysisSettings()
OPTS = {"confident": S.repeat_probability, "suspect": S.repeat_suspect_probability, "review_window_days": 30}


@pytest.fixture(scope="module")
def corpus():
    petitions, truth = load()
    return {d["ref"]: to_petition(d) for d in petitions}, truth


def its(corpus, *refs):
    ps, truth = corpus
    return [item(ps[r], truth[r]["category"]) for r in refs]


def test_twelfth_group_written_in_words_or_digits_is_one_address(corpus):
    ps, _ = corpus
    first, again = ps["YH2026-0066"], ps["YH2026-0193"]  # 李桂芳: 溪塔村十二组, then 溪塔村12组, no ID, new phone
    assert norm_address(first.petitioners[0].address) == norm_address(again.petitioners[0].address) == "溪塔村12组"
    shared = identity_keys(first).keys() & identity_keys(again).keys()
    assert "name_addr:李桂芳|溪塔村12组" in shared
    assert not any(k.startswith(("id:", "phone_name:")) for k in shared)
    assert norm_address("浙江省杭州市余杭区余杭街道永安村三组五号楼2单元") == norm_address("永安村3组5幢2单元")


def test_amounts_in_every_spelling_are_one_amount():
    assert cn_to_int("一万八千六百") == 18600 and cn_to_int("三万八") == 38000 and cn_to_int("一百零五") == 105
    assert [v for *_, v in amounts("欠我18600元、一万八千六百块、1.86万、4万1千4百")] == [18600, 18600, 18600, 41400]
    assert amounts("住12组5号，电话13905710001，干了五年，两千平方米") == []
    # A number people dial is not money (dev4: "12345工单" explained a category as "12345元").
    assert amounts("我提的12345工单没人联系；打了12315也没用；拨打96345") == []
    assert [v for *_, v in amounts("欠了95000没还，押金3000")] == [95000, 3000]
    # A flat's number after its building is an address (dev22: "凤鸣苑3幢1201").
    assert amounts("凤鸣苑3幢1201，2单元1502，5栋 1801，7号楼1203室") == []
    assert [v for *_, v in amounts("3幢的邻居借了12600没还")] == [12600]


def test_paraphrased_repeat_is_confident_and_another_matter_of_the_same_man_is_not(corpus):
    # 王建华 (金星村): 工地欠薪 3.8万 in August; in other words, without his ID, in October; then in
    # November a different matter of his own (truth: same_person_other_matter).
    found = repeats.detect(its(corpus, "YH2026-0023", "YH2026-0123", "YH2026-0173"), **OPTS)
    rep = found["YH2026-0123"]
    assert rep.tier == repeats.CONFIDENT and rep.matched == "YH2026-0023"
    why = rep.explain()
    assert "38000元" in why and "工资" in why and "电话和姓名" in why  # it says which keys and what is shared
    assert "YH2026-0173" not in found or found["YH2026-0173"].tier != repeats.CONFIDENT
    assert rep.pair is not None and rep.pair.cosine < 0.6  # few words in common: the objects carry it


def test_another_person_on_the_same_matter_is_never_a_repeat(corpus):
    # 刘长福 wrote about the same 工地 as 王建华: no shared identity, so never compared by text.
    found = repeats.detect(its(corpus, "YH2026-0023", "YH2026-0059"), **OPTS)
    assert found == {}


def test_co_signer_of_a_joint_letter_comes_back_alone(corpus):
    # 周丽萍 was the second of 8 signers of the 联名信 about the 垃圾中转站; she later calls alone,
    # with no ID: her phone and name link her to the letter.
    rep = repeats.detect(its(corpus, "YH2026-0076", "YH2026-0154"), **OPTS)["YH2026-0154"]
    assert rep.tier == repeats.CONFIDENT and rep.repeat_of == "YH2026-0076"
    assert any("周*萍" in s for s in rep.shared)


def test_a_signer_named_only_at_the_foot_of_a_joint_letter_is_found_when_she_comes_alone(corpus):
    # The 联名信 about the 垃圾中转站 lists five petitioners; 潘玉兰 is only in its last line
    # ("联名人：顾建华（5幢）、…、潘玉兰（7幢）…"). She calls alone, without an ID, with 周丽萍's words:
    # only her name in the signature list and the community link her to the letter.
    ps, truth = corpus
    letter, call = ps["YH2026-0076"], ps["YH2026-0154"]
    alone = replace(call, ref="PAN-1", petitioners=[Petitioner("潘玉兰", "", "13700001111", "凤新家园7幢")])
    cat = truth["YH2026-0076"]["category"]
    rep = repeats.detect([item(letter, cat), item(alone, cat)], **OPTS)["PAN-1"]
    assert rep.matched == "YH2026-0076" and rep.strength == 1  # a weak key: a name and a place
    assert any("联名人" in s and "潘*兰" in s for s in rep.shared), rep.shared
    assert "潘玉兰" not in rep.explain()  # masked
    # Without the signature list there is nothing to link her by.
    unsigned = replace(letter, content=letter.content.rsplit("联名人", 1)[0])
    assert repeats.detect([item(unsigned, cat), item(alone, cat)], **OPTS) == {}


def test_a_sign_off_line_is_not_a_signature_list(corpus):
    ps, _ = corpus
    # "王建华 金星村 电话13819127705" closes his own letter: his village is not a co-signer.
    assert signer_names(ps["YH2026-0123"]) == []
    assert signer_names(ps["YH2026-0195"])[:3] == ["宋佳", "何琳", "吴卫东"]  # 联名家长（15人）：…


def test_chain_of_three_links_to_its_first_item(corpus):
    found = repeats.detect(its(corpus, "YH2026-0004", "YH2026-0080", "YH2026-0179"), **OPTS)  # 沈国强, 征地
    assert found["YH2026-0080"].repeat_of == "YH2026-0004"
    third = found["YH2026-0179"]
    assert third.repeat_of == "YH2026-0004" and third.count == 2 and third.tier == repeats.CONFIDENT


def test_one_name_one_village_two_ids_is_two_people(corpus):
    ps, truth = corpus
    zhang = ps["YH2026-0133"]  # 张敏, 下陡门村一组, with an ID
    other = replace(zhang, ref="X-ZM2", received_on=zhang.received_on + timedelta(days=20), petitioners=[
        Petitioner("张敏", "330184198711131513", "", "下陡门村一组")])  # another 张敏's ID, same place
    a, b = item(zhang, truth["YH2026-0133"]["category"]), item(other, truth["YH2026-0133"]["category"])
    assert repeats.detect([a, b], **OPTS) == {}  # word for word the same text, still two people
    # Without the second ID the same name and village is a weak key: a 疑似重件 unless the matter
    # is plainly the same (here word for word, so confident, and said so).
    no_id = replace(other, petitioners=[Petitioner("张敏", "", "", "下陡门村")])
    b2 = item(no_id, truth["YH2026-0133"]["category"])
    rep = repeats.detect([a, b2], **OPTS)["X-ZM2"]
    assert rep.tier == repeats.CONFIDENT and "同名同村" in rep.explain()
    assert "一方没有身份证号" in " ".join(rep.shared)
    rep = repeats.detect([a, b2], **{**OPTS, "confident": rep.probability + 0.01})["X-ZM2"]
    assert rep.tier == repeats.SUSPECTED
    # Another matter from that name in that village is not linked at all.
    other_matter = replace(no_id, title="孙子上学问题", content="孙子户口不在本地，今年上小学报不上名。", demand="希望安排就近入学")
    assert "X-ZM2" not in repeats.detect([a, item(other_matter, "教育文体")], **OPTS)


def test_group_petitions_are_named_by_their_form(corpus):
    ps, _ = corpus
    items = [item(ps[r]) for r in ("YH2026-0156", "YH2026-0076", "YH2026-0045")]
    kinds = {a.refs[0]: a for a in clusters.group_alerts(items, S.group_headcount)}
    assert kinds["YH2026-0156"].kind == "集体访" and "来访人数 22 人" in kinds["YH2026-0156"].explanation
    assert kinds["YH2026-0076"].kind == "联名信" and "联名人数 8 人" in kinds["YH2026-0076"].explanation
    assert "YH2026-0045" not in kinds  # a visit of four is neither


def test_cluster_of_one_matter_and_no_alert_on_decoys(corpus):
    k02 = its(corpus, "YH2026-0169", "YH2026-0174", "YH2026-0177", "YH2026-0182")  # 华丰花苑8幢 elevator
    d01 = its(corpus, "YH2026-0092", "YH2026-0093", "YH2026-0097", "YH2026-0100", "YH2026-0103")  # 仙宅村, unrelated
    alerts = clusters.cluster_alerts(k02 + d01, min_size=3, days=7, link=S.cluster_link_probability)
    assert [sorted(a.refs) for a in alerts] == [[x.ref for x in k02]]
    assert "电梯" in alerts[0].explanation and "不同信访人" in alerts[0].explanation


def test_category_trap_praise_letter_that_mentions_flooding(corpus):
    ps, truth = corpus
    tax = taxonomy.load(S.taxonomy_path())
    clf = classify.Classifier(tax, classify.base_model(), CTX)
    praise = ps["YH2026-0085"]  # thanks for help in a flood: 其他, not 城乡建设
    assert truth["YH2026-0085"]["trap"] and clf.predict([praise]) == ["其他"]


def test_demand_outweighs_the_story_and_no_keyword_is_not_other():
    tax = taxonomy.load(S.taxonomy_path())
    from datetime import date

    from tests.analysis.helpers import SHEN, petition

    # A police station is named in the story; the demand is a housing matter.
    p = petition("T1", date(2026, 11, 2), [SHEN], ("丰汇苑交房三年办不出证",
                 "开发商说材料在派出所那边卡住了，派出所说跟他们没关系，报警也没用，来回跑了好几趟。",
                 "要求开发商尽快办理房产证"))
    from flows.analysis import lexicon

    s = lexicon.score(p, tax)
    assert s.scores.get("城乡建设", 0) > s.scores.get("政法", 0)
    none = petition("T2", date(2026, 11, 2), [SHEN], ("嗯", "嗯嗯。", ""))
    assert lexicon.score(none, tax).category == ""  # no hit: no vote, not 其他


def test_fine_tuning_weight_grows_with_the_number_of_labels(corpus):
    """Two confirmed labels cannot pull the shipped model off its answer; forty can."""
    ps, _ = corpus
    tax = taxonomy.load(S.taxonomy_path())
    base = classify.base_model()
    probe = ps["YH2026-0017"]  # 马蜂窝: the base says 其他
    assert classify.Classifier(tax, base, CTX, lexicon_weight=0).predict([probe]) == ["其他"]
    office = [replace(probe, ref=f"L{i}", content=probe.content + "。" * i) for i in range(40)]
    few = classify.fine_tune(base, CTX, office[:2], ["民政"] * 2)
    many = classify.fine_tune(base, CTX, office, ["民政"] * 40)
    assert classify.Classifier(tax, few, CTX, lexicon_weight=0).predict([probe]) == ["其他"]
    assert classify.Classifier(tax, many, CTX, lexicon_weight=0).predict([probe]) == ["民政"]


def test_placeholder_and_title_only_names_make_no_name_key():
    from datetime import date

    from tests.analysis.helpers import petition

    anon = petition("N1", date(2026, 11, 2), [Petitioner("未留姓名", "", "13900000000", "狮山村3组5号")])
    assert identity_keys(anon) == {}
    lu = petition("N2", date(2026, 11, 2), [Petitioner("卢女士", "", "13900000001", "狮山村3组5号")])
    # the phone (and the phone for a name written another way), not every 卢 of the village
    assert sorted(identity_keys(lu)) == ["phone:13900000001", "phone_name:13900000001|卢女士"]


def test_a_certain_person_with_alike_words_is_confident_and_not_on_another_matter(corpus):
    # dev14 (tuning data): 周彩娥, 74, comes to the office about her 低保 refused for her son's car
    # (BT14-2026-0006, a clerk's summary); a month later her granddaughter writes her letter for
    # her, in her words (0077, chain C01): "讲我儿子有车子…". The matter score is under the old
    # 重件 bar of 0.38, but the same ID makes the person certain and the words they share (低保,
    # 审核, 车子) say it is one matter: the model's 重件. With the ID and phone removed only the
    # name and address remain, and the same letters are less likely one person's. YH2026-0155 is corpus
    # 1's 邵建林 with his ID on another matter (truth: same_person_other_matter): no 重件.
    first, again = "BT14-2026-0006", "BT14-2026-0077"
    items, ps = _half("dev14", first, again)
    rep = repeats.detect(items, **OPTS)[again]
    assert rep.tier == repeats.CONFIDENT and rep.similarity < 0.38 and rep.probability >= S.repeat_probability
    assert "身份证号" in " ".join(rep.shared) and "低保" in rep.explain()
    anonymous = [item(replace(ps[i.ref], petitioners=[replace(x, id_number="", phone="") for x in ps[i.ref].petitioners]),
                      i.category) for i in items]
    weak = repeats.detect(anonymous, **OPTS)[again]
    assert weak.strength < rep.strength and weak.probability < rep.probability
    other = repeats.detect(its(corpus, "YH2026-0060", "YH2026-0155"), **OPTS)
    assert "YH2026-0155" not in other or other["YH2026-0155"].tier != repeats.CONFIDENT


def test_one_persons_other_matter_sharing_a_category_and_an_object_is_not_a_repeat():
    # dev4 (corpus 4, tuning data): the same mother, with her ID, asks first about a school place
    # for her child (BT4-2026-0010) and months later for a refund from an English training centre
    # (BT4-2026-0130; truth: same_person_other_matter). Same category (教育文体), and both speak of
    # children and of signing up: the score reached the old ID rule's bar (0.27 >= 0.22), but the
    # letters share almost no words, so no 重件.
    from tests.data.analysis.corpus import half

    ps, truth = half("dev4")
    by = {p.ref: p for p in ps}
    cat = truth["BT4-2026-0010"]["category"]
    assert truth["BT4-2026-0130"]["category"] == cat
    found = repeats.detect([item(by["BT4-2026-0010"], cat), item(by["BT4-2026-0130"], cat)], **OPTS)
    rep = found.get("BT4-2026-0130")
    assert rep is None or rep.tier != repeats.CONFIDENT


def test_a_repeat_takes_the_category_a_clerk_confirmed_on_the_item_it_repeats(corpus):
    # 王建华's second letter about his wages (YH2026-0123) repeats YH2026-0023. This office files
    # wages owed by a subcontractor under 经济管理 and its clerk confirmed that on the first letter:
    # the repeat is suggested 经济管理 too, saying why, whatever the model reads in its new words.
    from flows.analysis import flow
    from flows.analysis.settings import BUILTIN_TAXONOMY

    ps, _ = corpus
    tax, model = taxonomy.load(BUILTIN_TAXONOMY), classify.base_model()
    first, again = ps["YH2026-0023"], ps["YH2026-0123"]
    rows, _, reps = flow.analyse([first, again], S, tax, model, ctx=CTX)
    plain = {r["ref"]: r for r in rows}["YH2026-0123"]
    assert reps["YH2026-0123"].tier == repeats.CONFIDENT
    assert plain["category_source"] == "model" and plain["category_suggested"] != "经济管理"
    confirmed = replace(first, clerk={**first.clerk, "category_confirmed": "经济管理"})
    rows, _, _ = flow.analyse([confirmed, again], S, tax, model, ctx=CTX)
    row = {r["ref"]: r for r in rows}["YH2026-0123"]
    assert (row["category_suggested"], row["category_source"]) == ("经济管理", "repeat")
    assert "YH2026-0023" in row["category_why"] and "信访员确认" in row["category_why"]
    # the clerk's correction is remembered as the office's habit (本办习惯), but the model reads these
    # wages firmly (劳动和社会保障, 0.89) and the pull of one correction stops short: the second
    # letter's first reading differs, and the link's explanation says whose reading each one was
    assert "分类不同（本件初判劳动和社会保障／前件经济管理）" in row["repeat_why"]


def _dev8(*refs):
    return _half("dev8", *refs)


def test_a_lane_split_by_the_segmenter_is_still_one_named_spot():
    # dev6 (corpus 6, tuning data), cluster K4: three neighbours in 直街社区 about one house in
    # 木桥弄 let out as dormitory rooms. The phone note and the letter share few words; what ties
    # them is the lane, which jieba cuts into 木桥 + 弄. Read as one spot, the pair links and the
    # three make an alert; the same week's other petitions of the community do not join it.
    items, _ = _half("dev6", "BT6-2026-0128", "BT6-2026-0131", "BT6-2026-0135", "BT6-2026-0139", "BT6-2026-0143")
    assert "木桥弄" in items[2].f.spots and "木桥弄" in items[3].f.spots
    alerts = clusters.cluster_alerts(items, min_size=3, days=7, link=S.cluster_link_probability)
    assert [sorted(a.refs) for a in alerts] == [["BT6-2026-0135", "BT6-2026-0139", "BT6-2026-0143"]]
    assert "木桥弄" in alerts[0].explanation


def test_a_name_typed_another_way_with_the_same_phone_is_linked():
    # dev8 (corpus 8, tuning data): 钱志英 (with her ID) about a stone yard's dust; weeks later a
    # clerk logs her call as 钱芝英, no ID, same mobile. Only the phone and a name one character
    # apart connect them.
    items, by = _dev8("BT8-2026-0041", "BT8-2026-0119")
    rep = repeats.detect(items, **OPTS)["BT8-2026-0119"]
    assert rep.matched == "BT8-2026-0041" and rep.strength == 2  # medium: siblings share phones too
    assert any("电话相同、姓名写法不同" in s for s in rep.shared)
    assert "钱芝英" not in rep.explain() and "13957123390" not in rep.explain()  # masked
    other_phone = replace(by["BT8-2026-0119"], petitioners=[replace(by["BT8-2026-0119"].petitioners[0], phone="13700000000")])
    assert repeats.detect([items[0], item(other_phone, items[1].category)], **OPTS) == {}


def test_names_alike_are_one_character_apart_or_a_surname_with_a_form_of_address():
    from flows.analysis.text import names_alike

    assert names_alike("钱志英", "钱芝英") and names_alike("欧阳秀兰", "欧秀兰") and names_alike("潘水根", "老潘")
    assert names_alike("潘水根", "潘师傅") and not names_alike("老潘", "老王")
    # 老潘 called from the house's landline: the explanation shows it as a clerk writes it, masked
    from datetime import date

    from flows.analysis.text import describe_key
    from tests.analysis.helpers import petition

    phone_key = next(k for k in identity_keys(petition("L1", date(2026, 11, 2), [Petitioner("老潘", "", "0571-86137725", "")]))
                     if k.startswith("phone:"))
    assert describe_key(phone_key) == "电话相同、姓名写法不同（0571-****7725；请核对是否同一人）"
    assert not names_alike("王建国", "李建国") and not names_alike("匿名", "潘水根")


def test_one_farmers_other_matter_with_a_few_words_in_common_is_not_a_repeat():
    # dev8: 徐小平's polytunnel on his land (BT8-2026-0020, then 0103) and, later, his grain subsidy
    # (BT8-2026-0186; truth: same_person_other_matter). They share 大棚, 村里, 四分: a word cosine of
    # 0.14, which the bar of 0.12 took for one matter.
    items, _ = _dev8("BT8-2026-0020", "BT8-2026-0103", "BT8-2026-0186")
    found = repeats.detect(items, **OPTS)
    assert found["BT8-2026-0103"].tier == repeats.CONFIDENT
    assert "BT8-2026-0186" not in found or found["BT8-2026-0186"].tier != repeats.CONFIDENT


def test_a_petitioner_who_says_it_is_another_matter_is_at_most_suspected():
    # dev10 (corpus 10, tuning data): 陆金宝 came with seven others about how the land money was
    # shared out (BT10-2026-0068); a month later he writes "这次我想问另外一件事" about his pension
    # after the requisition. Same person, same category, 征地 in both: the old rules said 重件.
    items, _ = _half("dev10", "BT10-2026-0068", "BT10-2026-0131")
    found = repeats.detect(items, **OPTS)
    assert "BT10-2026-0131" not in found or found["BT10-2026-0131"].tier == repeats.SUSPECTED
    # however low the bar, the petitioner's own words keep it for the clerk, and say why
    rep = repeats.detect(items, **{**OPTS, "confident": 0.01, "suspect": 0.005})["BT10-2026-0131"]
    assert rep.tier == repeats.SUSPECTED and "另外一件事" in rep.explain()


def test_a_co_signers_own_address_does_not_make_her_next_letter_a_repeat():
    # dev10: 黄志明 and 许建军 signed a 联名信 about a furniture works' paint smell (BT10-2026-0051);
    # later each writes alone, about e-bikes charged in garages and about parking fees. Their
    # letters share 华丰, 花苑, 晚上 with the joint letter (cosine 0.16-0.17): the estate is
    # their address, not the matter. Without the address words the letters share almost nothing.
    items, _ = _half("dev10", "BT10-2026-0051", "BT10-2026-0112", "BT10-2026-0211")
    found = repeats.detect(items, **OPTS)
    assert all(found[r].tier == repeats.SUSPECTED for r in ("BT10-2026-0112", "BT10-2026-0211") if r in found)
    assert repeat_evidence(items[1], items[0])["own_words"] < 0.05


def test_a_market_closure_and_a_land_rent_told_in_everyday_words_make_their_clusters():
    # dev10 (tuning data): 直街 vendors and shoppers about the 菜场 closing (K8: one says 菜市场,
    # one 农贸市场), and 狮山村 farmers whose rent is owed (K9: one writes 土地流转, one 田租). Each
    # tells it in a few words of their own; the key object, however it is called, ties them.
    k8, _ = _half("dev10", "BT10-2026-0168", "BT10-2026-0170", "BT10-2026-0172", "BT10-2026-0176")
    k9, _ = _half("dev10", "BT10-2026-0182", "BT10-2026-0186", "BT10-2026-0189")
    for group in (k8, k9):
        alerts = clusters.cluster_alerts(group, min_size=3, days=7, link=S.cluster_link_probability)
        assert len(alerts) == 1 and len(alerts[0].refs) >= 3
    assert "土地流转" in k9[1].f.objects and "菜场" in k8[0].f.objects


def test_of_two_build_ups_linked_in_a_chain_the_alert_keeps_the_strongly_linked_one():
    # dev10 (tuning data), 凤新社区: an e-bike charged in a lift and a leaking ceiling (8/11-8/12)
    # share 物业 with a stuck lift a week later (8/18), which three residents of 凤新家园 report
    # (K2, 8/18-8/21). One chain, two windows of three: the alert is the lift build-up, whose
    # links are strong (0.59-0.62), not the run held together by 物业 alone.
    _, by = _half("dev10")
    ps = [by[r] for r in ("BT10-2026-0021", "BT10-2026-0023", "BT10-2026-0034", "BT10-2026-0036", "BT10-2026-0040")]
    cats = classify.Classifier(taxonomy.load(BUILTIN_TAXONOMY), classify.base_model(), CTX).predict(ps)
    assert set(cats) == {"城乡建设"}  # as the model reads them (the office files the e-bike under 政法)
    items = [item(p, c) for p, c in zip(ps, cats, strict=True)]
    alerts = clusters.cluster_alerts(items, min_size=3, days=7, link=S.cluster_link_probability)
    assert [sorted(a.refs) for a in alerts] == [["BT10-2026-0034", "BT10-2026-0036", "BT10-2026-0040"]]


def test_everyday_names_of_a_care_canteen_a_dirt_truck_and_a_tree_nursery_are_key_objects():
    # dev12 (corpus 12, tuning data). K14: three 永安村 people about the old people's lunches that
    # stopped, one says 居家养老服务照料中心, one 养老中心, one 照料中心. C14: 何永林 about 渣土车 at
    # night, and weeks later, by phone, about 土方车 still running. C08: 刘建华's 承包田 planted
    # with 苗木 by a neighbour; a phone note with only his name and village says 种小树.
    # K4: 金星村's collective 厂房 let for rent, the money never shown, told three ways.
    for refs in (("BT12-2026-0169", "BT12-2026-0173", "BT12-2026-0177"),
                 ("BT12-2026-0077", "BT12-2026-0080", "BT12-2026-0084")):
        group, _ = _half("dev12", *refs)
        alerts = clusters.cluster_alerts(group, min_size=3, days=7, link=S.cluster_link_probability)
        assert [sorted(a.refs) for a in alerts] == [list(refs)]
    trucks, _ = _half("dev12", "BT12-2026-0104", "BT12-2026-0193")
    assert repeats.detect(trucks, **OPTS)["BT12-2026-0193"].tier == \
        repeats.CONFIDENT
    land, _ = _half("dev12", "BT12-2026-0063", "BT12-2026-0154")
    assert "树木" in land[0].f.objects & land[1].f.objects
    assert "BT12-2026-0154" in repeats.detect(land, **OPTS)


def test_three_smells_from_three_sources_are_not_one_matter():
    # dev12 (tuning data), 金星村, one week: a neighbour's pigs, the refuse station, the dye works
    # (its hard decoy set D6). Each says 臭/气味 and nothing else in common with the others: the
    # key object alone names the kind of trouble, not the matter.
    items, _ = _half("dev12", "BT12-2026-0163", "BT12-2026-0168", "BT12-2026-0175")
    assert all("异味" in i.f.objects for i in items)
    assert clusters.cluster_alerts(items, min_size=3, days=7, link=S.cluster_link_probability) == []


def test_one_persons_two_matters_at_one_supermarket_are_a_repeat_and_another_matter():
    # dev18 (corpus 18, tuning data): 黄小芬, a cashier let go by 惠万家超市 without compensation,
    # comes to the office (BT18-2026-0067); a month later she writes online that the shop now calls
    # it her own resignation and asks for 28800 (0138, chain C17, other words, same ID). In November
    # she calls, with her phone only, about her mother's expired milk bought at the same shop (0207;
    # truth: same_person_other_matter). The round ten rules linked 0207 as 重件: the two letters of
    # one person share the shop's name (惠万家, 超市), a word cosine of 0.17. The model also asks
    # what the two titles and demands share (nothing here) and weighs the two categories.
    items, _ = _half("dev18", "BT18-2026-0067", "BT18-2026-0138", "BT18-2026-0207")
    found = repeats.detect(items, **OPTS)
    assert found["BT18-2026-0138"].tier == repeats.CONFIDENT and found["BT18-2026-0138"].matched == "BT18-2026-0067"
    assert "BT18-2026-0207" not in found or found["BT18-2026-0207"].tier == repeats.SUSPECTED
    again, other = repeat_evidence(items[1], items[0]), repeat_evidence(items[2], items[1])
    assert other["own_words"] > 0.1 and other["category_differs"] == 1.0  # the shop's name, another kind
    assert again["asks"] > other["asks"] + 0.2  # what she asks for: compensation, twice


def test_a_wage_claim_and_then_the_same_factorys_noise_are_not_one_matter():
    # dev18: 倪小平 claims two months' wages from 宏利五金厂 (BT18-2026-0128), then calls about the
    # same factory's punch presses at midnight behind his house (0203; same_person_other_matter):
    # "不是为工资的事". They share 宏利, 五金厂, 冲床 and 工资 (cosine 0.41): the rules' 重件. The
    # petitioner says which matter it is not, as two others of corpus 18 do ("这次不是地的事"): 疑似
    # at most, for the clerk, however sure the model is (here with a 重件 bar low enough for the
    # model alone to link it; at the shipped bar the model puts it under 疑似, round twelve).
    # "这不是一天两天的事" says no such thing.
    items, by = _half("dev18", "BT18-2026-0128", "BT18-2026-0203")
    assert "BT18-2026-0203" not in repeats.detect(items, **OPTS)
    rep = repeats.detect(items, **{**OPTS, "confident": 0.05, "suspect": 0.01})["BT18-2026-0203"]
    assert rep.probability >= 0.05 and rep.tier == repeats.SUSPECTED and "不是为工资的事" in rep.explain()
    assert says_other_matter(by["BT18-2026-0150"]) == "这次不是地的事"
    assert not says_other_matter(replace(by["BT18-2026-0128"], content="这不是一天两天的事了，两边社区都说不是自己的事。"))


def test_one_persons_two_police_matters_share_the_category_and_little_else():
    # dev20 (corpus 20, tuning data): 蒋春花 finds her stolen e-bike offered in a second-hand chat
    # group (BT20-2026-0174), then is talked into a click-farming scam and loses 6800 (0214; truth:
    # same_person_other_matter). Both are 政法, both ask the police to get something back, and the
    # letters share few words. Round eleven's model gave 0.66 on the category's weight; the "category
    # only" input takes it back (round twelve).
    items, _ = _half("dev20", "BT20-2026-0174", "BT20-2026-0214")
    x = repeat_evidence(items[1], items[0])
    assert x["category_same"] == 1.0 and x["category_only"] > 0.5
    p = repeats.shipped().probability
    # round thirteen's model gives 0.54 (under the 重件 bar); without this input it would be 0.92
    assert p(list(x.values())) < S.repeat_probability < p(list({**x, "category_only": 0.0}.values()))
    found = repeats.detect(items, **OPTS)
    assert "BT20-2026-0214" not in found or found["BT20-2026-0214"].tier == repeats.SUSPECTED


def test_one_flats_leak_and_then_its_lift_share_no_amount_and_are_not_one_matter():
    # dev22 (corpus 22, judged once as held out, then tuning data): 夏晓梅 of 凤鸣苑3幢1201 writes about
    # rain coming through the outer wall (BT22-2026-0016), then calls about the building's lift
    # trapping her (0142; same_person_other_matter). Her flat's number 1201 was read as an amount
    # both letters share, which outweighed the "category only" input: 重件 at 0.86.
    items, by = _half("dev22", "BT22-2026-0016", "BT22-2026-0142")
    assert "1201" in by["BT22-2026-0016"].content and "1201" in by["BT22-2026-0142"].content
    x = repeat_evidence(items[1], items[0])
    assert x["amount_same"] == 0.0 and x["category_same"] == 1.0 and x["category_only"] > 0.5
    found = repeats.detect(items, **OPTS)
    assert "BT22-2026-0142" not in found or found["BT22-2026-0142"].tier == repeats.SUSPECTED


def test_a_petitioner_who_says_it_has_nothing_to_do_with_the_last_time_is_at_most_suspected():
    # dev22: 孔德胜 lost 38000 to a click-farming scam (BT22-2026-0048), then a deposit for a
    # second-hand digger (0200): "这次跟上次刷单那个不是一回事". 高霞 complained of 金顺五金厂's night
    # noise (0014), then claims her wages there (0164): "她认为两件事不相干". Round twelve linked both
    # as 重件 (0.96 and 0.87). A chain letter that says "跟厂里没关系" names no earlier matter.
    items, by = _half("dev22", "BT22-2026-0014", "BT22-2026-0048", "BT22-2026-0164", "BT22-2026-0200")
    assert says_other_matter(by["BT22-2026-0200"]) == "跟上次刷单那个不是一回事"
    assert says_other_matter(by["BT22-2026-0164"]) == "两件事不相干"
    low = repeats.detect(items, **{**OPTS, "confident": 0.05, "suspect": 0.01})
    for ref in ("BT22-2026-0164", "BT22-2026-0200"):
        assert low[ref].tier == repeats.SUSPECTED and says_other_matter(by[ref]) in low[ref].explain()
    # dev32 (tuning data since round fourteen): "这个事跟我上回反映的被厂里辞退是两码事" (0106).
    _, dev32 = _half("dev32", "BT32-2026-0106")
    assert says_other_matter(dev32["BT32-2026-0106"]) == "跟我上回反映的被厂里辞退是两码事"
    _, dev20 = _half("dev20", "BT20-2026-0217")
    assert not says_other_matter(dev20["BT20-2026-0217"])
    assert says_other_matter(replace(dev20["BT20-2026-0217"], content="这件事与之前反映的保健品被骗无关。"))


def test_two_people_of_one_name_in_two_groups_of_one_village_are_never_compared():
    # dev26 (corpus 26, judged unseen, then tuning data): 张敏 of 永安村二组 (with her ID) asks for a
    # name written wrong on the land-contract certificate (BT26-2026-0062); 张敏 of 永安村十组 (a man,
    # no ID) calls about a neighbour farming his contracted land (0196; truth: same_name_other_person).
    # Only the weak name + village key joined them, and both are 农村农业 about 承包地: 重件 at 0.96.
    # Two village groups are two households. One building written with and without its community
    # (凤新社区凤新家园5幢 / 凤新家园5幢) is one household.
    items, by = _half("dev26", "BT26-2026-0062", "BT26-2026-0196")
    assert repeats.detect(items, **{**OPTS, "confident": 0.01, "suspect": 0.005}) == {}
    k = "name_village:张敏|永安村"
    a, b = identity_keys(by["BT26-2026-0062"])[k], identity_keys(by["BT26-2026-0196"])[k]
    assert (a.household, b.household) == ("2组", "10组")
    from flows.analysis.text import usable
    assert not usable(k, a, b) and usable(k, a, b._replace(household=""))
    one = [identity_keys(replace(by["BT26-2026-0196"], petitioners=[Petitioner("周美娟", "", "", addr)]))
           for addr in ("凤新社区凤新家园5幢", "凤新社区凤新家园5幢2单元")]
    k = "name_village:周美娟|凤新社区"
    assert one[0][k].household == one[1][k].household == "凤新家园5幢" and usable(k, one[0][k], one[1][k])


def test_a_letter_that_says_it_comes_back_weighs_for_one_matter_and_story_words_do_not():
    # dev22 (tuning data): 方金根 of 下陡门村 visits about his house rebuild that the office has not
    # approved for a year (BT22-2026-0034), then writes without his ID or phone (0173): "八月里来过一趟
    # 说造房子批不下来", and the crack the typhoon left. Only the name and village link the two, and
    # they share few words (round thirteen: 0.07 leaving his corpus out); he says he comes back.
    items, by = _half("dev22", "BT22-2026-0034", "BT22-2026-0173")
    assert says_again(by["BT22-2026-0173"]) == "八月里来过一趟说造房子批不下来"
    x = repeat_evidence(items[1], items[0])
    assert x["again"] == 1.0 and x["strong"] == 0.0
    p = repeats.shipped().probability
    assert p(list({**x, "again": 0.0}.values())) < S.repeat_probability <= p(list(x.values()))
    found = repeats.detect(items, **OPTS)["BT22-2026-0173"]
    assert found.tier == repeats.CONFIDENT and "来件提到此前已反映过（“八月里来过一趟" in found.explain()
    # The words are quoted in their clause, cut with "…" when it runs on: 沈阿根's visit (dev24 0091)
    # "来访人称8月初已来信"; the title of dev30 0044 "再次反映永盛竹木厂夜间生产扰民" is cut 8 characters on.
    _, dev24 = _half("dev24", "BT24-2026-0091", "BT24-2026-0212")
    assert says_again(dev24["BT24-2026-0091"]) == "来访人称8月初已来信"
    _, dev30 = _half("dev30", "BT30-2026-0044")
    assert says_again(dev30["BT30-2026-0044"]) == "再次反映永盛竹木厂夜…"
    # Story words are no return to this office: 汪彩凤's neighbours "好多年没回来过" (dev24 0212), a
    # new plant "又来一个" (dev20 0113); a letter that says it is another matter never comes back.
    assert "没回来过" in dev24["BT24-2026-0212"].content and says_again(dev24["BT24-2026-0212"]) == ""
    _, dev20 = _half("dev20", "BT20-2026-0113")
    assert "又来一个" in dev20["BT20-2026-0113"].content and says_again(dev20["BT20-2026-0113"]) == ""
    _, dev22 = _half("dev22", "BT22-2026-0200")
    assert "上次" in dev22["BT22-2026-0200"].content and says_again(dev22["BT22-2026-0200"]) == ""


def test_amounts_only_near_each_other_say_so_and_weigh_nothing_for_a_repeat():
    # dev28: 孙女士's gym closed with 19 private lessons left, "5130元" (BT28-2026-0088, a repeat of
    # her first letter); later a beauty salon's new owner will not honour a card "充的5000送800"
    # (0158, same_person_other_matter). 5000 and 5130 are within 5 %: read as one amount, they lifted
    # the pair over the 重件 bar when corpus 28 was left out (round fifteen).
    items, by = _half("dev28", "BT28-2026-0088", "BT28-2026-0158")
    assert "5130" in by["BT28-2026-0088"].content and "5000" in by["BT28-2026-0158"].content
    x = repeat_evidence(items[1], items[0])
    assert x["amount_same"] == 0.0 and x["amount_differs"] == 0.0
    pair = matter.score(items[1], items[0])
    assert pair.amounts == "near" and "金额相近：本件5000元，前件5130元" in pair.explain()
    found = repeats.detect(items, **OPTS)
    assert "BT28-2026-0158" not in found or found["BT28-2026-0158"].tier == repeats.SUSPECTED


def test_a_repeat_that_rounds_its_amount_loses_only_that_evidence():
    # dev6: 姚建华 is owed "18600元" (BT6-2026-0020), then writes "一万八千多块钱" (0094, a repeat with
    # a new phone). The amounts are near, not one: the explanation says 金额相近 and the model does
    # not count them, yet the rest of the letter still makes it a 重件.
    items, _ = _half("dev6", "BT6-2026-0020", "BT6-2026-0094")
    pair = matter.score(items[1], items[0])
    assert pair.amounts == "near" and pair.amount_values == [18000] and pair.near_values == [18600]
    assert repeat_evidence(items[1], items[0])["amount_same"] == 0.0
    found = repeats.detect(items, **OPTS)
    assert found["BT6-2026-0094"].tier == repeats.CONFIDENT and "金额相近" in found["BT6-2026-0094"].explain()


def test_a_second_card_at_another_kind_of_shop_is_at_most_suspected():
    # dev24: 朱丽娟's hair salon 丝域造型 vanished with her card (BT24-2026-0014); later a dry cleaner's
    # shrank her coat and will not refund its card (0145, same_person_other_matter). Both are prepaid
    # cards with refunds (商贸旅游); the kinds of shop differ (round fifteen: 干洗店 became a key
    # object, and "shops differ" an input of the repeat model).
    items, _ = _half("dev24", "BT24-2026-0014", "BT24-2026-0145")
    assert repeats.shops_differ(items[1], items[0]) == (("干洗店",), ("美发店",))
    x = repeat_evidence(items[1], items[0])
    assert x["shops_differ"] == 1.0 and x["category_same"] == 1.0
    # round fourteen's code linked it as a 重件; now the new kind of shop is a key object the first
    # letter does not name, the amounts (2980, 3000) are only near, and the kinds of shop differ
    p = repeats.shipped().probability
    assert p(list(x.values())) < 0.4 < p(list({**x, "shops_differ": 0.0}.values())) < S.repeat_probability
    assert "BT24-2026-0145" not in repeats.detect(items, **OPTS)  # under the 疑似 bar too
    # where other evidence still makes it a 疑似重件, the clerk is told what differs
    rep = repeats.Repeat("BT24-2026-0145", "BT24-2026-0014", "BT24-2026-0014", 1, ["身份证号 3301…"], 0.4,
                         tier=repeats.SUSPECTED, shops=repeats.shops_differ(items[1], items[0]))
    assert "两件说的不是同一类店或机构（本件：干洗店；前件：美发店）" in rep.explain()


def test_a_retold_card_at_one_shop_names_one_kind_of_shop():
    # dev28: 孙女士's two letters about 力美健身 (BT28-2026-0014, then 0088 in other words) name the same
    # kind of shop, so "shops differ" never counts against them; each kind is a key object.
    items, _ = _half("dev28", "BT28-2026-0014", "BT28-2026-0088")
    assert items[0].f.objects & items[1].f.objects & repeats.SHOP_KINDS == {"健身房"}
    assert repeats.shops_differ(items[1], items[0]) == ((), ())
    assert repeats.SHOP_KINDS <= set(words.load_matter(BUILTIN_TAXONOMY).objects)


def test_another_question_or_this_time_another_thing_is_another_matter():
    # dev22: "纪委领导：我再写一封信，这回是别的事" (BT22-2026-0218, same_person_other_matter of 0081).
    # Round fifteen added this wording and those below.
    items, by = _half("dev22", "BT22-2026-0081", "BT22-2026-0218")
    assert says_other_matter(by["BT22-2026-0218"]) == "这回是别的事"
    assert not says_again(by["BT22-2026-0218"])  # "我再写一封信" is no return to the earlier matter
    found = repeats.detect(items, **OPTS)
    assert "BT22-2026-0218" not in found or found["BT22-2026-0218"].tier == repeats.SUSPECTED
    # dev34 0205: 朱美华, after her group's visit about the land requisition's compensation, calls
    # about pensions; dev36: wages then an injury at one factory (0169), a second neighbour (0195),
    # a second fraud (0218). Each was a 重件 before round fifteen read these words.
    _, dev34 = _half("dev34", "BT34-2026-0205")
    assert says_other_matter(dev34["BT34-2026-0205"]) == "问的是另外一个问题"
    _, dev36 = _half("dev36", "BT36-2026-0169", "BT36-2026-0195", "BT36-2026-0218")
    # (0218's title "买游戏账号又被骗8600" is round sixteen's new-incident words; its letter says more)
    assert [says_other_matter(replace(dev36[r], title="")) for r in ("BT36-2026-0169", "BT36-2026-0195",
                                                                     "BT36-2026-0218")] == [
        "这次只说受伤的事", "与之前反映的排水沟不是同一户", "跟我上次那个不是一个案子"]
    # one matter's other side, said in like words, is not "another matter" (dev20 0216's words)
    assert not says_other_matter(replace(dev34["BT34-2026-0205"], title="", demand="",
                                         content="车位不够是另外的问题，体育场地不能被占吧？"))


def test_another_matter_in_words_written_blind():
    # Round twenty: phrases a helper wrote blind (tests/data/analysis/other_matter_blind), none of which
    # the patterns read from tuning corpora know; and the helper's own look-alikes (a return to the same
    # matter, a reply that missed the point, another office's excuse) never count.
    def plain(content: str) -> Petition:
        return petition("X-BLIND", date(2026, 9, 1), [], ("", content, ""))
    assert says_other_matter(plain("来电人称这趟是别的，勿是上趟那桩事体，是楼下开了家烧烤店油烟大。")) == "这趟是别的"
    assert says_other_matter(plain("本人另反映一事：小区东门的路灯坏了两个月。")) == "另反映一事"
    assert says_other_matter(plain("这是个新问题，跟拆迁补偿八竿子打不着。")) == "这是个新问题"
    blind = json.loads((HERE / "other_matter_blind" / "phrases.json").read_text(encoding="utf-8"))
    assert [x["text"] for x in blind["look_alikes"] if says_other_matter(plain(x["text"]))] == []


def test_the_shop_a_letter_is_about_is_the_one_its_title_and_demand_name():
    # dev36: 周建英 chased her hair salon card (BT36-2026-0060, "问美发店预付卡退款进展"); later her gym
    # card (0155, same_person_other_matter) says "这家跟之前那个美发店就隔了三个门面". The whole text
    # names both kinds, so round fifteen saw no difference and linked it as a 重件 (0.98); its title
    # and demand name the gym alone (round sixteen).
    items, _ = _half("dev36", "BT36-2026-0060", "BT36-2026-0155")
    assert items[1].f.objects & repeats.SHOP_KINDS == {"健身房", "美发店"}
    assert repeats.shop_kinds(items[1]) == {"健身房"} and repeats.shop_kinds(items[0]) == {"美发店"}
    assert repeats.shops_differ(items[1], items[0]) == (("健身房",), ("美发店",))
    assert "BT36-2026-0155" not in repeats.detect(items, **OPTS)
    # dev34: 赵丽君's 美容养生馆 card (0020), then a 美发店 card (0157): a hair salon is a kind of shop
    # of its own, no longer filed under 美容院
    items, _ = _half("dev34", "BT34-2026-0020", "BT34-2026-0157")
    assert repeats.shops_differ(items[1], items[0]) == (("美发店",), ("美容院",))
    assert "BT34-2026-0157" not in repeats.detect(items, **OPTS)


def test_a_letter_whose_title_names_no_shop_is_read_whole():
    # a shop named only in the story still counts when the title and demand name none
    story = ("预付卡退不了", "我在镇上的理发店办了一张卡，店关门了。", "要求退钱")
    a = item(petition("BT-1", date(2026, 9, 1), [SHEN], story))
    assert repeats.shop_kinds(a) == {"美发店"}
    b = item(petition("BT-2", date(2026, 9, 1), [SHEN], ("健身卡的事", story[1], "要求健身房退钱")))
    assert repeats.shop_kinds(b) == {"健身房"}  # the demand names the gym; the story's salon is not read


def test_it_happened_again_is_a_new_incident_not_a_repeat():
    # dev38: 邵立群 was defrauded by a fake courier (BT38-2026-0044); later "又被骗了，这次是贷款 …
    # 这次不是那个事" (0211, same_person_other_matter), a 重件 at 0.99 before round sixteen read these
    # words. dev36 0155's title is "又一家！力美健身的卡也用不了".
    items, by = _half("dev38", "BT38-2026-0044", "BT38-2026-0211")
    assert says_other_matter(by["BT38-2026-0211"]) == "又被骗" and says_again(by["BT38-2026-0211"]) == ""
    assert "BT38-2026-0211" not in repeats.detect(items, **OPTS)
    assert says_other_matter(replace(by["BT38-2026-0211"], title="")) == "这次不是那个事"
    _, dev36 = _half("dev36", "BT36-2026-0155")
    assert says_other_matter(dev36["BT36-2026-0155"]) == "又一家"
    # a figure of speech in a true repeat (dev32 0165: "等于又被骗了一次") is not a new incident
    _, dev32 = _half("dev32", "BT32-2026-0165")
    assert "等于又被骗了一次" in dev32["BT32-2026-0165"].content
    assert says_other_matter(dev32["BT32-2026-0165"]) == ""


def test_this_time_x_not_last_times_y_is_another_matter():
    # dev52 (tuning data since round eighteen's check): 张丽芳's beauty-salon card (BT52-2026-0018), then
    # "又碰到一个！…这次是健身房，不是上次那个美容院" (0146, same_person_other_matter). The ledger of a
    # run over corpus 52 showed it as a 疑似重件 "来件提到此前已反映过（“不是上次那个美容院”）": the
    # words that say it is another matter were quoted as coming back.
    items, by = _half("dev52", "BT52-2026-0018", "BT52-2026-0146")
    assert says_other_matter(by["BT52-2026-0146"]) == "这次是健身房，不是上次那个" and says_again(by["BT52-2026-0146"]) == ""
    assert "BT52-2026-0146" not in repeats.detect(items, **OPTS)
    # who received the petitioner this time is no other matter
    for text in ("这次接待我的不是上次那个同志，又要从头讲一遍", "不是上次那个问题还没解决吗"):
        assert says_other_matter(petition("A3", date(2026, 11, 8), [], ("再次反映", text, ""))) == "", text


def test_dates_a_letter_gives_are_read_in_every_spelling():
    def dates(text: str) -> list[tuple[date, str]]:
        return event_dates(petition("BT-1", date(2026, 11, 10), [SHEN], ("", text, "")))

    assert dates("10月初把围挡往外移了") == [(date(2026, 10, 3), "10月初")]
    assert dates("十月二十三号上午，十一月五日") == [(date(2026, 10, 23), "十月二十三号"), (date(2026, 11, 5), "十一月五日")]
    assert dates("2025年12月3号办的卡") == [(date(2025, 12, 3), "2025年12月3号")]
    assert dates("12月20日办的卡") == [(date(2025, 12, 20), "12月20日")]  # no year: the last one before the receipt
    assert dates("九月三十日，2月30号") == [(date(2026, 9, 30), "九月三十日"), (date(2026, 2, 28), "2月30号")]
    assert dates("上个礼拜想借点钱") == [(date(2026, 11, 7), "上个礼拜")]
    assert dates("共15月，三个月，12个月") == []


def test_an_event_after_the_first_letter_weighs_against_a_repeat_and_is_shown():
    # dev28: 杨志明 called about the 禹航综合体 site working all night (BT28-2026-0075, 09-06); he came
    # back about its hoarding taking the pavement "10月初" (0145, same_person_other_matter), linked as
    # a 重件 when corpus 28 was left out before round sixteen.
    items, _ = _half("dev28", "BT28-2026-0075", "BT28-2026-0145")
    assert repeats.event_after(items[1], items[0]) == "10月初"
    x = repeat_evidence(items[1], items[0])
    p = repeats.shipped().probability
    assert x["event_after"] == 1.0 and p(list(x.values())) < p(list({**x, "event_after": 0.0}.values()))
    found = repeats.detect(items, **OPTS)
    assert found["BT28-2026-0145"].tier == repeats.SUSPECTED
    assert "本件所述的事发生在前件收件之后（“10月初”）" in found["BT28-2026-0145"].explain()
    # a 重件 is not told so: it often tells of new events of its own matter too
    sure = replace(found["BT28-2026-0145"], tier=repeats.CONFIDENT)
    assert sure.later == "10月初" and "发生在前件收件之后" not in sure.explain()
    # a repeat that retells the first event dates nothing after it: dev6 0094 (姚建华's wages again)
    items, _ = _half("dev6", "BT6-2026-0020", "BT6-2026-0094")
    assert repeats.event_after(items[1], items[0]) == ""


def test_a_clinic_of_another_kind_is_another_matter():
    # dev42: 孔秀娥's dental implants at 美齿口腔 (BT42-2026-0040), then her call about the village
    # clinic's wrong medicine for her grandson (0196, same_person_other_matter): both 卫生计生, and
    # until round seventeen 牙科诊所, 卫生室 and 医生 were all one key object (医院), so the two shared
    # their only one and the repeat model linked them as a 重件 (0.91). A dental clinic and a village
    # clinic are kinds of their own, read as kinds of shop are.
    items, _ = _half("dev42", "BT42-2026-0040", "BT42-2026-0196")
    assert repeats.shop_kinds(items[0]) == {"口腔诊所"} and repeats.shop_kinds(items[1]) == {"卫生院"}
    assert repeats.shops_differ(items[1], items[0]) == (("卫生院",), ("口腔诊所",))
    assert "BT42-2026-0196" not in repeats.detect(items, **OPTS)
    # 医生 names no kind: a letter about one clinic's doctor and another about its fees agree
    a = item(petition("BT-1", date(2026, 9, 1), [SHEN], ("种牙失败", "在口腔诊所种了两颗牙，医生不负责。", "要求退钱")))
    b = item(petition("BT-2", date(2026, 9, 20), [SHEN], ("牙科诊所还是不退钱", "那个牙医说再等等。", "退种植牙的钱")))
    assert repeats.shops_differ(b, a) == ((), ()) and repeats.shop_kinds(b) == {"口腔诊所"}


def test_a_locality_written_with_its_street_is_the_village_of_an_address():
    # dev42's writer wrote every 问题属地 with its street (余杭街道下陡门村), as an upstream may. 钟建明
    # wrote from 下陡门村六组 with his ID (BT42-2026-0041), then called with a phone and no address
    # (0136, chain C11): his village came from the address once and from the locality once, and the
    # two spellings made two name+village keys, so the call was never compared with the letter.
    assert [place_of(x) for x in ("余杭街道下陡门村", "浙江省杭州市余杭区余杭街道永安村", "仓前街道东岳村", "凤新社区",
                                  "镇东村", "余杭街道")] == ["下陡门村", "永安村", "东岳村", "凤新社区", "镇东村", ""]
    items, by = _half("dev42", "BT42-2026-0041", "BT42-2026-0136")
    assert by["BT42-2026-0136"].locality == "余杭街道下陡门村" and not by["BT42-2026-0136"].petitioners[0].address
    assert set(identity_keys(by["BT42-2026-0041"])) & set(identity_keys(by["BT42-2026-0136"])) == {
        "name_village:钟建明|下陡门村"}
    assert "BT42-2026-0136" in repeats.detect(items, **OPTS)


def test_neighbours_naming_the_other_village_meet_when_localities_carry_the_street():
    # dev42's K3: a concrete plant on the 仙宅村/永安村 border, told by four neighbours of the two
    # villages in six days (BT42-2026-0138 "仙宅村与永安村交界处", 0141 "永安西边和仙宅交界", 0145, 0150).
    # With the localities written 余杭街道仙宅村, the village's name searched for in the other letter
    # was "余杭街道仙宅", which no letter writes; the border pairs were judged as two places and the
    # cluster was missed even with corpus 42 in the training set.
    items, _ = _half("dev42", "BT42-2026-0138", "BT42-2026-0141", "BT42-2026-0145", "BT42-2026-0150")
    assert clusters.one_place(items[0], items[1]) and clusters.one_place(items[1], items[3])
    assert not clusters.one_place(items[0], _half("dev42", "BT42-2026-0205")[0][0])  # 下陡门村 is not named
    alerts = clusters.cluster_alerts(items, min_size=3, days=S.cluster_days, link=S.cluster_link_probability)
    assert len(alerts) == 1 and len(alerts[0].refs) >= 3 and {"余杭街道仙宅村", "余杭街道永安村"} <= set(alerts[0].localities)


def test_a_clerks_no_to_one_petition_of_a_chain_is_a_no_to_the_whole_chain():
    # dev52 (corpus 52, tuning data): 赵红梅 about her son's primary school (0002, then 0078 from a
    # new phone without her ID: chain C25), then about her younger daughter's kindergarten (0171),
    # one person's other matter of one kind, which the model links to 0078 as a 重件.
    first, again, other = "BT52-2026-0002", "BT52-2026-0078", "BT52-2026-0171"
    items, _ = _half("dev52", first, again, other)
    found = repeats.detect(items, **OPTS)
    assert found[again].repeat_of == first and found[again].tier == repeats.CONFIDENT
    assert found[other].matched == again and found[other].tier == repeats.CONFIDENT
    # The clerk answers 不是重件. Before round twenty-one the next run offered the kindergarten as a
    # 重件 of the chain's first petition instead: the same question twice.
    no = {frozenset((other, again)): repeats.REJECT}
    after = repeats.detect(items, decisions=no, **OPTS)
    assert other not in after
    assert after[again].repeat_of == first  # the chain itself stands
    # A 是重件 to one petition of that chain is the clerk's word and holds.
    yes = {**no, frozenset((other, first)): repeats.CONFIRM}
    assert repeats.detect(items, decisions=yes, **OPTS)[other].matched == first
