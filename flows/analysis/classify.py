"""Second layer of type analysis: a model trained on the office's own confirmed history.

Character n-gram TF-IDF and a linear model (no segmenter needed, robust to typos and to the
mixed spoken/written style of petitions). Labels come from clerks' confirmations first, then
upstream categories; both are mapped to the office's scheme by the taxonomy.
"""

from __future__ import annotations

import pickle
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flows.analysis import lexicon
from flows.analysis.taxonomy import Taxonomy
from flows.analysis.text import doc_text
from flows.model import Petition

MODEL_FILE = "analysis/category_model.pkl"
LEXICON_WEIGHT = 0.15  # the lexicon nudges the model; it decides alone only without a model


@dataclass
class Suggestion:
    category: str
    confidence: float
    source: str  # upstream | clerk | model | lexicon
    why: str = ""


@dataclass
class TrainReport:
    samples: int
    categories: int
    accuracy: float
    macro_f1: float
    folds: int
    per_category: dict[str, float] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    path: str = ""


def label_of(p: Petition, tax: Taxonomy) -> tuple[str, str]:
    """(label, where it came from): a clerk's confirmation beats the upstream's category."""
    confirmed = tax.canonical(str(p.clerk.get("category_confirmed") or ""))
    if confirmed:
        return confirmed, "clerk"
    up = tax.canonical(p.category)
    return (up, "upstream") if up else ("", "")


def _pipeline() -> Any:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import SGDClassifier
    from sklearn.pipeline import make_pipeline

    return make_pipeline(
        TfidfVectorizer(analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, max_features=60000),
        SGDClassifier(loss="log_loss", alpha=1e-5, max_iter=50, random_state=0),
    )


def training_set(petitions: Iterable[Petition], tax: Taxonomy, min_per_category: int) -> tuple[list[str], list[str], dict[str, int]]:
    texts, labels = [], []
    for p in petitions:
        label, _ = label_of(p, tax)
        if label:
            texts.append(doc_text(p))
            labels.append(label)
    counts = Counter(labels)
    keep = {c for c, n in counts.items() if n >= min_per_category}
    skipped = {c: n for c, n in counts.items() if c not in keep}
    pairs = [(t, y) for t, y in zip(texts, labels, strict=True) if y in keep]
    return [t for t, _ in pairs], [y for _, y in pairs], skipped


def train(petitions: Iterable[Petition], tax: Taxonomy, workdir: Path, *, min_per_category: int = 3,
          folds: int = 5) -> TrainReport:
    """Cross-validate, then fit on everything and save the model in the workdir."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    texts, labels, skipped = training_set(petitions, tax, min_per_category)
    cats = sorted(set(labels))
    if len(cats) < 2:
        return TrainReport(len(texts), len(cats), 0.0, 0.0, 0, skipped=skipped)
    k = max(2, min(folds, min(Counter(labels).values())))
    pred = cross_val_predict(_pipeline(), texts, labels, cv=StratifiedKFold(k, shuffle=True, random_state=0))
    per = f1_score(labels, pred, average=None, labels=cats)
    model = _pipeline().fit(texts, labels)
    path = workdir / MODEL_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(pickle.dumps({"model": model, "scheme": tax.scheme, "samples": len(texts)}))
    tmp.replace(path)
    return TrainReport(len(texts), len(cats), round(float(accuracy_score(labels, pred)), 4),
                       round(float(f1_score(labels, pred, average="macro")), 4), k,
                       {c: round(float(f), 3) for c, f in zip(cats, per, strict=True)}, skipped, str(path))


def load_model(workdir: Path) -> Any | None:
    path = workdir / MODEL_FILE
    if not path.exists():
        return None
    # The file is written only by `analyze train` in the office's own workdir.
    return pickle.loads(path.read_bytes())["model"]  # noqa: S301


class Classifier:
    def __init__(self, tax: Taxonomy, model: Any | None = None):
        self.tax, self.model = tax, model

    def suggest_many(self, petitions: list[Petition], *, use_labels: bool = True) -> list[Suggestion]:
        out: list[Suggestion | None] = [None] * len(petitions)
        todo = []
        for i, p in enumerate(petitions):
            label, source = label_of(p, self.tax) if use_labels else ("", "")
            if label:
                out[i] = Suggestion(label, 1.0, source, "信访员已确认" if source == "clerk" else "上游已分类")
            else:
                todo.append(i)
        probs = None
        if self.model is not None and todo:
            probs = self.model.predict_proba([doc_text(petitions[i]) for i in todo])
            classes = list(self.model.classes_)
        for row, i in enumerate(todo):
            lex = lexicon.score(petitions[i], self.tax)
            words = "、".join(lex.matched[:4])
            if probs is None:
                out[i] = Suggestion(lex.category, lex.confidence, "lexicon", f"关键词：{words}" if words else "无关键词命中")
                continue
            blend = {c: (1 - LEXICON_WEIGHT) * float(pr) for c, pr in zip(classes, probs[row], strict=True)}
            for c, s in lex.scores.items():
                blend[c] = blend.get(c, 0.0) + LEXICON_WEIGHT * s
            best = max(blend, key=lambda c: blend[c])
            why = "模型（本办历史分类）" + (f"；关键词：{words}" if words and lex.category == best else "")
            out[i] = Suggestion(best, round(blend[best], 3), "model", why)
        return [s for s in out if s is not None]
