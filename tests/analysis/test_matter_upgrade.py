"""An office's own matter.toml read over a newer built-in one (``matter_upgrade``)."""

from __future__ import annotations

import json
import shutil
import tomllib

from loguru import logger

from flows.analysis import matter_upgrade, words
from flows.analysis.settings import BUILTIN_TAXONOMY

BUILTIN = {"objects": {"美容院": ["美容院", "美容店", "美甲"], "美发店": ["美发店", "理发店", "发廊"],
                       "泵站": ["泵站", "机埠"]},
           "spelling": {"以经": "已经"}, "stopwords": {"words": ["反映", "要求"]}}
PAST = {"美容院": [["美容院", "美容店", "美发店", "理发店", "发廊", "美甲"]], "旧对象": [["旧对象", "旧说法"]]}


def test_an_unedited_old_line_becomes_the_current_one_and_new_objects_arrive():
    own = {"objects": {"美容院": ["美容院", "美容店", "美发店", "理发店", "发廊", "美甲"], "泵站": ["泵站", "机埠"],
                       "旧对象": ["旧对象", "旧说法"]}}
    merged, done = matter_upgrade.merge(own, BUILTIN, PAST)
    assert merged["objects"] == BUILTIN["objects"]
    assert (done.updated, done.added, done.dropped, done.kept) == (["美容院"], ["美发店"], ["旧对象"], [])
    assert done


def test_the_offices_own_lines_are_kept_and_their_words_win():
    own = {"objects": {"美容院": ["美容院", "美容店", "美甲", "发廊"],  # edited: 发廊 filed here on purpose
                       "鑫达塑料厂": ["鑫达塑料厂", "河对面那个厂"], "泵站": []},  # a local name; 泵站 turned off
           "spelling": {"以经": "以经", "木佬佬": "很多"}, "stopwords": {"words": ["来电"]}}
    merged, done = matter_upgrade.merge(own, BUILTIN, PAST)
    objects = merged["objects"]
    assert objects["美容院"] == ["美容院", "美容店", "美甲", "发廊"] and objects["鑫达塑料厂"]
    assert objects["美发店"] == ["美发店", "理发店"]  # the built-in line without the office's word
    assert "泵站" not in objects
    assert list(objects)[:2] == ["美容院", "鑫达塑料厂"]  # first, so a word in two lines is the office's
    assert (done.kept, done.off, done.added, done.diverged) == (["美容院", "鑫达塑料厂"], ["泵站"], ["美发店"], ["美容院"])
    assert merged["spelling"] == {"以经": "以经", "木佬佬": "很多"}
    assert merged["stopwords"] == {"words": ["反映", "要求", "来电"]}


def test_a_current_copy_changes_nothing():
    merged, done = matter_upgrade.merge(BUILTIN, BUILTIN, PAST)
    assert merged == BUILTIN and not done


def test_an_office_copy_of_an_old_release_reads_the_new_objects(tmp_path):
    # an office that copied the folder before 美发店 was an object of its own (round sixteen) and
    # added its local name: after the upgrade its copy names the salon as the built-in one does
    own = tmp_path / "分类"
    shutil.copytree(BUILTIN_TAXONOMY, own)
    path = own / words.MATTER_FILE
    old = matter_upgrade.history()["美容院"][-1]
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if not ln.startswith('"美发店" =')]
    lines = ['"美容院" = [' + ", ".join(f'"{w}"' for w in old) + "]" if ln.startswith('"美容院" =') else ln
             for ln in lines]
    lines[lines.index("[objects]")] += '\n"鑫达塑料厂" = ["鑫达塑料厂", "河对面那个厂"]'
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert "理发店" in old and "美发店" not in tomllib.loads(path.read_text(encoding="utf-8"))["objects"]
    said: list[str] = []
    sink = logger.add(said.append, level="INFO", format="{message}")
    try:
        matter = words.load_matter(own)
    finally:
        logger.remove(sink)
    builtin = words.load_matter(BUILTIN_TAXONOMY)
    assert matter.canonical("在理发店办的卡")[1] == builtin.canonical("在理发店办的卡")[1] == {"美发店"}
    assert matter.objects["美容院"] == builtin.objects["美容院"]
    assert matter.canonical("河对面那个厂又冒烟")[1] >= {"鑫达塑料厂"}
    assert any("旧版内置写法按新版更新 1 个（美容院）" in m and "新增内置对象 1 个（美发店）" in m for m in said), said


def test_the_history_was_rebuilt_for_the_current_built_in_file():
    # changing templates/taxonomy/matter.toml without rerunning the builder would leave offices'
    # copies of the line it replaced looking like their own edits, never upgraded
    text = (BUILTIN_TAXONOMY / words.MATTER_FILE).read_text(encoding="utf-8")
    built_for = json.loads(matter_upgrade.HISTORY.read_text(encoding="utf-8"))["built_for"]
    assert built_for == matter_upgrade.digest(text), "run tests/data/analysis/build_matter_history.py"
    current = tomllib.loads(text)["objects"]
    assert all(current.get(name) not in lines for name, lines in matter_upgrade.history().items())
