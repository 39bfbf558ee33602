"""Fake but well-formed personal numbers: GB 11643 resident IDs and mainland mobile numbers."""

from __future__ import annotations

import random
from datetime import date, timedelta

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
# 余杭区 and neighbours, so the numbers look local.
AREA_CODES = ("330110", "330110", "330110", "330106", "330105", "330184", "330522", "341881")
MOBILE_PREFIXES = ("130", "131", "133", "135", "136", "137", "138", "139", "150", "151", "152", "157", "158",
                   "159", "177", "180", "181", "182", "183", "186", "187", "188", "189", "191", "199")


def check_char(first17: str) -> str:
    return _CHECK[sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True)) % 11]


def id_number(rng: random.Random, *, today: date) -> str:
    born = today - timedelta(days=rng.randint(20 * 365, 85 * 365))
    body = f"{rng.choice(AREA_CODES)}{born:%Y%m%d}{rng.randint(0, 999):03d}"
    return body + check_char(body)


def mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + f"{rng.randint(0, 99_999_999):08d}"
