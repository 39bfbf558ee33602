"""An office's own matter.toml read over the built-in one, so an upgrade reaches offices with a copy.

An office that tunes the thesaurus copies the whole ``templates/taxonomy`` folder and edits its
``matter.toml``. Its copy then froze the built-in key objects as they were on the day it was made:
objects the project adds later (美发店, 口腔诊所) and words it moves between objects never reached it,
although the shipped models were fitted with them. Telling a clerk to merge 300 lines by hand after
each upgrade did not work.

So each line of the office's ``[objects]`` is compared with the built-in's past lines of that object
(``data/matter_history.json``, rebuilt from git by ``tests/data/analysis/build_matter_history.py``):

- a line equal to one the built-in file once had is an unedited copy: the current built-in line
  replaces it (or it is dropped, when the built-in no longer has that object);
- any other line is the office's own (a local name added, a word moved): it is kept as written,
  and its words win over a built-in line that also has them;
- a built-in object the office's file does not name is added; ``"名称" = []`` turns one off.

``[spelling]``: the office's entries over the built-in ones. ``[stopwords]``: both lists.
Nothing is written to the office's file; the log says what the run used.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

HISTORY = Path(__file__).resolve().parent / "data" / "matter_history.json"


@dataclass
class Upgrade:
    """What ``merge`` did, for the log: object names in each case."""

    updated: list[str] = field(default_factory=list)  # an old built-in line, replaced by the current one
    dropped: list[str] = field(default_factory=list)  # an old built-in object the built-in no longer has
    added: list[str] = field(default_factory=list)  # built-in objects the office's file does not name
    kept: list[str] = field(default_factory=list)  # the office's own lines (edited or new), as written
    off: list[str] = field(default_factory=list)  # objects the office turned off ("名称" = [])
    diverged: list[str] = field(default_factory=list)  # kept lines of objects the built-in has changed in some release

    def __bool__(self) -> bool:
        return bool(self.updated or self.dropped or self.added)


def digest(text: str) -> str:
    """The built-in file's fingerprint the history was built for (a test keeps the two in step)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@cache
def history() -> dict[str, list[list[str]]]:
    """Every earlier line of each built-in object, other than the current one."""
    return json.loads(HISTORY.read_text(encoding="utf-8"))["objects"]


def merge(own: dict[str, Any], builtin: dict[str, Any], past: dict[str, list[list[str]]]
          ) -> tuple[dict[str, Any], Upgrade]:
    """The thesaurus a run uses: ``own`` (the office's parsed matter.toml) over ``builtin``."""
    current: dict[str, list[str]] = builtin.get("objects", {})
    report = Upgrade()
    mine: dict[str, list[str]] = {}
    theirs: dict[str, list[str]] = {}
    for name, line in own.get("objects", {}).items():
        line = list(line)
        if line == current.get(name):
            theirs[name] = line
        elif line in past.get(name, []):
            if name in current:
                theirs[name] = current[name]
                report.updated.append(name)
            else:
                report.dropped.append(name)
        else:
            mine[name] = line
            (report.kept if line else report.off).append(name)
            if line and name in current and name in past:
                report.diverged.append(name)
    for name, line in current.items():
        if name not in mine and name not in theirs and name not in report.dropped:
            theirs[name] = line
            report.added.append(name)
    taken = {w for line in mine.values() for w in line} | set(mine)
    # the office's lines first, and their words out of the built-in ones: the office's choice wins
    objects = {**{k: v for k, v in mine.items() if v}, **{k: [w for w in v if w not in taken] for k, v in theirs.items()}}
    spelling = {**builtin.get("spelling", {}), **own.get("spelling", {})}
    stop = list(dict.fromkeys([*builtin.get("stopwords", {}).get("words", []),
                               *own.get("stopwords", {}).get("words", [])]))
    return {"objects": objects, "spelling": spelling, "stopwords": {"words": stop}}, report
