"""LibreOffice adapter: convert .docx / .xlsx to PDF headless (optional for users, used in CI
to prove generated files open without a repair prompt)."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from core.errors import SystemError_


def find_soffice() -> str | None:
    for name in ("soffice", "libreoffice"):
        path = shutil.which(name)
        if path:
            return path
    for path in ("/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice", "/opt/libreoffice/program/soffice"):
        if Path(path).exists():
            return path
    return None


def to_pdf(src: Path, out_dir: Path | None = None, *, timeout: float = 120) -> Path:
    """Convert ``src`` to PDF beside it (or in ``out_dir``). Raises SystemError_ on failure.

    Each call uses its own throw-away profile so a clerk's open LibreOffice (or a parallel
    conversion) cannot block it.
    """
    soffice = find_soffice()
    if soffice is None:
        raise SystemError_("未安装 LibreOffice，无法生成 PDF", hint="Debian/Ubuntu：apt-get install libreoffice-writer-nogui")
    out_dir = out_dir or src.parent
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="petitionbot-lo-") as profile:
        cmd = [soffice, f"-env:UserInstallation=file://{profile}", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out_dir), str(src)]
        try:
            proc = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired as exc:
            raise SystemError_(f"LibreOffice 转换超时：{src.name}") from exc
    pdf = out_dir / (src.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists() or pdf.stat().st_size == 0:
        raise SystemError_(f"LibreOffice 无法转换 {src.name}：{(proc.stderr or proc.stdout).strip()[:300]}")
    return pdf
