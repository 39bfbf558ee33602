"""The second blind corpus's split: made once from a recorded seed, linked sets whole, test2 held out."""

import json

from tests.data.analysis import build_model, corpus, split


def test_split2_is_the_seeded_split_and_keeps_linked_sets_whole():
    recorded = json.loads(corpus.SPLIT2.read_text(encoding="utf-8"))
    assert recorded["seed"] == split.SEED2
    # Re-running the split from the recorded seed gives the committed file: it was not re-drawn.
    assert split.split(split.SEED2, corpus.BLIND2, ("dev2", "test2")) == {k: recorded[k] for k in ("dev2", "test2")}
    petitions, truth = corpus.load(corpus.BLIND2)
    dev2, test2 = set(recorded["dev2"]), set(recorded["test2"])
    assert not dev2 & test2 and dev2 | test2 == {p["ref"] for p in petitions}
    for linked in corpus.links(truth):
        assert linked <= dev2 or linked <= test2, linked


def test_held_out_halves_are_never_tuning_data():
    held = set(corpus.HELD_OUT)
    assert {"test2", "test3", "test5", "test7", "test9"} <= held
    assert not held & set(corpus.TUNING_HALVES) and not held & set(build_model.TRAIN_HALVES)
    ps, truth = corpus.halves("dev", "dev2")
    # Chain names restart in each corpus: pooled halves keep them apart.
    chains = {truth[p.ref].get("chain") for p in ps} - {None}
    assert all(c.startswith(("blind:", "blind2:")) for c in chains)
