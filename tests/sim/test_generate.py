"""The generator: deterministic, realistic, labelled."""

from __future__ import annotations

import json
from datetime import date

from core.privacy import id_checksum_ok
from petitionbot.sim import gen_text
from petitionbot.sim.generate import generate


def test_same_seed_same_dataset_other_seed_other_dataset():
    assert json.dumps(generate(60, 5)) == json.dumps(generate(60, 5))
    assert generate(60, 5)["petitions"] != generate(60, 6)["petitions"]


def test_fields_ids_and_phones_are_well_formed():
    data = generate(300, 2, hostile_share=0)
    refs = [p["ref"] for p in data["petitions"]]
    assert len(set(refs)) == len(refs) == 300
    people = [x for p in data["petitions"] for x in p["petitioners"]]
    assert people and all(id_checksum_ok(x["id_number"]) for x in people)
    assert all(len(x["phone"]) == 11 and x["phone"][0] == "1" for x in people)
    for p in data["petitions"]:
        assert p["form"] in ("来信", "来访", "网上信访", "电话")
        assert p["purpose"] in ("求决", "申诉", "检举控告", "建议意见", "其他")
        assert p["locality"] in gen_text.LOCALITIES
        assert date.fromisoformat(p["received_on"]) <= date.fromisoformat(p["assigned_on"])
    assert {t["category"] for t in data["truth"].values()} == set(gen_text.CATEGORIES)
    assert len(gen_text.CATEGORIES) == 17


def test_units_repeats_groups_and_clusters_are_labelled():
    data = generate(300, 3, hostile_share=0)
    by_ref = {p["ref"]: p for p in data["petitions"]}
    units = {p["assigned_to"] for p in data["petitions"]}
    assert units == {"YH-JD", "CQ-JD"}
    assert sum(p["assigned_to"] == "CQ-JD" for p in data["petitions"]) < 20
    truth = data["truth"]
    repeats = [(ref, t["repeat_of"]) for ref, t in truth.items() if t["repeat_of"]]
    assert len(repeats) > 10
    for ref, first in repeats:
        ids_now = {x["id_number"] for x in by_ref[ref]["petitioners"]}
        ids_first = {x["id_number"] for x in by_ref[first]["petitioners"]}
        assert ids_now <= ids_first and by_ref[first]["received_on"] <= by_ref[ref]["received_on"]
        assert truth[ref]["category"] == truth[first]["category"]
    assert any(by_ref[r]["petitioners"][0]["phone"] != by_ref[f]["petitioners"][0]["phone"] for r, f in repeats
               if by_ref[r]["petitioners"])  # someone came back with a new phone number
    groups = [p for p in data["petitions"] if p["headcount"] >= 5]
    assert groups and all(len(p["petitioners"]) >= 2 for p in groups if truth[p["ref"]]["repeat_of"] is None)
    clusters: dict[str, list[dict]] = {}
    for ref, t in truth.items():
        if t["cluster"]:
            clusters.setdefault(t["cluster"], []).append(by_ref[ref])
    assert len(clusters) >= 3
    for members in clusters.values():
        days = sorted(date.fromisoformat(p["received_on"]) for p in members)
        assert len({p["locality"] for p in members}) == 1 and (days[-1] - days[0]).days <= 6


def test_hostile_share_zero_means_none_and_some_means_some():
    def hostile_count(data: dict) -> int:
        text = json.dumps(data["petitions"], ensure_ascii=False)
        return sum(text.count(h[:12]) for h in ("=HYPERLINK", "{{ 7*7 }}", "<script>", "../../etc/passwd", "\u202e"))

    assert hostile_count(generate(200, 4, hostile_share=0)) == 0
    data = generate(200, 4, hostile_share=0.3)
    assert hostile_count(data) > 0 and sum(t["hostile"] for t in data["truth"].values()) > 30


def test_attachment_size_gives_one_attachment_of_that_size_each():
    data = generate(20, 1, attachment_size=200_000, hostile_share=0)
    assert all(len(p["attachments"]) == 1 and p["attachments"][0]["size"] == 200_000 for p in data["petitions"])


def test_malformed_share_produces_labelled_defects():
    data = generate(200, 9, malformed_share=0.2)
    defects = {t["malformed"] for t in data["truth"].values() if t["malformed"]}
    assert len(defects) >= 3
