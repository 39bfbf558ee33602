"""Word-level features of a petition's matter, built for paraphrase.

A person who writes about the same matter again uses other words, so character overlap says
little. Here the text is cleaned (spelling and dialect fixed, amounts made one token, the
matter's key objects given one name whatever the petitioner calls them), segmented with jieba,
stripped of names, places and the words every petition uses, and weighted by jieba's shipped
IDF table. Two petitions are then compared by the cosine of these weights, by the key objects
and amounts they share, and (elsewhere) by category and time.

jieba and its IDF table load once per process (about a second); segmentation is the costly step
(about 2 ms a petition), so features are cached per petition (``cache.py``).
"""

from __future__ import annotations

import json
import logging
import math
import re
import threading
import tomllib
import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from loguru import logger

from core.errors import ConfigError
from core.shipped import shipped
from flows.analysis import matter_upgrade
from flows.analysis.numbers import address_digits, amount_token, with_amount_tokens

MATTER_FILE = "matter.toml"
ADMIN = ("浙江省", "杭州市", "余杭区", "余杭街道", "街道办事处", "街道", "临平区")
# Where a place ends: tokens like 金星模具厂, 禹航路, 凤新花园 name one spot and say where the matter is.
# An organisation's name before 教育/培训/机构 (启明星 + 教育) names one too: parents of one training
# centre write its name, rarely the same words.
_SPOT = re.compile(r".{2,}(厂|公司|小区|花园|家园|苑|府|公寓|大厦|广场|市场|超市|学校|小学|中学|幼儿园|医院|卫生院|"
                   r"酒店|饭店|餐厅|店|站|中心|路|街|巷|弄|桥|河|港|塘|湾|渠|园区|工地|仓库|基地|"
                   r"教育|培训|机构|学堂|驾校|诊所|药房|合作社|农场)$")
_SPOT_END = frozenset("厂店站巷弄桥港塘湾渠")  # not 路 街 河: one road carries many matters
_NUMBERED = re.compile(r"^\d+(组|幢|栋|号|单元|室|楼|层|弄|排|号楼)$")
_VILLAGE = re.compile(r"[\u4e00-\u9fff]{2,6}?(村|社区)")
_PUNCT = re.compile(r"^[\W_]+$", re.UNICODE)
_DIGITS = re.compile(r"^[\d.]+$")


@dataclass(frozen=True)
class Matter:
    """What matter.toml holds: key objects and their synonyms, spelling fixes, stopwords."""

    objects: dict[str, tuple[str, ...]]
    spelling: dict[str, str]
    stopwords: frozenset[str]
    _synonym_re: re.Pattern[str] | None = field(default=None, compare=False)
    _synonym_of: dict[str, str] = field(default_factory=dict, compare=False)

    @classmethod
    def build(cls, objects: dict[str, list[str]], spelling: dict[str, str], stopwords: list[str]) -> Matter:
        syn: dict[str, str] = {}
        for canon, words in objects.items():
            for w in (canon, *words):
                w = unicodedata.normalize("NFKC", w).strip()
                if w:
                    syn.setdefault(w, canon)
        rx = re.compile(_trie(syn)) if syn else None
        return cls({k: tuple(v) for k, v in objects.items()}, dict(spelling), frozenset(stopwords), rx, syn)

    def canonical(self, text: str) -> tuple[str, set[str]]:
        """``text`` with every synonym of a key object replaced by its name, and the objects found."""
        if self._synonym_re is None:
            return text, set()
        found: set[str] = set()

        def sub(m: re.Match[str]) -> str:
            c = self._synonym_of[m.group(0)]
            found.add(c)
            return f" {c} "

        return self._synonym_re.sub(sub, text), found

    def spell(self, text: str) -> str:
        for wrong, right in self.spelling.items():
            if wrong in text:
                text = text.replace(wrong, right)
        return text


def _trie(words: Iterable[str]) -> str:
    """One pattern matching any of ``words``, the longest one at a place (土地流转 wins over 流转 and
    停车位 over 停车), unless it is part of a place's name. A trie of the phrases, not a flat
    alternation, which tried each of some 3,000 phrases at every character (0.26 ms a petition)."""
    root: dict = {}
    for w in words:
        node = root
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def emit(node: dict) -> str:
        kids = [re.escape(ch) + emit(sub) for ch, sub in sorted(node.items()) if ch]
        if not kids:
            return ""
        body = kids[0] if len(kids) == 1 else "(?:" + "|".join(kids) + ")"
        # a phrase may end here: the longer ones are tried first, then this one
        return f"(?:{body})?" if "" in node else body

    # a phrase followed by 弄/巷/路/街/村/镇 is part of a place's name (木桥弄, 石桥村), not the object
    return emit(root) + "(?![弄巷路街村镇])"


