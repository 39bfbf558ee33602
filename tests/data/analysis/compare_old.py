"""An older version of the analysis on a blind corpus, scored as bench/analysis.py scores it: what a
round of tuning changed, on text neither version was tuned on.

    git worktree add /tmp/old 566db55
    .venv/bin/python tests/data/analysis/compare_old.py /tmp/old tests/data/analysis/blind5

The old checkout's own code, base model and lexicon are used (its path goes first on sys.path);
the corpus is read from this checkout. Prints one line of figures.
"""

from __future__ import annotations

import sys
from pathlib import Path


def main(old: Path, folder: Path) -> None:
    sys.path.insert(0, str(old))
    import petitionbot.config  # noqa: F401 - composes the settings sections first
    from bench.analysis import structure
    from flows.analysis import classify, taxonomy
    from flows.analysis.settings import AnalysisSettings
    from tests.data.analysis import build_model, corpus
    from tests.data.analysis import evaluate as ev

    assert Path(corpus.__file__).is_relative_to(old), f"not the old code: {corpus.__file__}"
    s = AnalysisSettings()
    tax = taxonomy.load(s.taxonomy_path())
    raw, truth = corpus.load(folder)
    ps = sorted((corpus.to_petition(d) for d in raw), key=lambda p: (p.received_on, p.ref))
    gen = build_model.generated()
    ctx = build_model.context(ps + gen[0])
    pred = dict(zip((p.ref for p in ps), classify.Classifier(tax, classify.base_model(), ctx).predict(ps), strict=True))
    c = ev.classification([truth[p.ref]["category"] for p in ps], [pred[p.ref] for p in ps])
    r = structure(ps, truth, pred, s, ctx)
    rep, clu, grp = r["rep"], r["clu"], r["grp"]
    print(f"{folder.name} with the code of {old}: accuracy {c['accuracy']:.3f} macro-F1 {c['macro_f1']:.3f}; "
          f"重件 precision {rep['precision_conf']:.3f} recall {rep['recall_conf']:.3f} +疑似 {rep['recall_any']:.3f} "
          f"(true {rep['true']}, 重件 {rep['conf']}, 疑似 {rep['susp']}); NOT-repeats as 重件 "
          f"{rep['not_repeat_false_conf']}/{rep['not_repeat_cases']}; clusters {clu['found']}/{clu['clusters']}, "
          f"false per 100 {clu['false_per_100']:.2f}, decoys {clu['decoy_alerts']}; groups "
          f"{grp['named_right']}/{grp['groups']} extra {grp['extra']}")


if __name__ == "__main__":
    main(Path(sys.argv[1]).resolve(), Path(sys.argv[2]).resolve())
