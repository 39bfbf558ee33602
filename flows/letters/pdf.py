"""PDF copies of many letters in one LibreOffice start.

``flows.convert.to_pdf`` converts one file per soffice start (2-3 s each); a run drafting
dozens of letters would spend minutes there. This converts a batch in one call, using the
same soffice discovery and the same throw-away profile. (A candidate to move into
flows/convert.py as ``to_pdf_many``; kept here to leave that shared module to its owner.)
"""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

from flows.convert import find_soffice
from flows.errors import SystemError_


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
                    os.replace(pdf, target)
                except OSError:  # another file system (temp on tmpfs): copy instead
                    target.write_bytes(pdf.read_bytes())
                done[src] = target
        if not done:
            raise SystemError_(f"LibreOffice 无法转换文书：{(proc.stderr or proc.stdout).strip()[:300]}")
    return done
