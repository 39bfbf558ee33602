"""Masking of personal data (PIPL; 浙江省信访条例 Art. 26(4)).

Names, resident ID numbers and phone numbers are masked in logs, chat messages and copies
that leave the office. Free text is scrubbed by pattern (IDs, phones) and by the names the
redactor has been told about (names cannot be recognised by pattern).

Numbers are found in a *normalised* view of the text and masked in the original, character by
character, so the text keeps its shape:

- NFKC, so full-width digits and separators (３３０１０２…, （０５７１）, －) count as digits;
- separators inside a number are ignored: ``138-0000-1234``, ``138 0000 1234``,
  ``(0571)88881234``, ``0571 8888 1234``, ``138 - 0000 - 1234`` are one number each (at most three of space, ``-``,
  ``.``, ``(``, ``)`` or a Unicode hyphen between two digits);
- dates (``2026-11-03``, ``2026.11.3``, ``2026年11月3日``) and times are never joined to a
  neighbouring number, so a date next to a phone number stays a date;
- a digit run glued to ASCII letters is an identifier such as a petition ref
  (``XF2026112500001``) and stays readable, unless it is exactly a mobile or an ID
  (``tel13800001234``).

What is masked (in place, digits become ``*``): an 18-character ID (first 3 and last 4 kept),
15 digits or more of anything (an ID cut by an excerpt, an old 15-digit ID, a bank card: first 3
kept), 12-14 digits that start like an ID (area code and a birth year and month: first 3
kept), an 11-digit mobile 13x-19x (first 3 and last 4 kept, also after +86), and a landline with
its area code, 10-12 digits starting with 0 (area code and last 4 kept). Everything else
(dates, amounts, counts, refs) is left alone.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Iterable
from typing import Any

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

# After NFKC: ASCII separators, plus Unicode hyphens and the minus sign NFKC leaves alone.
_SEP = r"[ \t\u00a0\-.()\u2010-\u2013\u2212]"
# A run of 10 digits or more (fewer is never personal data here: a count, an amount, a date).
_NUMBER = re.compile(rf"[0-9](?:{_SEP}{{0,3}}[0-9]){{9,}}(?:{_SEP}{{0,3}}[Xx](?![A-Za-z]))?")
_DATE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})[-./]([0-9]{1,2})[-./]([0-9]{1,2})(?![0-9])"
                   r"|(?<![0-9])[0-9]{1,2}:[0-9]{2}(?::[0-9]{2})?(?![0-9])")
# Characters NFKC may turn into a digit, a space, a hyphen, a parenthesis, + or X: full-width
# digits and those signs, other scripts' digits, super- and subscripts, circled and parenthesised
# numbers, odd spaces. (Not the full-width comma or colon: Chinese text is full of them.)
_FOLDABLE = re.compile("(?![0-9])[\\d\u00a0\u00b2\u00b3\u00b9\u2000-\u200a\u2070-\u209f\u2460-\u24ff"
                       "\u2776-\u2793\u3000\u3248-\u32ff\uff08\uff09\uff0b\uff0d\uff0e\uff10-\uff19"
                       "\uff38\uff58\U0001d7ce-\U0001d7ff\U0001f100-\U0001f10a]")
_GLUED = re.compile(r"[0-9]+[Xx]?")
_HYPHENATED = re.compile(r"[0-9]+(?:-[0-9]+)*")
_ALNUM = frozenset("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz")
_ID_PREFIX = re.compile(r"[1-9][0-9]{5}(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])")
_DIGIT = re.compile(r"[0-9]")


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
    s = normalise(id_number or "").strip()
    if len(s) < 8:
        return "*" * len(s)
    return s[:3] + "*" * (len(s) - 7) + s[-4:]


def mask_phone(phone: str) -> str:
    s = normalise(phone or "").strip()
    if len(s) < 7:
        return "*" * len(s)
    return s[:3] + "****" + s[-4:]


class _Fold(dict):
    """Character table, filled on first sight of each character: NFKC of the character when
    that is one character, else its one digit (⑴ -> 1), else the character itself; digits of other
    scripts become ASCII digits. One character in, one out, so positions never move."""

    def __missing__(self, code: int) -> str:
        ch = chr(code)
        n = unicodedata.normalize("NFKC", ch)
        digits = [c for c in n if c.isdecimal()]
        if len(n) != 1:
            n = digits[0] if len(digits) == 1 else ch
        if n.isdecimal() and not n.isascii():
            n = str(unicodedata.decimal(n))
        if len(self) < 65536:
            self[code] = n
        return n


_FOLD = _Fold()


def normalise(text: str) -> str:
    """NFKC, character by character, keeping every character's position (see ``_Fold``)."""
    if text.isascii() or not _FOLDABLE.search(text):
        return text
    return _FOLDABLE.sub(lambda m: _FOLD[ord(m.group())], text)


def _blank_dates(text: str) -> str:
    def blank(m: re.Match[str]) -> str:
        if m.group(1) and not (1 <= int(m.group(2)) <= 12 and 1 <= int(m.group(3)) <= 31):
            return m.group(0)  # not a calendar date: 1380-12-34 may be part of a number
        return "#" * len(m.group(0))
    return _DATE.sub(blank, text)


def _id_like(digits: str) -> bool:
    """An area code, then a plausible birth date (as far as the digits go)."""
    if not _ID_PREFIX.match(digits):
        return False
    return len(digits) < 14 or 1 <= int(digits[12:14]) <= 31


