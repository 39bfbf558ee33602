"""One normalisation of 信访件编号 (``petition.ref``) for every place that compares or files them.

The upstream's own text stays the petition's ref: it is what the upstream system finds, what
letters and the ledger show, and what the store's rows are keyed by. Everything that *compares*
refs (intake's diff with the store, the ledger's rows, duplicate checks) compares ``ref_key``,
and everything that *files* by ref (attachment folders) uses ``folder_name``:

- ``xf2026112500001`` and ``XF2026112500001`` are one petition (a clerk retypes refs in capitals,
  Excel's autocorrect capitalises, the upstream's search ignores case);
- ``XF（2026）77`` and ``XF(2026)77`` are one petition (full-width brackets typed by an IME,
  ``〔〕`` and ``【】`` for document numbers), as are refs differing only by spaces;
- two refs whose folder names would sanitise alike (``XF(2026)77`` and ``XF_2026_77``) never
  share a folder: a name that sanitising changed carries a short hash of the key.

Why the upstream text is kept rather than normalised at intake: the robot must hand the
upstream back exactly what it listed (detail URLs and 签收 are looked up by it), existing
stores keep their keys without a data migration, and every flow that reads the store keeps
comparing plain strings, because the store never holds two refs with one key (intake sees to
it).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata

# After NFKC (which already turns （）［］ into ()[]): the other bracket pairs people type in refs.
_BRACKETS = str.maketrans({"〔": "(", "〕": ")", "【": "(", "】": ")", "[": "(", "]": ")", "〈": "(", "〉": ")"})
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_SPACE = re.compile(r"\s+")
_FOLDER_SAFE = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff_\-]")
FOLDER_MAX = 64
FOLDER_MAX_BYTES = 150


def ref_key(ref: object) -> str:
    """The form refs are compared by: NFKC, one bracket style, no whitespace, upper case."""
    if type(ref) is str and ref.isascii() and ref.isalnum() and ref == ref.upper():
        return ref  # the usual YH2026110001: already its own key (a 100,000-row book asks this per row)
    text = unicodedata.normalize("NFKC", str(ref or "")).translate(_INVISIBLE).translate(_BRACKETS)
    return _SPACE.sub("", text).upper()


def same_ref(a: object, b: object) -> bool:
    return ref_key(a) == ref_key(b)


def folder_name(ref: str) -> str:
    """A folder name for a ref's files that no other ref's folder can share.

    The key is sanitised to characters every file system takes; when that changed it, a hash of
    the key follows a ``~`` (a character sanitised names never contain, so a ref cannot be
    crafted to look like another ref's hashed name)."""
    key = ref_key(ref)
    safe = _FOLDER_SAFE.sub("_", key)[:FOLDER_MAX]
    while len(safe.encode()) > FOLDER_MAX_BYTES:  # CJK takes 3 bytes; file systems stop at 255
        safe = safe[:-1]
    if safe == key and key:
        return safe
    return f"{safe}~{hashlib.sha256(key.encode()).hexdigest()[:10]}"


# -- refs of several upstreams ---------------------------------------------------------------
# A ref is unique per source: a hotline 工单编号 and a district 信访件编号 (or two district
# systems' numbers) may coincide. The store keys petitions by one ref, so the first source to
# bring a ref keeps it as is, and a later source's item with the same key is stored as
# ``<ref>@<source>``: the upstream's text stays recoverable (``upstream_ref``) and nothing
# that reads the store needs a second key. Refs as the upstreams write them never contain "@"
# (flows/parse.py refuses it), so a qualified ref cannot be forged from upstream data.
SOURCE_MARK = "@"


def store_ref(ref: str, source: str) -> str:
    """The ref under which ``source``'s item is stored when another source already holds ``ref``."""
    return f"{ref}{SOURCE_MARK}{source}"


def upstream_ref(stored: str, source: str) -> str:
    """The upstream's own text of a stored ref (the inverse of ``store_ref``)."""
    suffix = f"{SOURCE_MARK}{source}"
    return stored[: -len(suffix)] if stored.endswith(suffix) else stored
