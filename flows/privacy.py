"""Masking of personal data (PIPL; 浙江省信访条例 Art. 26(4)).

Names, resident ID numbers and phone numbers are masked in logs, chat messages and copies
that leave the office. Free text is scrubbed by pattern (IDs, phones) and by the names the
redactor has been told about (names cannot be recognised by pattern).
"""

from __future__ import annotations

import re
import threading

ID_RE = re.compile(r"(?<![0-9A-Za-z])([1-9]\d{5})(\d{8})(\d{3}[0-9Xx])(?![0-9A-Za-z])")
MOBILE_RE = re.compile(r"(?<!\d)(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
LANDLINE_RE = re.compile(r"(?<!\d)(0\d{2,3})-?(\d{3,4})(\d{4})(?!\d)")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_checksum_ok(id_number: str) -> bool:
    """GB 11643: 17 digits and a check character."""
    s = id_number.strip().upper()
    if not re.fullmatch(r"\d{17}[\dX]", s):
        return False
    total = sum(int(c) * w for c, w in zip(s[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == s[17]


def mask_name(name: str) -> str:
    """张三 -> 张*, 张三丰 -> 张*丰, 欧阳娜娜 -> 欧**娜."""
    name = (name or "").strip()
    if len(name) <= 1:
        return "*" if name else ""
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def mask_id(id_number: str) -> str:
    s = (id_number or "").strip()
    if len(s) < 8:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_phone(phone: str) -> str:
    s = (phone or "").strip()
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "****" + s[-4:]


def scrub_patterns(text: str) -> str:
    text = ID_RE.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(3)[-4:], text)
    text = MOBILE_RE.sub(lambda m: m.group(1) + "****" + m.group(3), text)
    return LANDLINE_RE.sub(lambda m: m.group(1) + "-****" + m.group(3), text)


class Redactor:
    """Scrubs free text of known names, secrets, ID numbers and phone numbers.

    One redactor is shared by the log sinks of a process; flows register the names they see
    (``add_names``) before they log anything about the petition.
    """

    def __init__(self, *, hide_names: bool = False) -> None:
        # hide_names: replace names whole (检举控告: not even a masked name may appear)
        self._hide = hide_names
        self._names: set[str] = set()
        self._secrets: set[str] = set()
        # Immutable snapshots read without the lock: (words, their lengths longest first, first characters).
        self._index: tuple[frozenset[str], tuple[int, ...], frozenset[str]] = (frozenset(), (), frozenset())
        self._lock = threading.Lock()

    # Known words are found by set lookups, not by one big regex alternation: that regex had to be
    # recompiled for every new name, and ``re`` keeps the last 512 compiled patterns, so a long
    # intake (thousands of names) grew the process by ~12 KB per petition and spent O(n^2) time.
    def add_names(self, *names: str) -> None:
        new = {n.strip() for n in names if n and len(n.strip()) >= 2} - self._names
        if new:
            with self._lock:
                self._names |= new
                self._reindex()

    def add_secrets(self, *secrets: str) -> None:
        new = {s for s in secrets if s and len(s) >= 4} - self._secrets
        if new:
            with self._lock:
                self._secrets |= new
                self._reindex()

    def _reindex(self) -> None:
        words = frozenset(self._names | self._secrets)
        self._index = (words, tuple(sorted({len(w) for w in words}, reverse=True)), frozenset(w[0] for w in words))

    def _replace(self, word: str) -> str:
        if word in self._secrets:
            return "******"
        return "***" if self._hide else mask_name(word)

    def _replace_known(self, text: str) -> str:
        words, lengths, firsts = self._index
        if not words or firsts.isdisjoint(text):
            return text
        out: list[str] = []
        i, start, n = 0, 0, len(text)
        while i < n:
            if text[i] in firsts:
                for length in lengths:  # longest first, as the alternation did
                    word = text[i:i + length]
                    if len(word) == length and word in words:
                        out.append(text[start:i])
                        out.append(self._replace(word))
                        i += length
                        start = i
                        break
                else:
                    i += 1
            else:
                i += 1
        out.append(text[start:])
        return "".join(out)

    def __call__(self, text: str) -> str:
        return scrub_patterns(self._replace_known(text))


redactor = Redactor()  # the process-wide one the log sinks use