def _classify(digits: str) -> tuple[int, int, bool] | None:
    """(characters kept at the start, at the end, whether the form is exact) for a number that
    is personal data; None for any other number. The inexact form is "15 digits or more"."""
    n = len(digits)
    if n == 18 and _id_like(digits):
        return 3, 4, True  # a whole resident ID (check character 0-9 or X)
    if not digits.isdigit():
        return None
    # +86 before an ID's start: 86 is also an area code, and "+86 130..." would read as an ID cut short
    if n == 13 and digits.startswith("86") and digits[2] == "1" and digits[3] in "3456789":
        return 5, 4, True  # +86 and a mobile
    if 12 <= n <= 14 and _id_like(digits):
        return 3, 0, True  # the start of an ID (cut by an excerpt)
    if n == 11 and digits[0] == "1" and digits[1] in "3456789":
        return 3, 4, True  # mobile 13x-19x
    if 10 <= n <= 12 and digits[0] == "0" and digits[1] != "0":
        area = 3 if digits[1] in "12" else 4  # 010, 02x; else 0xxx
        if 7 <= n - area <= 8:
            return area, 4, True  # a landline with its area code
    if n >= 15:
        return 3, 0, False  # an ID cut short, an old 15-digit ID, a bank card
    return None


def _groups(start: int, text: str) -> list[list[int]]:
    """Positions of the digits of a number, group by group (groups are split by separators)."""
    groups: list[list[int]] = []
    gap = True
    for k, ch in enumerate(text):
        if ch.isdigit() or ch in "Xx":
            if gap:
                groups.append([])
            groups[-1].append(start + k)
            gap = False
        else:
            gap = True
    return groups


def _glued_personal(digits: str) -> bool:
    """Digits right after letters are a ref (XF2026112500001), unless they are exactly a mobile or
    an ID (tel13800001234, sfz330102199001011234): refs are built from years, not from those."""
    digits = digits.upper()
    return (len(digits) == 11 and digits.isdigit() and digits[0] == "1" and digits[1] in "3456789") or (
        len(digits) == 18 and digits[:17].isdigit() and _id_like(digits))


def _numbers(norm: str) -> list[tuple[int, str]]:
    """(position, text) of every digit run that could hold personal data: 10 digits or more, not
    the digits of a ref glued to its letters, split where a date or a time sits inside it."""
    out = []
    pos = 0
    while (m := _NUMBER.search(norm, pos)) is not None:
        start, text = m.start(), m.group(0)
        if start and norm[start - 1] in _ALNUM:
            glued = _GLUED.match(norm, start)
            if glued is not None and not _glued_personal(glued.group(0)):
                pos = glued.end()  # XF2026112500001: skip the ref, look again right after it
                continue
        if start >= 2 and norm[start - 1] == "-" and norm[start - 2] in _ALNUM:
            joined = _HYPHENATED.match(norm, start)
            parts = joined.group(0).split("-") if joined is not None else []
            if parts and not any(map(_glued_personal, [*parts, "".join(parts)])):
                pos = joined.end()  # YH-12345-20261104-0002 (a 工单编号): skip the ref, look again after it
                continue
        pos = m.end()
        if text.isdigit() or not _DATE.search(text):
            out.append((start, text))
            continue
        blanked = _blank_dates(text)
        out += [(start + p.start(), p.group(0)) for p in _NUMBER.finditer(blanked)]
    return out


def _personal_numbers(norm: str) -> list[tuple[list[int], int, int]]:
    """(digit positions, kept at start, kept at end) of every personal number in ``norm``.

    Grouped digits (``138 0000 1234 139 0000 5678``) are read left to right: from each group, the
    longest run of groups that forms an exact form wins, else the longest run of 15+ digits, so
    a list of phone numbers is two numbers, not one long one."""
    found = []
    for start, text in _numbers(norm):
        groups = _groups(start, text)
        i = 0
        while i < len(groups):
            best: tuple[int, list[int], tuple[int, int, bool]] | None = None
            acc: list[int] = []
            for j in range(i, len(groups)):
                acc = acc + groups[j]
                if j > i and len(acc) > 19:
                    break
                positions = acc
                digits = "".join(norm[p] for p in acc).upper()
                kind = _classify(digits)
                if kind is None and digits.endswith("X"):
                    positions, kind = acc[:-1], _classify(digits[:-1])  # "13800001234x"
                if kind is not None and (best is None or kind[2] or not best[2][2]):
                    best = (j, positions, kind)
            if best is None:
                i += 1
                continue
            j, positions, (first, last, _exact) = best
            found.append((positions, first, last))
            i = j + 1
    return found


def scrub_patterns(text: str) -> str:
    """Mask ID and phone numbers in free text, whatever their width or separators."""
    if not text:
        return text
    norm = normalise(text)
    if not _DIGIT.search(norm):
        return text
    found = _personal_numbers(norm)
    if not found:
        return text
    out = list(text)
    for positions, first, last in found:
        for p in positions[first:len(positions) - last]:
            out[p] = "*"
    return "".join(out)


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

    def add_people(self, people: Iterable[Any]) -> None:
        """Petitioners (``name``, ``phone``, ``id_number``). When names are hidden (检举控告), also
        what ``mask_name``, ``mask_phone`` and ``mask_id`` make of them (赵*举, 138****2222), as the
        analysis' explanations print them: not even a masked trace of an accuser may appear."""
        people = list(people)
        self.add_names(*(x.name for x in people))
        if self._hide:
            self.add_names(*(mask_name(x.name) for x in people))
            self.add_secrets(*(v for x in people for v in (mask_phone(x.phone), mask_id(x.id_number)) if v))

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
