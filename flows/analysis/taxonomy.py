"""The office's category list, old→new names and the keyword lexicon, read from editable TOML."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from core.errors import ConfigError


@dataclass
class Taxonomy:
    legacy: list[str]
    current: list[str]
    legacy_to_current: dict[str, str]
    lexicon: dict[str, list[str]] = field(default_factory=dict)
    scheme: str = "legacy"

    @property
    def categories(self) -> list[str]:
        return self.legacy if self.scheme == "legacy" else self.current

    @property
    def keywords(self) -> frozenset[str]:
        """Every keyword of the lexicon, whatever its category (``TextContext.kind_words``)."""
        return frozenset(w for words in self.lexicon.values() for w in words)

    def canonical(self, name: str) -> str:
        """Any name an upstream or a clerk writes, in the office's scheme ('' when unknown)."""
        name = (name or "").strip().split("/")[0].split("-")[0].strip()  # 'X/子类' or 'X-子类': first level
        if not name:
            return ""
        if self.scheme == "legacy":
            if name in self.legacy:
                return name
            back = {v: k for k, v in self.legacy_to_current.items()}
            return back.get(name, "")
        if name in self.current:
            return name
        return self.legacy_to_current.get(name, name if name in self.legacy else "")


def load(folder: Path) -> Taxonomy:
    try:
        cats = tomllib.loads((folder / "categories.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"分类目录读取失败（{folder}）：{exc}") from exc
    lex = _lexicon(folder)
    tax = Taxonomy(legacy=list(cats["legacy"]), current=list(cats["current"]),
                   legacy_to_current=dict(cats.get("legacy_to_current", {})), scheme=cats.get("scheme", "legacy"))
    tax.lexicon = {tax.canonical(k) or k: list(v) for k, v in lex.items()}
    return tax


def _lexicon(folder: Path) -> dict[str, list[str]]:
    try:
        return tomllib.loads((folder / "lexicon.toml").read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ConfigError(f"分类目录读取失败（{folder}）：{exc}") from exc


def lexicon_words(folder: Path) -> frozenset[str]:
    """Every keyword of the lexicon in ``folder``, whatever its category (none when the folder has
    no lexicon), for a caller without a loaded ``Taxonomy`` (its ``keywords``): the vocabulary of a
    kind of matter, which two letters of one kind share whatever their matter."""
    if not (folder / "lexicon.toml").exists():
        return frozenset()
    return frozenset(w for words in _lexicon(folder).values() for w in words)
