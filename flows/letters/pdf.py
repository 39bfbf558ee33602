"""PDF copies of many letters in one LibreOffice start.

``flows.convert.to_pdf`` converts one file per soffice start (2-3 s each); a run drafting
dozens of letters would spend minutes there. This converts a batch in one call, using the
same soffice discovery and the same throw-away profile.

The profile is seeded with a font replacement table (see ``fonts.py``): for each GB/T 9704 font
that is not installed, an installed Song or Hei face stands in, so the PDF keeps the letters'
look on a machine without the office fonts.
"""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path
from xml.sax.saxutils import escape

from core.errors import SystemError_
from flows import diskio
from flows.convert import find_soffice

from .fonts import replacements

_XCU = ('<?xml version="1.0" encoding="UTF-8"?>\n<oor:items xmlns:oor="http://openoffice.org/2001/registry" '
        'xmlns:xs="http://www.w3.org/2001/XMLSchema" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n{}'
        '</oor:items>\n')


def seed_profile(profile: Path, pairs: dict[str, str] | None = None) -> None:
    """Write LibreOffice's font replacement table into a fresh user profile."""
    pairs = replacements() if pairs is None else pairs
    if not pairs:
        return
    items = ['<item oor:path="/org.openoffice.Office.Common/Font/Substitution">'
             '<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>']
    for i, (name, stand_in) in enumerate(sorted(pairs.items())):
        items.append(
            '<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">'
            f'<node oor:name="_{i}" oor:op="replace">'
            # "Always": the font is known missing (checked with fontconfig); without it LibreOffice
            # treats fontconfig's fallback as the font being there and never replaces it.
            '<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>'
            '<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>'
            f'<prop oor:name="ReplaceFont" oor:op="fuse"><value>{escape(name)}</value></prop>'
            f'<prop oor:name="SubstituteFont" oor:op="fuse"><value>{escape(stand_in)}</value></prop>'
            '</node></item>')
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(_XCU.format("\n".join(items)), encoding="utf-8")


def to_pdf_many(sources: list[Path], *, timeout: float = 120) -> dict[Path, Path]:
    """Convert each ``x.docx`` to ``x.pdf`` beside it. Returns the ones that worked."""
    if not sources:
        return {}
    soffice = find_soffice()
    if soffice is None:
        raise SystemError_("未安装 LibreOffice，无法生成 PDF", hint="Debian/Ubuntu：apt-get install libreoffice-writer-nogui")
    done: dict[Path, Path] = {}
    with tempfile.TemporaryDirectory(prefix="petitionbot-lo-") as tmp:
        tmpdir = Path(tmp)
        inputs = []
        for i, src in enumerate(sources):
            # Numbered copies: letters of different petitions share names (交办单.docx).
            link = tmpdir / f"{i}.docx"
            link.write_bytes(src.read_bytes())
            inputs.append(str(link))
        out = tmpdir / "out"
        seed_profile(tmpdir / "profile")
        cmd = [soffice, f"-env:UserInstallation=file://{tmpdir / 'profile'}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out), *inputs]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, check=False,
                                  timeout=timeout + 5 * len(sources))
        except subprocess.TimeoutExpired as exc:
            raise SystemError_(f"LibreOffice 转换超时（{len(sources)} 份文书）") from exc
        for i, src in enumerate(sources):
            pdf = out / f"{i}.pdf"
            if pdf.exists() and pdf.stat().st_size > 0:
                target = src.with_suffix(".pdf")
                try:
                    diskio.replace(pdf, target)  # a clerk's PDF keeps its owner and mode
                except OSError:  # another file system (temp on tmpfs): copy instead
                    target.write_bytes(pdf.read_bytes())
                done[src] = target
        if not done:
            raise SystemError_(f"LibreOffice 无法转换文书：{(proc.stderr or proc.stdout).strip()[:300]}")
    return done
