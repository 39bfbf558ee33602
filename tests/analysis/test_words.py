"""The key objects' synonyms (matter.toml): one name whatever a petitioner calls the thing."""

from __future__ import annotations

import re
import shutil
import tomllib
from datetime import date

import pytest
from loguru import logger

from core.errors import ConfigError
from flows.analysis import words
from flows.analysis.items import TextContext
from flows.analysis.numbers import buildings
from flows.analysis.settings import BUILTIN_TAXONOMY
from tests.analysis.helpers import SHEN, petition

MATTER = words.Matter.build({"土地流转": ["流转", "田租"], "停车位": ["停车"], "桥梁": ["木桥", "石桥"],
                             "泵站": ["机埠", "抽水的站子", "泵房"]}, {}, [])


def test_the_longest_phrase_at_a_place_wins_and_every_one_found_is_named():
    text, found = MATTER.canonical("村里土地流转的田租没给，停车位也被占，机埠坏了")
    assert found == {"土地流转", "停车位", "泵站"}
    assert "土地流转" in text and " 流转 " not in text and "机埠" not in text


def test_a_phrase_inside_a_place_name_is_left_alone():
    # 木桥弄 is a lane and 石桥村 a village: neither is the bridge a petition is about
    text, found = MATTER.canonical("住在木桥弄的老人说石桥村那座木桥断了")
    assert "木桥弄" in text and "石桥村" in text and found == {"桥梁"}


def test_the_pattern_finds_what_a_plain_longest_first_alternation_finds():
    # the trie is only a faster way of writing "every phrase, longest first"
    flat = re.compile("|".join(map(re.escape, sorted(MATTER._synonym_of, key=len, reverse=True))))
    for text in ("抽水的站子和泵房", "流转流转费田租", "停车停车位", "没有一个"):
        assert [m.group(0) for m in MATTER._synonym_re.finditer(text)] == [m.group(0) for m in flat.finditer(text)]


def test_the_shipped_thesaurus_names_each_phrase_once():
    # a phrase under two objects would silently go to the first: the file's own rule forbids it
    data = tomllib.loads((BUILTIN_TAXONOMY / words.MATTER_FILE).read_text(encoding="utf-8"))["objects"]
    seen: dict[str, str] = {}
    for canon, phrases in data.items():
        for w in phrases:
            assert len(w) >= 2, w
            assert seen.setdefault(w, canon) == canon, f"{w} under {seen[w]} and {canon}"


def test_an_office_teaches_its_own_name_for_a_place_in_its_copy_of_the_thesaurus(tmp_path):
    # the clerk guide's steps: copy templates/taxonomy, add a line, point [analysis] taxonomy_dir at it
    own = tmp_path / "分类"
    shutil.copytree(BUILTIN_TAXONOMY, own)
    far = petition("L1", date(2026, 9, 9), [SHEN], ("晚上有烟", "河对面那个厂天天晚上冒黑烟，呛得睡不着。", "请来查一下"))
    assert "鑫达塑料厂" not in TextContext.load(own).features(far).objects
    path = own / words.MATTER_FILE
    text = path.read_text(encoding="utf-8").replace("[objects]\n", '[objects]\n"鑫达塑料厂" = ["鑫达塑料厂", "鑫达", "河对面那个厂"]\n', 1)
    path.write_text(text, encoding="utf-8")
    assert "鑫达塑料厂" in TextContext.load(own).features(far).objects
    # a line typed wrong stops the run with where it is, not a silent empty thesaurus
    path.write_text(text.replace('"鑫达", "河对面那个厂"]', '"鑫达", "河对面那个厂"'), encoding="utf-8")
    with pytest.raises(ConfigError, match="事项词表读取失败.*matter.toml"):
        words.load_matter(own)


def test_an_office_folder_without_a_thesaurus_uses_the_built_in_one(tmp_path):
    # an office that copied only categories.toml and lexicon.toml: the run keeps the key objects,
    # spelling fixes and stopwords the shipped models were fitted with, and says so
    own = tmp_path / "分类"
    own.mkdir()
    for name in ("categories.toml", "lexicon.toml"):
        shutil.copy(BUILTIN_TAXONOMY / name, own / name)
    builtin = words.load_matter(BUILTIN_TAXONOMY)
    said: list[str] = []
    sink = logger.add(said.append, level="WARNING", format="{message}")
    try:
        assert words.load_matter(own).objects == builtin.objects and builtin.objects
    finally:
        logger.remove(sink)
    assert any("没有事项词表 matter.toml，使用内置词表" in m for m in said)


def test_building_numbers_in_every_spelling():
    assert buildings("锦绣禹航十二栋楼下，5幢的人，还有3号楼") == {"12", "5", "3"}
    assert buildings("村里12组37号") == frozenset()  # a house in a village group is not a building


def test_bulk_pauses_the_cycle_collector_and_always_restores_it():
    import gc

    from flows.analysis.items import bulk

    assert gc.isenabled()
    with bulk():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), bulk():
        raise ValueError("a failure inside still restores the collector")
    assert gc.isenabled()
    gc.disable()  # a caller that had paused it itself keeps it paused
    try:
        with bulk():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_the_district_name_jieba_cuts_off_a_place_is_not_shown_as_a_common_word():
    # round eighteen's ledger: "词语 余杭" in a cluster's explanation, cut from 余杭老街 by jieba. It
    # stays a token (the models read it); the explanation leaves it out, and 老街 stays.
    from datetime import date

    from tests.analysis.helpers import item, petition

    a = item(petition("A1", date(2026, 11, 2), [], ("余杭老街夜市噪音", "余杭老街的夜市每天闹到半夜两点，烧烤油烟也大。",
                                                    "要求夜市按时收摊")))
    b = item(petition("A2", date(2026, 11, 3), [], ("老街夜市吵", "余杭老街那边夜市音响开得太响，半夜还在唱歌。",
                                                    "管一管夜市噪音")))
    assert "余杭" in a.f.vec and "余杭" in b.f.vec
    shown = words.shared_words(a.f.vec, b.f.vec, 5)
    assert "余杭" not in shown and "老街" in shown
