"""The blind corpora (each written by a writer who saw no code) and their development / test splits.

    blind/petitions.json    corpus 1, petitions as its writer wrote them
    blind/truth.json        ref -> category, chain, cluster, group, decoy, not_repeat, trap, note
    split.json              corpus 1: {"dev": [refs], "test": [refs]}, made once by split.py
    blind2/...              corpus 2 (another writer, same format)
    split2.json             corpus 2: {"dev2": [refs], "test2": [refs]}, made once by split.py --corpus blind2
    blind3/...              corpus 3 (a third writer, same format), held out whole as "test3": it
                            arrived after round three of tuning was done, and nothing tunes on it
    blind4/...              corpus 4 (a fourth writer), tuning data whole as "dev4" (round four)
    blind5/...              corpus 5 (a fifth writer, written at the same time as corpus 4), held out
                            whole as "test5": committed before any figure, reported only
    blind6/...              corpus 6 (a sixth writer, more clusters), tuning data whole as "dev6" (round five)
    blind7/...              corpus 7 (a seventh writer, written at the same time as corpus 6), held out
                            whole as "test7"
    blind8/...              corpus 8 (an eighth writer, more repeat chains), tuning data whole as "dev8"
    blind9/...              corpus 9 (a ninth writer, written at the same time as corpus 8), held out
                            whole as "test9"
    blind10/...             corpus 10 (a tenth writer: more clusters and hard decoys, and the office's
                            own filing habits, truth key "habit"), tuning data whole as "dev10"
    blind11/...             corpus 11 (an eleventh writer, written at the same time as corpus 10, with
                            habits of its own), held out whole as "test11"
    blind12/...             corpus 12 (a twelfth writer: many hard clusters and decoys), tuning data
                            whole as "dev12"
    blind13/...             corpus 13 (a thirteenth writer, written at the same time as corpus 12),
                            held out whole as "test13"
    blind14/...             corpus 14 (a fourteenth writer, round eight's note again), tuning data
                            whole as "dev14"
    blind15/...             corpus 15 (a fifteenth writer, written at the same time as corpus 14),
                            held out whole as "test15"
    blind16/...             corpus 16 (a sixteenth writer, round eight's note again), tuning data
                            whole as "dev16"
    blind17/...             corpus 17 (a seventeenth writer, written at the same time as corpus 16),
                            held out whole as "test17"
    blind18/...             corpus 18 (an eighteenth writer, round eleven's note: many repeats and hard
                            NOT-repeats), tuning data whole as "dev18"
    blind19/...             corpus 19 (a nineteenth writer, written at the same time as corpus 18),
                            held out whole as "test19"
    blind20/...             corpus 20 (a twentieth writer, round eleven's note again), judged unseen,
                            then tuning data whole as "dev20"
    blind21/...             corpus 21 (a twenty-first writer, written at the same time as corpus 20),
                            held out whole as "test21"
    blind22/...             corpus 22 (a twenty-second writer: round twelve's note with more of one
                            person's other matter of the same kind), judged once as held out ("test22"), then
                            tuning data whole as "dev22" (round thirteen)
    blind23/...             corpus 23 (a twenty-third writer, written at the same time as corpus 22),
                            held out whole as "test23"
    blind24/...             corpus 24 (a twenty-fourth writer, corpus 22's note), judged unseen as round
                            thirteen's adoption check, then tuning data whole as "dev24"
    blind25/...             corpus 25 (a twenty-fifth writer, written at the same time as corpus 24),
                            held out whole as "test25"
    blind26/...             corpus 26 (a twenty-sixth writer, corpus 22's note), judged unseen as the
                            check of round thirteen's second change, then tuning data whole as "dev26"
    blind27/...             corpus 27 (a twenty-seventh writer, written at the same time as corpus 26),
                            held out whole as "test27"
    blind28/...             corpus 28 (a twenty-eighth writer, corpus 22's note), judged unseen as the
                            check of round fourteen's first change, then tuning data whole as "dev28"
    blind29/...             corpus 29 (a twenty-ninth writer, written at the same time as corpora 28, 30
                            and 31), held out whole as "test29"
    blind30/...             corpus 30 (a thirtieth writer, corpus 22's note), judged unseen as the check
                            of round fourteen's second candidate, then tuning data whole as "dev30"
    blind31/...             corpus 31 (a thirty-first writer, written at the same time as corpora 28-30),
                            held out whole as "test31"
    blind32/...             corpus 32 (a thirty-second writer, corpus 22's note), judged unseen as the
                            check of round fourteen's third candidate (not adopted), then tuning data
                            whole as "dev32"
    blind33/...             corpus 33 (a thirty-third writer, corpus 22's note, written at the same time
                            as corpus 32), held out whole as "test33"
    blind34/...             corpus 34 (a thirty-fourth writer, corpus 22's note), judged unseen as the
                            check of round fifteen's first change, then tuning data whole as "dev34"
    blind35/...             corpus 35 (a thirty-fifth writer, written at the same time as corpora 34,
                            36 and 37), held out whole as "test35"
    blind36/...             corpus 36 (a thirty-sixth writer, corpus 22's note), judged unseen as the
                            check of round fifteen's second change, then tuning data whole as "dev36"
    blind37/...             corpus 37 (a thirty-seventh writer, written at the same time as corpora
                            34-36), held out whole as "test37"
    blind38/...             corpus 38 (a thirty-eighth writer, corpus 22's note), judged unseen as the
                            check of round fifteen's third change, then tuning data whole as "dev38"
    blind39/...             corpus 39 (a thirty-ninth writer, written at the same time as corpora
                            34-38), held out whole as "test39"
    blind40/...             corpus 40 (a fortieth writer, corpus 22's note), judged unseen as the check
                            of round sixteen's first change, then tuning data whole as "dev40"
    blind41/...             corpus 41 (a forty-first writer, written at the same time as corpora 40 and
                            42-45), held out whole as "test41"
    blind42/...             corpus 42 (a forty-second writer, corpus 22's note), judged unseen as the
                            check of round sixteen's second change, then tuning data whole as "dev42"
    blind43/...             corpus 43 (a forty-third writer, written at the same time as corpora 40-42,
                            44 and 45), held out whole as "test43"
    blind44/...             corpus 44 (a forty-fourth writer, corpus 22's note), judged unseen as the
                            check of round sixteen's third change, then tuning data whole as "dev44"
    blind45/...             corpus 45 (a forty-fifth writer, written at the same time as corpora
                            40-44), held out whole as "test45"
    blind46/...             corpus 46 (a forty-sixth writer, corpus 22's note), judged unseen as the
                            check of round seventeen's first change, then tuning data whole as "dev46"
    blind47/...             corpus 47 (a forty-seventh writer, written at the same time as corpora
                            46-51), held out whole as "test47"
    blind48/...             corpus 48 (a forty-eighth writer, corpus 22's note), judged unseen as the
                            check of round seventeen's second change, then tuning data whole as "dev48"
    blind49/...             corpus 49 (a forty-ninth writer, written at the same time as corpora
                            46-51), held out whole as "test49"
    blind50/...             corpus 50 (a fiftieth writer, written at the same time as corpora
                            46-51), held out whole as "test50"
    blind51/...             corpus 51 (a fifty-first writer, written at the same time as corpora
                            46-51), held out whole as "test51"
    blind52/...             corpus 52 (a fifty-second writer, corpus 22's note), judged unseen as the
                            check of round eighteen's candidate (not adopted), then tuning data whole as "dev52"
    blind53/...             corpus 53 (a fifty-third writer, written at the same time as corpora
                            52-57), held out whole as "test53"
    blind54/...             corpus 54 (a fifty-fourth writer, written at the same time as corpora
                            52-57), held out whole as "test54"
    blind55/...             corpus 55 (a fifty-fifth writer, written at the same time as corpora
                            52-57), held out whole as "test55"
    blind57/...             corpus 57 (a fifty-seventh writer, written at the same time as corpora
                            52-57), held out whole as "test57"
    blind58/...             corpus 58 (a fifty-eighth writer, with the office's map of neighbouring places,
                            neighbours.json; written at the same time as corpora 58-60), the check of
                            round nineteen's map (not adopted) and held out whole as "test58"
    blind59/...             corpus 59 (a fifty-ninth writer, with the office's map of neighbouring places,
                            neighbours.json; written at the same time as corpora 58-60), the check of
                            round nineteen's map (not adopted) and held out whole as "test59"
    blind60/...             corpus 60 (a sixtieth writer, with the office's map of neighbouring places,
                            neighbours.json; written at the same time as corpora 58-60), the check of
                            round nineteen's map (not adopted) and held out whole as "test60"
    blind61/...             corpus 61 (a sixty-first writer, corpus 57's note; written at the same time as
                            corpora 61-64), a check of round nineteen's 重件 bar and held out whole as "test61"
    blind62/...             corpus 62 (a sixty-second writer, corpus 57's note; written at the same time as
                            corpora 61-64), a check of round nineteen's 重件 bar and held out whole as "test62"
    blind63/...             corpus 63 (a sixty-third writer, corpus 57's note; written at the same time as
                            corpora 61-64), a check of round nineteen's 重件 bar and held out whole as "test63"
    blind64/...             corpus 64 (a sixty-fourth writer, corpus 57's note; written at the same time as
                            corpora 61-64), a check of round nineteen's 重件 bar and held out whole as "test64"
    blind65/... blind68/    corpora 65 to 68 (a sixty-fifth to a sixty-eighth writer, corpus 61's note; written
                            at the same time), the check of round twenty's blind "another matter" phrases
                            and held out whole as "test65" to "test68"
    blind69/... blind74/    corpora 69 to 74 (a sixty-ninth to a seventy-fourth writer, corpus 65's note;
                            written at the same time), the check of round twenty-one's "earlier matter
                            settled" words (not adopted) and held out whole as "test69" to "test74"

Halves: "dev", "test" (corpus 1), "dev2", "test2" (corpus 2), "test3", "dev4", "test5", "dev6", "test7", "dev8", "test9",
"dev10", "test11", "dev12", "test13", "dev14", "test15", "dev16", "test17", "dev18", "test19", "dev20", "test21", "dev22",
"test23", "dev24", "test25", "dev26", "test27", "dev28", "test29", "dev30", "test31", "dev32", "test33", "dev34",
"test35", "dev36", "test37", "dev38", "test39", "dev40", "test41", "dev42", "test43", "dev44", "test45", "dev46",
"test47", "dev48", "test49", "test50", "test51", "dev52", "test53", "test54", "test55", "test57",
"test58", "test59", "test60", "test61", "test62", "test63", "test64", "test65", "test66", "test67", "test68",
"test69", "test70", "test71", "test72", "test73", "test74".
Tuning may read "dev",
"test" (corpus 1's test half was reported before corpus 2 arrived, so it has become tuning data),
"dev2", "dev4", "dev6", "dev8", "dev10", "dev12", "dev14", "dev16", "dev18", "dev20", "dev22", "dev24",
"dev26", "dev28", "dev30", "dev32", "dev34", "dev36", "dev38", "dev40", "dev42", "dev44", "dev46", "dev48" and "dev52"; "test2",
"test3",
"test5", "test7", "test9", "test11", "test13", "test15", "test17", "test19", "test21", "test23", "test25", "test27",
"test29", "test31", "test33", "test35", "test37", "test39", "test41", "test43", "test45", "test47", "test49", "test50",
"test51", "test53", "test54", "test55", "test57", "test58", "test59", "test60", "test61", "test62",
"test63", "test64", "test65", "test66", "test67", "test68", "test69", "test70", "test71", "test72", "test73"
and "test74" are read only by
bench/analysis.py, to report.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date
from pathlib import Path
from typing import Any

from core.model import Petition, Petitioner

HERE = Path(__file__).resolve().parent
BLIND = HERE / "blind"
SPLIT = HERE / "split.json"
BLIND2 = HERE / "blind2"
SPLIT2 = HERE / "split2.json"
HANDWRITTEN = HERE / "handwritten.json"
# What tuning may read; the others are held out.
TUNING_HALVES = ("dev", "test", "dev2", "dev4", "dev6", "dev8", "dev10", "dev12", "dev14", "dev16", "dev18", "dev20",
                 "dev22", "dev24", "dev26", "dev28", "dev30", "dev32", "dev34", "dev36", "dev38", "dev40", "dev42",
                 "dev44", "dev46", "dev48", "dev52")
HELD_OUT = ("test2", "test3", "test5", "test7", "test9", "test11", "test13", "test15", "test17", "test19", "test21",
            "test23", "test25", "test27", "test29", "test31", "test33", "test35", "test37",
            "test39", "test41", "test43", "test45", "test47", "test49", "test50", "test51",
            "test53", "test54", "test55", "test57", "test58", "test59", "test60",
            "test61", "test62", "test63", "test64", "test65", "test66", "test67", "test68",
            "test69", "test70", "test71", "test72", "test73", "test74")
# half name -> (corpus folder, split file or None for the whole corpus). Corpora 1 and 2 are split in
# halves; every later corpus is one half whole, named "devN" or "testN" after its folder blindN, so
# registering a corpus is naming it in TUNING_HALVES or HELD_OUT.
HALVES: dict[str, tuple[Path, Path | None]] = {"dev": (BLIND, SPLIT), "test": (BLIND, SPLIT), "dev2": (BLIND2, SPLIT2),
                                               "test2": (BLIND2, SPLIT2)}
HALVES.update({h: (HERE / f"blind{h.removeprefix('dev').removeprefix('test')}", None)
               for h in TUNING_HALVES + HELD_OUT if h not in HALVES})


def load(folder: Path = BLIND) -> tuple[list[dict[str, Any]], dict[str, dict[str, Any]]]:
    petitions = json.loads((folder / "petitions.json").read_text(encoding="utf-8"))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    return petitions, truth


def to_petition(d: dict[str, Any]) -> Petition:
    day = date.fromisoformat(str(d["received_on"])[:10])
    people = [Petitioner(str(x.get("name") or ""), str(x.get("id_number") or ""), str(x.get("phone") or ""),
                         str(x.get("address") or "")) for x in d.get("petitioners") or []]
    return Petition(ref=str(d["ref"]), title=str(d.get("title") or ""), form=str(d.get("form") or "来信"),
                    received_on=day, assigned_on=day, petitioners=people,
                    headcount=int(d.get("headcount") or max(1, len(people))), locality=str(d.get("locality") or ""),
                    content=str(d.get("content") or ""), demand=str(d.get("demand") or ""),
                    anonymous=not people)


def half(name: str) -> tuple[list[Petition], dict[str, dict[str, Any]]]:
    """The petitions of one half (a key of ``HALVES``) in date order, and their truth."""
    folder, split = HALVES[name]
    petitions, truth = load(folder)
    refs = set(json.loads(split.read_text(encoding="utf-8"))[name]) if split else {d["ref"] for d in petitions}
    ps = sorted((to_petition(d) for d in petitions if d["ref"] in refs), key=lambda p: (p.received_on, p.ref))
    return ps, {r: t for r, t in truth.items() if r in refs}


def halves(*names: str) -> tuple[list[Petition], dict[str, dict[str, Any]]]:
    """Several halves as one set (refs of the two corpora never collide), in date order."""
    ps: list[Petition] = []
    truth: dict[str, dict[str, Any]] = {}
    for n in names:
        p, t = half(n)
        ps += p
        # chain/cluster/decoy names (C01, K01…) restart in each corpus: qualify them by the corpus
        tag = HALVES[n][0].name
        truth.update({r: {**v, **{k: f"{tag}:{v[k]}" for k in ("chain", "cluster", "decoy") if v.get(k)}}
                      for r, v in t.items()})
    ps.sort(key=lambda p: (p.received_on, p.ref))
    return ps, truth


def links(truth: dict[str, dict[str, Any]]) -> list[set[str]]:
    """Sets of refs that must stay on one side: a chain, a cluster, a decoy set, a not-repeat pair."""
    sets: dict[tuple[str, str], set[str]] = defaultdict(set)
    for ref, t in truth.items():
        for kind in ("chain", "cluster", "decoy"):
            v = t.get(kind)
            if v not in (None, "", False):
                sets[(kind, str(v))].add(ref)
        nr = t.get("not_repeat") or {}
        if isinstance(nr, dict) and nr.get("of"):
            for other in ([nr["of"]] if isinstance(nr["of"], str) else list(nr["of"])):
                sets[("not_repeat", ref)] |= {ref, other}
    return list(sets.values())


def components(refs: list[str], truth: dict[str, dict[str, Any]]) -> list[list[str]]:
    """Refs grouped so that every linked set is whole (union-find over ``links``)."""
    parent = {r: r for r in refs}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for s in links(truth):
        s = [r for r in s if r in parent]
        for r in s[1:]:
            parent[find(r)] = find(s[0])
    groups: dict[str, list[str]] = defaultdict(list)
    for r in refs:
        groups[find(r)].append(r)
    return sorted((sorted(g) for g in groups.values()), key=lambda g: g[0])


def handwritten() -> dict[str, Any]:
    return json.loads(HANDWRITTEN.read_text(encoding="utf-8"))
