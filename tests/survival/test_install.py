"""``pip install .`` (not editable) and then ``petitionbot demo`` works: what the program reads
besides its code (letter templates, message texts, taxonomy and lexicon, deadline profiles,
calendar overrides, legal-basis table, schedules, migrations) ships in the wheel.

The wheel is built from a copy of the sources, installed without its dependencies into a fresh
folder (the dependencies come from this venv's site-packages, to stay fast and offline), and the
demo runs from another folder with ``python -S``: neither the repository nor the editable
install's finder is on the path, so a file found only through the checkout fails the run.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import docx
import openpyxl
import pytest

ROOT = Path(__file__).resolve().parents[2]
# Everything but the code and data the wheel is built from.
NOT_BUILT = {".git", ".venv", "tests", "docs", "bench", "out", "work", "runs", "build", "dist", ".ci"}


def run(cmd: list[str], *, cwd: Path, env: dict[str, str] | None = None, timeout: float = 600) -> str:
    r = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert r.returncode == 0, f"{cmd[:4]} failed ({r.returncode}):\n{r.stdout[-3000:]}\n{r.stderr[-3000:]}"
    return r.stdout


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("install")
    src = tmp / "src"
    shutil.copytree(ROOT, src, ignore=lambda folder, names: [
        n for n in names if (Path(folder) == ROOT and n in NOT_BUILT) or n == "__pycache__" or n.endswith(".egg-info")])
    wheels = tmp / "wheels"
    # The PEP 517 hook pip would call, without pip's start-up or an isolated build environment.
    run([sys.executable, "-c", f"from setuptools import build_meta; build_meta.build_wheel({str(wheels)!r})"], cwd=src)
    (wheel,) = wheels.glob("petitionbot-*.whl")
    target = tmp / "site"
    run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-compile", "--target", str(target),
         str(wheel)], cwd=tmp)
    shutil.rmtree(src)
    return target


def isolated_env(target: Path) -> dict[str, str]:
    deps = dict.fromkeys(sysconfig.get_paths()[k] for k in ("purelib", "platlib"))
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PETITIONBOT_", "PYTHON"))}
    return env | {"PYTHONPATH": os.pathsep.join([str(target), *deps])}


def test_the_installed_package_reads_nothing_from_the_checkout(installed, tmp_path):
    probe = ("import sys, core.shipped as s, petitionbot, flows, templates, schedules\n"
             "print(petitionbot.__file__, flows.__file__, templates.__file__, s.shipped('templates/letters'),"
             " s.shipped('schedules/default.toml'), *sys.path, sep='\\n')")
    lines = run([sys.executable, "-S", "-c", probe], cwd=tmp_path, env=isolated_env(installed)).splitlines()
    assert all(Path(p).is_relative_to(installed) for p in lines[:5]), lines[:5]
    assert not [p for p in lines[5:] if p and Path(p).resolve().is_relative_to(ROOT) and ".venv" not in p]


@pytest.mark.slow
@pytest.mark.timeout(900)  # the whole demo (Chromium against the simulator) after a build and an install
def test_demo_runs_from_a_non_editable_install(installed, tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = run([sys.executable, "-S", "-m", "petitionbot", "demo", "--out", str(tmp_path / "demo"), "--count", "12"],
              cwd=elsewhere, env=isolated_env(installed), timeout=850)
    assert "演示开始" in out
    failed = [line for line in out.splitlines() if line.strip().startswith("失败：")]
    assert failed == [], out[-3000:]

    work = tmp_path / "demo" / "work"
    handed = sorted(work.glob("letters/20*/*/交办单.docx"))  # the shipped letter template, filled in
    assert handed, sorted(p.relative_to(work).as_posix() for p in work.rglob("*.docx"))
    text = "\n".join(p.text for p in docx.Document(str(handed[0])).paragraphs)
    assert "交办单" in text and "{{" not in text
    (book,) = work.glob("ledger/*.xlsx")
    cells = {str(v) for row in openpyxl.load_workbook(book, read_only=True)["台账"].iter_rows(values_only=True)
             for v in row if v is not None}
    assert handed[0].parent.name in cells  # the petition the letter is about has its ledger row
    assert list(work.glob("reminders/*/超期信访事项清单-*.xlsx"))
    assert list(work.glob("reports/20*/信访形势分析-*.docx"))
