"""LibreOffice prints every kind (one soffice start for all) as GB/T 9704 asks, and the two
commands work end to end.

The print checks read the PDF's own text positions (poppler's ``pdftotext -bbox-layout``): a
body line that runs from the left to the right margin holds 28 characters, and the signature
block has the organ centred over the date, the date four characters in from the right margin.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
from datetime import date

import pytest
from lxml import etree

from core.clock import FixedClock
from flows.convert import find_soffice
from flows.letters import UnitItem, draft_letters, draft_unit_letter
from flows.letters.flow import _pdfs
from flows.letters.settings import BUILTIN_TEMPLATES
from flows.runs import Run
from flows.store.sqlite import SqliteStore
from petitionbot.commands import letters as command
from tests.factories import make_petition
from tests.letters.conftest import (
    CONFIG,
    TODAY,
    TYPED,
    Desk,
    accusation_petition,
    edit_template,
    group_petition,
    hostile_petition,
    letter_setup,
    refused_petition,
)

PT_PER_MM = 72 / 25.4
LEFT, RIGHT = 28 * PT_PER_MM, (210 - 26) * PT_PER_MM  # the text block's edges, in points
CHAR = 15.75  # 16 pt less 0.25 pt of character spacing
FULL_WIDTH = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef“”‘’—…]+$")
X = "{http://www.w3.org/1999/xhtml}"
HANGING = "。，、；：？！”’）》"


def lines_of(pdf) -> list[tuple[float, float, float, str]]:
    """(xMin, xMax, y, text) of every line LibreOffice set, from the PDF itself; y counts on from
    page to page (page height added per page), so "above" means above across a page break too."""
    xml = subprocess.run(["pdftotext", "-bbox-layout", str(pdf), "-"], capture_output=True, check=True).stdout
    root = etree.fromstring(xml, etree.XMLParser(recover=True))
    out = []
    for n, page in enumerate(root.iter(f"{X}page")):
        offset = n * float(page.get("height"))
        for line in page.iter(f"{X}line"):
            text = "".join(w.text or "" for w in line.iter(f"{X}word"))
            out.append((float(line.get("xMin")), float(line.get("xMax")), offset + float(line.get("yMin")), text))
    return out


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """All nine kinds drafted from ledger-typed decisions and printed by one soffice start."""
    assert find_soffice(), "LibreOffice is required for this test (CI installs it)"
    assert shutil.which("pdftotext"), "poppler-utils is required for this test (the Makefile installs it)"
    tmp = tmp_path_factory.mktemp("printed")
    templates = tmp / "templates"
    shutil.copytree(BUILTIN_TEMPLATES, templates, ignore=shutil.ignore_patterns("*.py"))
    config = tmp / "petitionbot.toml"
    config.write_text(CONFIG.format(templates=templates.as_posix()), encoding="utf-8")
    settings = letter_setup(tmp / "work", templates_dir=str(templates), contact_person="李敏",
                            contact_phone="0571-86220000", on_close=["处理意见书", "承办情况报告"])
    store = SqliteStore(tmp / "work" / "petitionbot.db")
    for p in (make_petition(responsible_unit="永福村"), group_petition(), accusation_petition(), hostile_petition(),
              refused_petition()):
        store.insert(p, run_id=None, source="upstream")
    Desk(config, store).type({**TYPED, "YH2026110002": {**TYPED["YH2026110002"], "办结日期": date(2026, 11, 20)}})
    clock = FixedClock(TODAY)
    run = Run.start("letters", tmp / "runs", clock)
    drafted = draft_letters(store, settings, clock, run)
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4, step="受理告知")]
    for kind in ("催办单", "督办单"):
        drafted.append(draft_unit_letter(kind, "凤凰山社区", items, store=store, settings=settings, clock=clock))
    store.close()
    one_each = list({d.kind: d for d in drafted}.values())
    assert len(one_each) == 9
    converted = _pdfs(one_each, run)  # one soffice start for all nine
    assert not [w for w in run.warnings if "PDF" in w]
    return converted


def test_every_kind_converts_to_pdf(printed):
    for d in printed:
        assert d.pdf is not None and d.pdf.read_bytes()[:5] == b"%PDF-", d.kind
        assert d.pdf.stat().st_size > 5000


def test_a_full_body_line_holds_28_characters_in_libreoffice(printed):
    full = []
    for d in printed:
        for x0, x1, _y, text in lines_of(d.pdf):
            if abs(x0 - LEFT) < 1.5 and x1 > RIGHT - CHAR / 2 and FULL_WIDTH.match(text):
                full.append((d.kind, x1, text))
    assert len(full) >= 5, full  # the notices' long paragraphs give several such lines
    for kind, x1, text in full:
        if x1 > RIGHT + CHAR / 4 and text[-1] in HANGING:
            text = text[:-1]  # a closing mark may hang in the margin rather than start the next line
        assert len(text) == 28, (kind, text)


def test_signature_centred_over_a_date_four_characters_from_the_right(printed):
    for d in printed:
        lines = lines_of(d.pdf)
        organ = next(line for line in lines if line[3] == "余杭街道信访办")
        day = next(line for line in lines if line[3] == "2026年11月5日" and line[2] > organ[2])
        assert abs((organ[0] + organ[1]) / 2 - (day[0] + day[1]) / 2) < 1.0, d.kind  # centred over the date
        assert abs((RIGHT - day[1]) / CHAR - 4) < 0.75, (d.kind, (RIGHT - day[1]) / CHAR)  # 右空四字
        last_text = max(line[2] for line in lines if line[2] < organ[2] and line[3])
        assert organ[2] - last_text > 2.5 * 28, d.kind  # two empty lines (the seal's room) above the organ


def parser() -> argparse.ArgumentParser:
    top_parser = argparse.ArgumentParser()
    top = top_parser.add_subparsers(dest="command")
    run_flows = top.add_parser("run").add_subparsers(dest="flow")
    command.register(top, run_flows)
    return top_parser


def test_templates_check_command(config, templates, capsys):
    args = parser().parse_args(["templates", "check", "--config", str(config)])
    assert args.func(args) == 0
    assert "全部通过检查" in capsys.readouterr().out
    edit_template(templates / "受理告知书.docx", "“{{ 标题 }}”", "“{{ 标体 }}”")
    assert args.func(args) == 1
    out = capsys.readouterr().out
    assert "✗ 受理告知书.docx" in out and "正文第4段：未知的变量“标体”" in out


def test_run_letters_command(tmp_path, config, store, desk, capsys):
    store.insert(make_petition(responsible_unit="永福村"), run_id=None, source="upstream")
    store.insert(make_petition("YH2026110009", title="反映噪声扰民"), run_id=None, source="upstream")  # no unit yet
    desk.type({"YH2026110001": {"受理情况": "受理", "受理日期": date(2026, 11, 4)},
               "YH2026110009": {"受理情况": "不予受理"}})  # a refusal without reason or basis
    args = parser().parse_args(["run", "letters", "--config", str(config), "--as-of", "2026-11-05"])
    assert args.func(args) == 0
    out = capsys.readouterr().out
    assert "新起草 2 份" in out and "未起草 1 份（待补全 1 份，检举控告暂停交办 0 份）" in out
    assert "YH2026110009：不予受理告知书待补全：缺少“不予受理理由”（台账“不予受理/不再受理理由”列）、“法律依据”" in out
    folder = tmp_path / "work" / "letters" / "2026" / "YH2026110001"
    assert sorted(p.name for p in folder.iterdir()) == ["交办单.docx", "受理告知书.docx"]
    assert not (tmp_path / "work" / "letters" / "2026" / "YH2026110009").exists()
    summary = json.loads(next((tmp_path / "work" / "runs").glob("*-letters-*/summary.json")).read_text("utf-8"))
    assert summary["letters"]["pending"] == [{"ref": "YH2026110009", "kind": "不予受理告知书", "reason": (
        "待补全：缺少“不予受理理由”（台账“不予受理/不再受理理由”列）、“法律依据”（台账“法律依据”列，选与受理情况相符的理由；"
        "条款号见 templates/legal_basis.toml）")}]
    assert any("不予受理告知书待补全" in w for w in summary["warnings"])


def test_missing_office_fonts_are_set_in_song_and_hei_faces(printed):
    """LibreOffice ignores the font table's fallbacks; the bot's own profile maps 仿宋_GB2312 and
    方正小标宋简体 to a Song (serif) face and 黑体 to a Hei (sans) face, as Word would fall back."""
    from flows.letters.fonts import installed, replacements

    pairs = replacements()
    if "仿宋_GB2312" in (installed() or ()):  # an office machine with the real fonts: never replaced
        assert "仿宋_GB2312" not in pairs
        return
    assert pairs["仿宋_GB2312"] == pairs["方正小标宋简体"] == "Noto Serif CJK SC"
    assert pairs["黑体"] == "Noto Sans CJK SC"
    handover = next(d.pdf for d in printed if d.kind == "交办单")  # body in 仿宋, headings and table heads in 黑体
    fonts = subprocess.run(["pdffonts", str(handover)], capture_output=True, text=True, check=True).stdout
    assert "NotoSerifCJK" in fonts and "NotoSansCJK" in fonts
