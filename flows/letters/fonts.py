"""The letters' fonts and what stands in for them where they are not installed.

GB/T 9704 names fonts most machines outside a government office lack. Two places use this
table: the templates' font table (``w:altName``, which Word follows: 仿宋_GB2312 -> 仿宋 ->
FangSong), and the bot's own LibreOffice conversion (which ignores ``w:altName``): its throw-away
profile gets a replacement for each font that is not installed, so a PDF made on a Linux server
is set in a Song (serif) face for 仿宋 and 小标宋 and in a Hei (sans) face for 黑体, instead of
whatever fontconfig picks for an unknown name.
"""

from __future__ import annotations

import shutil
import subprocess
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True)
class Font:
    name: str
    alt: tuple[str, ...]  # what Word tries next, in order
    family: str  # w:family: roman (serif, 宋/仿宋/楷) | modern (黑体, fixed pitch) | auto
    pitch: str  # w:pitch: fixed | variable
    charset: str  # w:charset: 86 = GB2312, 00 = ANSI
    panose: str = ""  # w:panose1 where known
    local: tuple[str, ...] = ()  # free faces LibreOffice may use instead, best first


SERIF = ("Noto Serif CJK SC", "Source Han Serif SC", "AR PL UMing CN")
SANS = ("Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Zen Hei")

FONTS: tuple[Font, ...] = (
    Font("仿宋_GB2312", ("仿宋", "FangSong"), "modern", "fixed", "86", local=SERIF),
    Font("仿宋", ("FangSong",), "modern", "fixed", "86", local=SERIF),
    Font("方正小标宋简体", ("华文中宋", "宋体", "SimSun"), "roman", "variable", "86", local=SERIF),
    Font("华文中宋", ("STZhongsong", "宋体"), "roman", "variable", "86", local=SERIF),
    Font("宋体", ("SimSun",), "auto", "variable", "86", "02010600030101010101", SERIF),
    Font("黑体", ("SimHei",), "modern", "fixed", "86", "02010609060101010101", SANS),
    Font("楷体_GB2312", ("楷体", "KaiTi"), "modern", "fixed", "86", local=SERIF),
    Font("楷体", ("KaiTi",), "modern", "fixed", "86", local=SERIF),
    Font("Times New Roman", (), "roman", "variable", "00", "02020603050405020304",
         ("Liberation Serif", "Tinos", "DejaVu Serif")),
)


@lru_cache(maxsize=1)
def installed() -> frozenset[str] | None:
    """Font family names fontconfig knows; None where there is no fontconfig (Windows)."""
    if shutil.which("fc-list") is None:
        return None
    try:
        out = subprocess.run(["fc-list", ":", "family"], capture_output=True, text=True, timeout=30, check=False).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    return frozenset(name.strip() for line in out.splitlines() for name in line.split(",") if name.strip())


def replacements() -> dict[str, str]:
    """font name -> installed stand-in, for every name the letters may use that is missing here."""
    have = installed()
    if have is None:
        return {}
    out = {}
    for font in FONTS:
        stand_in = next((f for f in font.local if f in have), "")
        for name in (font.name, *font.alt):
            if stand_in and name not in have:
                out.setdefault(name, stand_in)
    return out
