"""Rebuild flows/analysis/data/matter_history.json: every earlier line of each built-in key object.

``matter_upgrade.merge`` reads it to tell an office's unedited copy of an old built-in line (to be
replaced by the current one) from a line the office wrote itself (kept). The lines come from every
version of templates/taxonomy/matter.toml in git; run this after each change to that file (a test
fails until it is run: the history records the fingerprint of the file it was built for).

    .venv/bin/python tests/data/analysis/build_matter_history.py
"""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
sys.path.insert(0, str(ROOT))

from flows.analysis import matter_upgrade  # noqa: E402

BUILTIN = "templates/taxonomy/matter.toml"


def versions() -> list[str]:
    """The file's text at each commit that changed it, oldest first."""
    commits = subprocess.run(["git", "log", "--reverse", "--format=%H", "--", BUILTIN], cwd=ROOT,
                             capture_output=True, text=True, check=True).stdout.split()
    return [subprocess.run(["git", "show", f"{c}:{BUILTIN}"], cwd=ROOT, capture_output=True, text=True,
                           check=True).stdout for c in commits]


def main() -> None:
    text = (ROOT / BUILTIN).read_text(encoding="utf-8")
    current = tomllib.loads(text)["objects"]
    past: dict[str, list[list[str]]] = {}
    for old in versions():
        for name, line in tomllib.loads(old).get("objects", {}).items():
            line = list(line)
            if line != current.get(name) and line not in past.setdefault(name, []):
                past[name].append(line)
    past = {k: v for k, v in sorted(past.items()) if v}
    rows = ",\n".join(f"  {json.dumps(k, ensure_ascii=False)}: {json.dumps(v, ensure_ascii=False)}" for k, v in past.items())
    out = f'{{"built_for": "{matter_upgrade.digest(text)}",\n "objects": {{\n{rows}\n }}\n}}\n'
    json.loads(out)  # one line per object, for a readable diff; still plain JSON
    matter_upgrade.HISTORY.write_text(out, encoding="utf-8")
    print(f"{sum(map(len, past.values()))} earlier lines of {len(past)} objects from {len(versions())} versions "
          f"-> {matter_upgrade.HISTORY.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
