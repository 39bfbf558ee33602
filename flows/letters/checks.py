"""Checks before a letter is issued. Plain Python.

- ``accused_unit``: an accusation (检举控告) is never routed to the unit or person it accuses
  (信访工作条例 forbids passing an accuser's materials to the accused). The accused is not a
  field of the petition, so it is recognised in the title and text: the responsible unit's name
  (or its core: 永福村 for 永福村村委会), its responsible person's name, or words that point at
  the village or community cadres when the unit is that village or community.
- ``blanks``: the rendered letter's own text, read back, has no empty brackets or quotes and no
  label followed by nothing. A template a clerk edited can still print "（）"; that letter is
  withheld like one with a missing value.
"""

from __future__ import annotations

import re

from core.model import Petition

# Suffixes that name the committee or office of a village or community: 永福村村民委员会 -> 永福村.
_UNIT_SUFFIXES = ("村民委员会", "居民委员会", "村委会", "居委会", "党总支", "党支部", "党委", "委员会", "办公室")
# What an accusation names when it accuses a unit itself: its officers, bodies or money.
_OFFICERS = ("干部", "村委会", "居委会", "村委", "居委", "两委", "委员会", "书记", "主任", "支书", "委员", "会计", "出纳",
             "报账员", "财务", "村务", "居务", "账目", "工作人员", "负责人", "领导", "班子", "党支部", "党总支")
# The same for "the village" or "the community" without its name, when the unit is that village.
_LOCAL_OFFICERS = ("村干部", "社区干部", "村委", "居委", "村两委", "社区两委", "村书记", "村主任", "社区书记", "社区主任",
                   "村支书", "村会计", "村出纳", "报账员", "村级财务", "社区财务", "村务", "居务", "村集体", "村监委")


def unit_core(unit: str) -> str:
    name = re.sub(r"\s+", "", unit or "")
    changed = True
    while changed:
        changed = False
        for suffix in _UNIT_SUFFIXES:
            if name.endswith(suffix) and len(name) > len(suffix) + 1:
                name = name[: -len(suffix)]
                changed = True
    return name


def accused_unit(p: Petition, unit: str, person: str = "") -> str:
    """Why ``unit`` (or ``person``) looks like the accused of accusation ``p``; "" when not.

    A unit's name alone is not enough (a village's name is in most petitions about the village):
    it must come with its officers, bodies or finances ("永福村村干部", "城建办工作人员")."""
    if not p.is_accusation or not unit:
        return ""
    text = re.sub(r"\s+", "", "\n".join(x for x in (p.title, p.content, p.demand) if x))
    person = (person or "").strip()
    if len(person) >= 2 and person in text:
        return f"检举控告涉及责任人{person}本人"
    core = unit_core(unit)
    names = "|".join(re.escape(n) for n in sorted({unit.strip(), core}, key=len, reverse=True) if len(n) >= 2)
    if names and re.search(f"(?:{names})(?:村|社区)?的?(?:{'|'.join(_OFFICERS)})", text):
        return f"检举控告涉及责任单位“{unit}”"
    local = unit_core(p.locality or "")
    if local and local == core and any(w in text for w in _LOCAL_OFFICERS):
        return f"检举控告涉及“{unit}”的干部或财务，而责任单位正是“{unit}”"
    return ""


_EMPTY_PAIRS = re.compile(r"（\s*）|\(\s*\)|“\s*”|《\s*》|〔\s*〕|【\s*】")
# A short label, its colon, then nothing before the next punctuation or label: "内容分类：；",
# "联系人：　联系电话：". A colon that ends a paragraph is a lead-in (addressee, "如下："), not a hole.
_EMPTY_LABEL = re.compile(r"([\u4e00-\u9fff]{2,8})：[\s\u3000]*(?=[；;，,。]|[\u4e00-\u9fff]{2,6}：)")


def blanks(paragraphs: list[str], data: list[str] = ()) -> list[str]:
    """Readable descriptions of the holes in a rendered letter (empty list: none). ``data``: the
    values the letter was filled with; what they contain themselves (a petitioner who wrote "（）")
    is the petitioner's text, not a hole of the letter."""
    found = []
    values: list[str] | None = None
    for i, text in enumerate(paragraphs, 1):
        if not (_EMPTY_PAIRS.search(text) or _EMPTY_LABEL.search(text)):
            continue  # the common case: nothing that looks like a hole
        if values is None:
            values = sorted({v for v in data if isinstance(v, str) and len(v) >= 2}, key=len, reverse=True)
        for v in values:
            text = text.replace(v, "◇")
        for m in _EMPTY_PAIRS.finditer(text):
            found.append(f"第{i}段有空的“{m.group(0).strip()}”")
        for m in _EMPTY_LABEL.finditer(text):
            found.append(f"第{i}段“{m.group(1)}：”后没有内容")
    return found