def load_matter(folder: Path) -> Matter:
    path, builtin = folder / MATTER_FILE, shipped("templates/taxonomy")
    own = folder.resolve() != builtin.resolve()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not own:
            return Matter.build({}, {}, [])
        # An office folder with its own categories and lexicon but no thesaurus: without one, no key
        # object, spelling fix or stopword would be known, and the shipped models were fitted with them.
        logger.warning(f"分类目录 {folder} 中没有事项词表 {MATTER_FILE}，使用内置词表（可从 templates/taxonomy 复制后修改）")
        return load_matter(builtin)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"事项词表读取失败（{path}）：{exc}") from exc
    if own:
        data = _over_builtin(path, data, builtin / MATTER_FILE)
    return Matter.build(dict(data.get("objects", {})), dict(data.get("spelling", {})),
                        list(data.get("stopwords", {}).get("words", [])))


def _over_builtin(path: Path, own: dict, builtin: Path) -> dict:
    """An office's own thesaurus read over the built-in one (``matter_upgrade``), said in the log."""
    merged, done = matter_upgrade.merge(own, tomllib.loads(builtin.read_text(encoding="utf-8")),
                                        matter_upgrade.history())
    if done:
        logger.info(f"事项词表 {path} 按新版内置词表补齐（本办的文件不改动）："
                    + "；".join(f"{label} {len(names)} 个（{'、'.join(names[:8])}{'…' if len(names) > 8 else ''}）"
                               for label, names in (("旧版内置写法按新版更新", done.updated), ("新增内置对象", done.added),
                                                    ("内置已删除的对象不再使用", done.dropped)) if names))
    if done.diverged:
        logger.warning(f"事项词表 {path} 中本办改过的对象，新版内置词表也改过写法，按本办写法使用："
                       f"{'、'.join(done.diverged)}；请对照 templates/taxonomy/{MATTER_FILE} 看是否需要调整")
    return merged


_LOCK = threading.Lock()
_READY: dict[str, object] = {}


def _jieba():  # noqa: ANN202 - the jieba module
    import jieba

    with _LOCK:
        if "jieba" not in _READY:
            jieba.setLogLevel(logging.WARNING)  # it prints its dictionary loading at INFO
            jieba.initialize()
            _READY["jieba"] = jieba
    return jieba


def add_words(words: list[str] | tuple[str, ...]) -> None:
    """Keep the key objects' names whole when segmenting (彩钢棚 is one word, not 彩钢 + 棚)."""
    jb = _jieba()
    with _LOCK:
        known = _READY.setdefault("added", set())
        assert isinstance(known, set)
        for w in words:
            if w not in known:
                jb.add_word(w, freq=2000)
                known.add(w)


