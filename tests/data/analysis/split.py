"""Split the blind corpus ONCE into a development half and a test half (fixed seed).

Every chain, cluster, decoy set and not-repeat pair stays whole on one side; categories are
balanced between the halves, and so are the kinds of hard case (chains, clusters, decoy sets,
not-repeats, group petitions), so that each half can both tune and test every rule. Run once, commit split.json, and never re-run after tuning began
(a new corpus would be a new split, said so in docs/analysis.md):

    .venv/bin/python tests/data/analysis/split.py                   # corpus 1 -> split.json (dev/test)
    .venv/bin/python tests/data/analysis/split.py --corpus blind2   # corpus 2 -> split2.json (dev2/test2)

Corpus 2 was copied in and split (seed 20261202) before any figure was computed on it.
"""

from __future__ import annotations

import json
import random
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[3]))

from tests.data.analysis.corpus import BLIND, BLIND2, SPLIT, SPLIT2, components, load  # noqa: E402

SEED = 20261201
SEED2 = 20261202
# corpus name -> (folder, split file, seed, names of the two halves)
CORPORA = {"blind": (BLIND, SPLIT, SEED, ("dev", "test")), "blind2": (BLIND2, SPLIT2, SEED2, ("dev2", "test2"))}


def split(seed: int = SEED, folder: Path = BLIND, names: tuple[str, str] = ("dev", "test")) -> dict[str, list[str]]:
    petitions, truth = load(folder)
    refs = [p["ref"] for p in petitions]
    groups = components(refs, truth)
    rng = random.Random(seed)
    rng.shuffle(groups)
    # Large linked sets first (they are the hard part to balance), then the singles.
    groups.sort(key=len, reverse=True)
    side = {"dev": Counter(), "test": Counter()}
    size = {"dev": 0, "test": 0}
    out: dict[str, list[str]] = {"dev": [], "test": []}
    for g in groups:
        cats = Counter(truth[r]["category"] for r in g) + _kinds(g, truth)
        name = min(("dev", "test"), key=lambda n, g=g, cats=cats: _cost(n, g, cats, side, size, rng))
        out[name] += g
        side[name].update(cats)
        size[name] += len(g)
    return {new: sorted(out[old]) for old, new in zip(("dev", "test"), names, strict=True)}


STRUCTURE_WEIGHT = 3  # a cluster more on one side weighs like three petitions of one category


def _kinds(g: list[str], truth: dict) -> Counter:
    """The hard cases a linked set brings, each counted STRUCTURE_WEIGHT times."""
    c: Counter = Counter()
    for kind in ("chain", "cluster", "decoy"):
        c[f"#{kind}"] += STRUCTURE_WEIGHT * len({truth[r][kind] for r in g if truth[r].get(kind)})
    c["#not_repeat"] += STRUCTURE_WEIGHT * sum(1 for r in g if truth[r].get("not_repeat"))
    c["#group"] += STRUCTURE_WEIGHT * sum(1 for r in g if truth[r].get("group"))
    return c


def _cost(name: str, g: list[str], cats: Counter, side: dict[str, Counter], size: dict[str, int],
          rng: random.Random) -> tuple[float, float]:
    """Category imbalance (and size imbalance, half as much) if ``g`` went to ``name``."""
    other = "test" if name == "dev" else "dev"
    imbalance = sum(abs(side[name][c] + cats[c] - side[other][c]) for c in cats)
    return imbalance + abs(size[name] + len(g) - size[other]) * 0.5, rng.random()


def main() -> None:
    name = sys.argv[sys.argv.index("--corpus") + 1] if "--corpus" in sys.argv else "blind"
    folder, path, seed, names = CORPORA[name]
    if path.exists() and "--force" not in sys.argv:
        print(f"{path} exists: the split is made once (use --force only for a new corpus, and say so)")
        return
    s = split(seed, folder, names)
    path.write_text(json.dumps({"seed": seed, **s}, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    _, truth = load(folder)
    for name, refs in s.items():
        cats = Counter(truth[r]["category"] for r in refs)
        kinds = {k: len({truth[r][k] for r in refs if truth[r].get(k)}) for k in ("chain", "cluster", "decoy")}
        print(f"{name}: {len(refs)} petitions, {kinds}, categories {dict(sorted(cats.items()))}")


if __name__ == "__main__":
    main()
