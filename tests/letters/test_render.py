"""Every kind rendered from real petitions, read back by python-docx (a second reader)."""

from __future__ import annotations

import zipfile
from datetime import date
from pathlib import Path

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from flows.letters import UnitItem, draft_letters, draft_unit_letter
from flows.letters.kinds import KINDS
from tests.letters.conftest import accusation_petition, group_petition


def all_text(path: Path) -> str:
    d = docx.Document(str(path))
    parts = [p.text for p in d.paragraphs]
    parts += [c.text for t in d.tables for r in t.rows for c in r.cells]
    parts += [p.text for s in d.sections for f in (s.footer, s.even_page_footer) for p in f.paragraphs]
    return "\n".join(parts)


@pytest.fixture
def drafted(store, settings, clock, run, petitions):
    settings.letters.on_close = ["处理意见书", "承办情况报告"]
    for p in petitions:  # close one petition so the skeletons are drafted too
        if p.ref == "YH2026110002":
            p.clerk["closed_on"] = "2026-11-20"
            store.save(p, changes=[], source="ledger", run_id=None)
    letters = draft_letters(store, settings, clock, run)
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4), UnitItem(accusation_petition(), date(2026, 11, 6), -1)]
    for kind in ("催办单", "督办单"):
        letters.append(draft_unit_letter(kind, "凤凰山社区", items, store=store, settings=settings, clock=clock, run=run))
    return letters


def by(letters, ref, kind):
    return next(d.path for d in letters if d.ref == ref and d.kind == kind)


def test_every_kind_renders_with_values_and_no_tags_left(drafted, run):
    assert {d.kind for d in drafted} == set(KINDS)
    assert run.counts.failed == 0 and not run.warnings
    for d in drafted:
        text = all_text(d.path)
        if d.ref != "YH2026110004":  # that one's petition text is made of tags, on purpose
            assert "{{" not in text and "{%" not in text and "}}" not in text, d.path
        assert "2026年11月5日" in text  # 成文日期, no leading zero
        assert "余杭街道信访办" in text
    text = all_text(by(drafted, "YH2026110002", "受理告知书"))
    assert "王建国、陈秀英：" in text and "2026年11月4日" in text and "2027年1月31日" in text
    assert "延长至2027年1月31日" in all_text(by(drafted, "YH2026110002", "延期办理告知书"))
    assert "该事项已办结并经复查复核。" in all_text(by(drafted, "YH2026110001", "不再受理告知书"))
    assert "关于王建国、陈秀英信访事项的处理意见" in all_text(by(drafted, "YH2026110002", "处理意见书"))
    assert "余信交〔2026〕101号" in all_text(by(drafted, "YH2026110002", "承办情况报告"))


def test_tables_grow_one_row_per_petitioner_and_per_item(drafted):
    table = docx.Document(str(by(drafted, "YH2026110002", "交办单"))).tables[0]
    assert [r.cells[1].text for r in table.rows] == ["姓名", "王建国", "陈秀英"]
    urge = docx.Document(str(by(drafted, None, "催办单"))).tables[0]
    assert [r.cells[1].text for r in urge.rows] == ["信访件编号", "YH2026110002", "YH2026110003"]
    assert [r.cells[4].text for r in urge.rows] == ["超期天数", "4", ""]


def test_line_breaks_are_kept(drafted):
    d = docx.Document(str(by(drafted, "YH2026110002", "交办单")))
    para = next(p for p in d.paragraphs if p.text.startswith("第一行"))
    assert para._p.xpath(".//w:br") and para.text == "第一行：补偿款至今未发放。\n第二行：多次反映无果。"


def test_hostile_text_comes_out_literally(drafted):
    text = all_text(by(drafted, "YH2026110004", "交办单"))
    assert "{{ 7*7 }} <b>& 内容" in text and "49" not in text
    assert "{% for x in range(3) %}y{% endfor %}" in text
    assert "标题{% if true %}X{% endif %}" in text


def test_accusation_handover_does_not_name_the_petitioner(drafted):
    path = by(drafted, "YH2026110003", "交办单")
    with zipfile.ZipFile(path) as z:
        blob = b"".join(z.read(n) for n in z.namelist()).decode()
    assert "赵铁柱" not in blob and "13905710003" not in blob
    assert "（依法保密）" in all_text(path)


def test_page_setup_and_fonts_follow_gb_t_9704(drafted):
    for d in drafted:
        doc = docx.Document(str(d.path))
        s = doc.sections[0]
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
        assert round(s.top_margin.mm) == 37 and round(s.left_margin.mm) == 28
        assert round(s.right_margin.mm) == 26 and round(s.bottom_margin.mm) == 35
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "linesAndChars"
        text_h = docx.shared.Length(s.page_height - s.top_margin - s.bottom_margin)
        assert abs(text_h.pt / 22 - int(grid.get(qn("w:linePitch"))) / 20) < 0.1  # 22 lines a page
        pitch = 16 + int(grid.get(qn("w:charSpace"))) / 4096  # 28 characters a line
        assert abs(docx.shared.Length(s.page_width - s.left_margin - s.right_margin).pt / pitch - 28) < 0.05
        title = doc.paragraphs[0]
        assert title.style.name == "公文标题" and title.style.paragraph_format.alignment == 1
        assert title.style.font.size == Pt(22)
        assert title.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
        body = doc.styles["公文正文"]
        assert body.font.size == Pt(16) and body.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        ind = body.element.pPr.find(qn("w:ind"))
        assert ind.get(qn("w:firstLineChars")) == "200"
        assert abs(s.footer_distance - Mm(23)) < Mm(0.5)
        for footer in (s.footer, s.even_page_footer):
            xml = footer._element.xml
            assert "— " in xml and " PAGE " in xml and " —" in xml
            assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml  # 4号宋体
        assert doc.settings.odd_and_even_pages_header_footer
