"""Type analysis (内容分类): a base model that ships with the project, fine-tuned by the office's
own confirmed labels, nudged by the keyword lexicon.

- The base model (``data/base_model.npz``) is a multinomial logistic regression over the word
  weights of ``words.py`` (jieba words, TF x jieba IDF, the demand counted twice). It is trained
  on the generator's petitions and the tuning halves of the blind corpora (never their held-out
  half) by ``tests/data/analysis/build_model.py``, stored as plain arrays (no pickle) and never
  downloaded.
- Fine-tuning: ``analyze train`` (and the analysis run, when the confirmed labels changed)
  refits the same model on the office's confirmed labels (内容分类（确认）, then upstream
  categories) with the base weights as the prior: the loss is the labels' summed log-loss plus
  ``prior`` x the squared distance to the base weights. The labels' weight grows with their
  number, and a handful of labels cannot pull the model far from the base.
- The lexicon adds ``lexicon_weight`` x its share of keyword hits (hits in the title and demand
  count double). No hit means no lexicon vote, never 其他.
- 本办习惯 (``habits.py``): the categories the clerks corrected pull close new petitions their way.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from core.model import Petition
from core.shipped import shipped
from core.workdir import Workdir
from flows import diskio
from flows.analysis import habits, lexicon
from flows.analysis.items import TextContext
from flows.analysis.taxonomy import Taxonomy
from flows.analysis.text import doc_text
from flows.analysis.words import rows, shown

BASE_MODEL = Path(__file__).resolve().parent / "data" / "base_model.npz"
LEXICON_WEIGHT = 0.15  # the model, trained on 1,416 real petitions, reads better than the keyword list
PRIOR = 10.0  # strength of the pull towards the base weights when fine-tuning
BASE_L2 = 0.1  # ridge of the base model itself
UPSTREAM_CAP = 5000  # upstream categories used beside the clerks' labels when fine-tuning


@dataclass
class Suggestion:
    category: str
    confidence: float
    source: str  # upstream | clerk | model | lexicon | repeat (see SUGGESTED)
    why: str = ""


# Sources of a category the office has not confirmed for this petition: the ledger and the console
# show these as 分类建议. "repeat": a 重件 takes the category confirmed on the item it repeats.
SUGGESTED = ("model", "lexicon", "repeat")


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
    base_accuracy: float = 0.0  # the shipped model alone on the same folds
    habits: int = 0  # clerks' corrections the fine-tuned model still gets wrong, kept as 本办习惯


def label_of(p: Petition, tax: Taxonomy) -> tuple[str, str]:
    """(label, where it came from): a clerk's confirmation beats the upstream's category."""
    confirmed = tax.canonical(str(p.clerk.get("category_confirmed") or ""))
    if confirmed:
        return confirmed, "clerk"
    up = tax.canonical(p.category)
    return (up, "upstream") if up else ("", "")


def training_set(petitions: Iterable[Petition], tax: Taxonomy, min_per_category: int
                 ) -> tuple[list[str], list[str], dict[str, int]]:
    """(texts, labels, skipped) of the labelled petitions, for reports and checks."""
    ps, labels, skipped = labelled(petitions, tax, min_per_category)
    return [doc_text(p) for p in ps], labels, skipped


def labelled(petitions: Iterable[Petition], tax: Taxonomy, min_per_category: int = 1
             ) -> tuple[list[Petition], list[str], dict[str, int]]:
    pairs = [(p, label_of(p, tax)[0]) for p in petitions]
    pairs = [(p, y) for p, y in pairs if y]
    counts = Counter(y for _, y in pairs)
    keep = {c for c, n in counts.items() if n >= min_per_category}
    return ([p for p, y in pairs if y in keep], [y for _, y in pairs if y in keep],
            {c: n for c, n in counts.items() if c not in keep})


# -- the linear model ---------------------------------------------------------------------------------
@dataclass
class LinearModel:
    classes: list[str]
    vocab: dict[str, int]
    coef: np.ndarray  # classes x vocab
    intercept: np.ndarray
    meta: dict[str, Any] = field(default_factory=dict)

    def matrix(self, vecs: Sequence[dict[str, float]]):  # noqa: ANN201 - scipy CSR
        return rows(vecs, self.vocab)

    def proba(self, vecs: Sequence[dict[str, float]]) -> np.ndarray:
        z = self.matrix(vecs) @ self.coef.T.astype(np.float64) + self.intercept
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def reasons(self, vec: dict[str, float], category: str, n: int = 4) -> list[str]:
        """The words that pushed ``vec`` towards ``category`` most (weight x the word's own weight)."""
        if category not in self.classes:
            return []
        row = self.coef[self.classes.index(category)]
        scored = [(float(row[j]) * x, w) for w, x in vec.items() if (j := self.vocab.get(w)) is not None]
        return [shown(w) for v, w in sorted(scored, reverse=True)[:n] if v > 0]

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        words = sorted(self.vocab, key=self.vocab.__getitem__)
        tmp = path.with_name(path.name + ".tmp")
        with tmp.open("wb") as fh:
            np.savez_compressed(fh, classes=np.array(self.classes), vocab=np.array(words),
                                coef=self.coef.astype(np.float16), intercept=self.intercept.astype(np.float32),
                                meta=np.array(json.dumps(self.meta, ensure_ascii=False)))
        diskio.replace(tmp, path)

    @classmethod
    def load(cls, path: Path) -> LinearModel:
        with np.load(path, allow_pickle=False) as z:
            words = [str(w) for w in z["vocab"]]
            return cls([str(c) for c in z["classes"]], {w: i for i, w in enumerate(words)},
                       z["coef"].astype(np.float32), z["intercept"].astype(np.float64), json.loads(str(z["meta"])))


def fit(vecs: Sequence[dict[str, float]], labels: Sequence[str], *, classes: Sequence[str] | None = None,
        prior: LinearModel | None = None, strength: float = PRIOR, weights: Sequence[float] | None = None,
        min_df: int = 1, max_iter: int = 300) -> LinearModel:
    """Multinomial logistic regression by L-BFGS: summed (weighted) log-loss plus
    ``strength``/2 x the squared distance of the weights to ``prior``'s (to zero without one)."""
    from scipy.optimize import minimize

    classes = list(classes or (prior.classes if prior else sorted(set(labels))))
    df = Counter(w for v in vecs for w in v)
    vocab = dict(prior.vocab) if prior else {}
    for w, n in sorted(df.items()):
        if n >= min_df and w not in vocab:
            vocab[w] = len(vocab)
    k, d = len(classes), len(vocab)
    w0 = np.zeros((k, d))
    b0 = np.zeros(k)
    if prior is not None:
        idx = [classes.index(c) for c in prior.classes if c in classes]
        src = [i for i, c in enumerate(prior.classes) if c in classes]
        w0[np.ix_(idx, range(len(prior.vocab)))] = prior.coef[src].astype(np.float64)
        b0[idx] = prior.intercept[src]
    model = LinearModel(classes, vocab, w0, b0)
    x = model.matrix(vecs)
    y = np.array([classes.index(c) for c in labels])
    sw = np.asarray(weights if weights is not None else np.ones(len(y)), dtype=np.float64)
    rows = np.arange(len(y))

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        w = theta[:k * d].reshape(k, d)
        b = theta[k * d:]
        z = x @ w.T + b
        z -= z.max(axis=1, keepdims=True)
        lse = np.log(np.exp(z).sum(axis=1))
        ll = float(((lse - z[rows, y]) * sw).sum())
        p = np.exp(z - lse[:, None])
        p[rows, y] -= 1.0
        p *= sw[:, None]
        dw, db = w - w0, b - b0
        gw = (x.T @ p).T + strength * dw
        gb = p.sum(axis=0) + strength * db  # the intercepts are pulled to the prior like the weights
        reg = 0.5 * strength * float((dw * dw).sum()) + 0.5 * strength * float((db * db).sum())
        return ll + reg, np.concatenate([gw.ravel(), gb])

    res = minimize(loss, np.concatenate([w0.ravel(), b0]), jac=True, method="L-BFGS-B",
                   options={"maxiter": max_iter})
    theta = res.x
    return LinearModel(classes, vocab, theta[:k * d].reshape(k, d).astype(np.float32), theta[k * d:],
                       {"samples": len(y), "converged": bool(res.success)})


def base_model() -> LinearModel | None:
    return LinearModel.load(BASE_MODEL) if BASE_MODEL.exists() else None


def load_model(workdir: Path) -> LinearModel | None:
    """The office's fine-tuned model if ``analyze train`` made one, else the shipped base model."""
    path = Workdir.of(workdir).model
    if path.exists():
        try:
            return LinearModel.load(path)
        except (OSError, ValueError, KeyError):
            pass  # a damaged office model: the base still works, and the next training rewrites it
    return base_model()


def labels_digest(labels: Sequence[tuple[str, str]]) -> str:
    return hashlib.blake2b(json.dumps(sorted(labels), ensure_ascii=False).encode(), digest_size=10).hexdigest()


def office_labels(petitions: Iterable[Petition], tax: Taxonomy, *, upstream_cap: int = UPSTREAM_CAP
                  ) -> tuple[list[Petition], list[str], str, int]:
    """(petitions, labels, digest of the clerks' labels, number of clerk labels) to fine-tune on:
    every clerk-confirmed label, and the latest ``upstream_cap`` upstream categories beside them."""
    clerk, upstream = [], []
    for p in petitions:
        label, source = label_of(p, tax)
        if source == "clerk":
            clerk.append((p, label))
        elif source == "upstream":
            upstream.append((p, label))
    upstream.sort(key=lambda x: (x[0].received_on, x[0].ref))
    pairs = clerk + upstream[-upstream_cap:] if upstream_cap else clerk
    digest = labels_digest([(p.ref, y) for p, y in clerk])
    return [p for p, _ in pairs], [y for _, y in pairs], digest, len(clerk)


def fine_tune(base: LinearModel, ctx: TextContext, ps: Sequence[Petition], labels: Sequence[str], *,
              strength: float = PRIOR, digest: str = "") -> LinearModel:
    """The base model refitted on ``labels`` with its own weights as the prior (see the module doc)."""
    model = fit([ctx.features(p).vec for p in ps], labels, prior=base, strength=strength, min_df=2)
    model.meta.update({"base": base.meta.get("built", ""), "labels": len(labels), "digest": digest})
    return model


def train(petitions: Iterable[Petition], tax: Taxonomy, workdir: Path, *, ctx: TextContext,
          min_per_category: int = 1, folds: int = 5) -> TrainReport:
    """Fine-tune the base on the office's labels: cross-validate, then fit on all and save."""
    from sklearn.metrics import accuracy_score, f1_score
    from sklearn.model_selection import StratifiedKFold

    base = base_model()
    ps, labels, digest, n_clerk = office_labels(petitions, tax)
    keep = {c for c, n in Counter(labels).items() if n >= min_per_category}
    skipped = {c: n for c, n in Counter(labels).items() if c not in keep}
    by_clerk = {p.ref for p in ps[:n_clerk]}  # office_labels puts the clerks' labels first
    ps, labels = [p for p, y in zip(ps, labels, strict=True) if y in keep], [y for y in labels if y in keep]
    if base is None or len(ps) < 2:
        return TrainReport(len(ps), len(set(labels)), 0.0, 0.0, 0, skipped=skipped)
    cats = sorted(set(labels))
    k = max(2, min(folds, min(Counter(labels).values()))) if len(cats) > 1 else 0
    pred: list[str] = [""] * len(ps)
    base_pred = Classifier(tax, base, ctx).predict(ps)
    if k >= 2:
        for tr, te in StratifiedKFold(k, shuffle=True, random_state=0).split(np.zeros(len(labels)), labels):
            m = fine_tune(base, ctx, [ps[i] for i in tr], [labels[i] for i in tr])
            clf = Classifier(tax, m, ctx)
            clf.remember([(ps[i], labels[i]) for i in tr if ps[i].ref in by_clerk])  # as the analysis run does
            got = clf.predict([ps[i] for i in te])
            for i, g in zip(te, got, strict=True):
                pred[i] = g
    model = fine_tune(base, ctx, ps, labels, digest=digest)
    path = Workdir.of(workdir).model
    model.save(path)
    kept = Classifier(tax, model, ctx).remember([(p, y) for p, y in zip(ps, labels, strict=True)
                                                 if p.ref in by_clerk])
    if k < 2:
        return TrainReport(len(ps), len(cats), 0.0, 0.0, 0, skipped=skipped, path=str(path), habits=kept)
    per = f1_score(labels, pred, average=None, labels=cats)
    return TrainReport(len(ps), len(cats), round(float(accuracy_score(labels, pred)), 4),
                       round(float(f1_score(labels, pred, average="macro")), 4), k,
                       {c: round(float(f), 3) for c, f in zip(cats, per, strict=True)}, skipped, str(path),
                       round(float(accuracy_score(labels, base_pred)), 4), kept)


class Classifier:
    def __init__(self, tax: Taxonomy, model: LinearModel | None = None, ctx: TextContext | None = None, *,
                 lexicon_weight: float = LEXICON_WEIGHT):
        self.tax, self.model, self.lexicon_weight = tax, model, lexicon_weight
        self.ctx = ctx or TextContext.load(shipped("templates/taxonomy"))
        self.habits: habits.Habits | None = None

    def predict(self, petitions: Sequence[Petition]) -> list[str]:
        return [s.category for s in self.suggest_many(list(petitions), use_labels=False)]

    def remember(self, labelled: Sequence[tuple[Petition, str]], *, weight: float = habits.WEIGHT,
                 cosine: float = habits.COSINE) -> int:
        """Keep the office's corrections among ``labelled`` (petition, confirmed category): those
        the suggestion gets wrong (see ``habits.py``). Returns how many were kept."""
        self.habits = None
        if self.model is None or not labelled or weight <= 0:
            return 0
        got = self.predict([p for p, _ in labelled])
        self.habits = habits.Habits([habits.Correction(p.ref, y, self.ctx.features(p).vec)
                                     for (p, y), g in zip(labelled, got, strict=True) if g != y],
                                    weight=weight, cosine=cosine)
        return len(self.habits)

    def remember_clerks(self, petitions: Sequence[Petition], **kw: float) -> int:
        """``remember`` the categories the office's clerks confirmed on ``petitions``."""
        return self.remember([(p, y) for p in petitions for y, source in (label_of(p, self.tax),)
                              if source == "clerk"], **kw)

    def suggest_many(self, petitions: list[Petition], *, use_labels: bool = True) -> list[Suggestion]:
        out: list[Suggestion | None] = [None] * len(petitions)
        todo = []
        for i, p in enumerate(petitions):
            label, source = label_of(p, self.tax) if use_labels else ("", "")
            if label:
                out[i] = Suggestion(label, 1.0, source, "信访员已确认" if source == "clerk" else "上游已分类")
            else:
                todo.append(i)
        probs = votes = None
        if self.model is not None and todo:
            vecs = [self.ctx.features(petitions[i]).vec for i in todo]
            probs = self.model.proba(vecs)
            classes = self.model.classes
            votes = self.habits.votes(vecs) if self.habits else None
        for row, i in enumerate(todo):
            lex = lexicon.score(petitions[i], self.tax)
            words = "、".join(lex.matched[:4])
            if probs is None:
                cat = lex.category or ("其他" if "其他" in self.tax.categories else "")
                out[i] = Suggestion(cat, lex.confidence, "lexicon", f"关键词：{words}" if words else "无关键词命中")
                continue
            blend = {self.tax.canonical(c) or c: (1 - self.lexicon_weight * bool(lex.scores)) * float(pr)
                     for c, pr in zip(classes, probs[row], strict=True)}
            for c, s in lex.scores.items():
                blend[c] = blend.get(c, 0.0) + self.lexicon_weight * s
            vote = votes[row] if votes else None
            if vote is not None:
                blend = {c: (1 - vote.weight) * x for c, x in blend.items()}
                for c, x in vote.shares.items():
                    blend[c] = blend.get(c, 0.0) + vote.weight * x
            best = max(blend, key=lambda c: blend[c])
            top = self.model.reasons(self.ctx.features(petitions[i]).vec, next(
                (c for c in classes if (self.tax.canonical(c) or c) == best), best))
            why = ("模型" + (f"（依据词语：{'、'.join(top)}）" if top else "")
                   + (f"；关键词：{words}" if words and lex.category == best else ""))
            like = vote.nearest(best) if vote is not None else None
            if like is not None:
                why += f"；本办习惯：与 {like[1].ref} 相近（词语相似 {like[0]:.2f}），该件信访员确认为{best}"
            out[i] = Suggestion(best, round(blend[best], 3), "model", why)
        return [s for s in out if s is not None]