@lru_cache(maxsize=1)
def idf_table() -> tuple[dict[str, float], float]:
    """jieba's shipped IDF (analyse/idf.txt) and its median, used for words it does not know."""
    jb = _jieba()
    path = Path(jb.__file__).parent / "analyse" / "idf.txt"
    table: dict[str, float] = {}
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            word, _, value = line.rstrip("\n").rpartition(" ")
            if word:
                table[word] = float(value)
    values = sorted(table.values())
    return table, values[len(values) // 2] if values else 10.0


@dataclass
class Features:
    """What one petition's matter is made of."""

    tokens: list[str]
    objects: frozenset[str]
    amounts: tuple[int, ...]
    spots: frozenset[str]
    boost: list[str] = field(default_factory=list)  # the demand's words, counted again
    vec: dict[str, float] = field(default_factory=dict)

    def top(self, n: int = 8) -> list[str]:
        return [w for w, _ in sorted(self.vec.items(), key=lambda x: -x[1])[:n]]

    def dump(self) -> str:
        return json.dumps({"t": self.tokens, "b": self.boost, "o": sorted(self.objects), "a": list(self.amounts),
                           "s": sorted(self.spots)}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def load(cls, text: str) -> Features:
        d = json.loads(text)
        return cls(list(d["t"]), frozenset(d["o"]), tuple(d["a"]), frozenset(d["s"]), list(d["b"]))


def clean(text: str, matter: Matter) -> str:
    text = unicodedata.normalize("NFKC", text or "")
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C" or ch in "\n\t")
    return address_digits(matter.spell(text))


def _remove(text: str, words: list[str]) -> str:
    for w in sorted({w for w in words if w and len(w) >= 2}, key=len, reverse=True):
        text = text.replace(w, " ")
    return text


def segment(text: str) -> list[str]:
    return [t for t in _jieba().lcut(text) if t.strip()]


def tokens_of(text: str, matter: Matter, *, names: list[str] = (), places: list[str] = ()
              ) -> tuple[list[str], set[str], list[int], set[str]]:
    """(tokens, key objects, amounts, spots) of one text; names and places removed."""
    text = clean(text, matter)
    text = _remove(text, [*names, *places, *ADMIN])
    text, amounts = with_amount_tokens(text, mark="，")
    text, objects = matter.canonical(text)
    add_words(list(matter.objects))
    out, spots = [], set()
    prev = ""
    for t in segment(text):
        if t in matter.stopwords or _PUNCT.match(t) or _DIGITS.match(t) or _NUMBERED.match(t) or len(t) == 1:
            if len(t) == 1 and t in _SPOT_END and len(prev) >= 2 and not _SPOT.match(prev):
                spots.add(prev + t)  # 木桥 + 弄: jieba splits off a lane's or a bridge's last character
            prev = ""  # single characters are mostly grammar; the words that matter are longer
            continue
        if _VILLAGE.fullmatch(t):
            prev = ""
            continue
        if _SPOT.match(prev + t) and t not in matter.objects and len(prev + t) <= 12:
            # 金星 + 模具厂: the named place is the pair (jieba does not know local names)
            spots.add(prev + t if prev and not _SPOT.match(prev) else t)
        out.append(t)
        prev = t
    out += [amount_token(v) for v in amounts]  # one token per amount, however it was written
    return out, objects, amounts, spots


def weigh(tokens: list[str], boost: Counter[str] | None = None) -> dict[str, float]:
    """Sublinear TF x jieba IDF, L2-normalised; ``boost`` adds extra counts (the demand)."""
    idf, median = idf_table()
    tf = Counter(tokens)
    if boost:
        tf.update(boost)
    vec = {w: (1 + math.log(n)) * idf.get(w, median) for w, n in tf.items()}
    norm = math.sqrt(sum(v * v for v in vec.values())) or 1.0
    return {w: v / norm for w, v in vec.items()}


def cosine(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(v * b[w] for w, v in a.items() if w in b)


def rows(vecs: Sequence[dict[str, float]], vocab: dict[str, int]):  # noqa: ANN201 - scipy CSR
    """The word vectors as rows of a sparse matrix over ``vocab`` (words outside it dropped)."""
    import numpy as np
    from scipy.sparse import csr_matrix

    data, cols, ptr = [], [], [0]
    for v in vecs:
        for w, x in v.items():
            j = vocab.get(w)
            if j is not None:
                cols.append(j)
                data.append(x)
        ptr.append(len(cols))
    return csr_matrix((np.asarray(data, dtype=np.float64), np.asarray(cols, dtype=np.int64), ptr),
                      shape=(len(vecs), len(vocab)))


def cosine_without(a: dict[str, float], b: dict[str, float], drop: set[str]) -> float:
    """The cosine of ``a`` and ``b`` with the words in ``drop`` left out (both renormalised)."""
    a = {w: v for w, v in a.items() if w not in drop}
    b = {w: v for w, v in b.items() if w not in drop}
    na, nb = math.sqrt(sum(v * v for v in a.values())), math.sqrt(sum(v * v for v in b.values()))
    return cosine(a, b) / (na * nb) if na and nb else 0.0


# The admin names without 省/市/区 (浙江, 杭州, 余杭, 临平, 街道), as jieba leaves them when it splits a
# place (余杭 | 老街): shared by half the street's petitions, they say nothing a clerk can use about one matter.
_ADMIN_STEMS = frozenset(re.sub(r"(省|市|区|办事处)$", "", a) for a in ADMIN)


def shared_words(a: dict[str, float], b: dict[str, float], n: int = 6) -> list[str]:
    """The words that make two petitions alike, heaviest first (for the explanation)."""
    common = [(a[w] * b[w], w) for w in a.keys() & b.keys() if w not in _ADMIN_STEMS]
    return [shown(w) for _, w in sorted(common, reverse=True)[:n]]


def shown(token: str) -> str:
    """A token as a clerk reads it: the amount token ¥38000 as 38000元."""
    return f"{token[1:]}元" if token.startswith("¥") else token


