"""Every kind rendered from real petitions and ledger-typed decisions, read back by python-docx."""

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
def drafted(store, settings, clock, run, petitions, desk):
    settings.letters.on_close = ["处理意见书", "承办情况报告"]
    desk.type({"YH2026110002": {"办结日期": date(2026, 11, 20)}})  # closed: the skeletons are drafted too
    letters = draft_letters(store, settings, clock, run)
    items = [UnitItem(group_petition(), date(2026, 11, 1), 4, step="受理告知"),
             UnitItem(group_petition(), date(2026, 11, 3), 2, step="办理答复"),
             UnitItem(accusation_petition(), date(2026, 11, 6), 0, step="办理答复")]
    for kind in ("催办单", "督办单"):
        letters.append(draft_unit_letter(kind, "凤凰山社区", items, store=store, settings=settings, clock=clock, run=run))
    return letters


def by(letters, ref, kind):
    return next(d.path for d in letters if d.ref == ref and d.kind == kind)


def test_every_kind_renders_with_values_and_no_tags_left(drafted, run):
    assert {d.kind for d in drafted} == set(KINDS)
    assert run.counts.failed == 0 and run.extra["letters"]["pending"] == []
    for d in drafted:
        text = all_text(d.path)
        if d.ref != "YH2026110004":  # that one's petition text is made of tags, on purpose
            assert "{{" not in text and "{%" not in text and "}}" not in text, d.path
        assert "2026年11月5日" in text  # 成文日期, no leading zero
        assert "余杭街道信访办" in text
        assert "第＿＿条" not in text and "你（们）" not in text
    text = all_text(by(drafted, "YH2026110002", "受理告知书"))
    assert "王建国、陈秀英：" in text and "你们于2026年11月2日来信反映" in text and "2026年11月4日" in text
    assert "2027年1月20日" in text  # the recorded extension
    ext = all_text(by(drafted, "YH2026110002", "延期办理告知书"))
    assert "因需组织现场勘查并会同国土部门核实补偿标准，不能在规定期限内办结" in ext
    assert "根据《浙江省信访条例》第二十三条的规定" in ext and "延长至2027年1月20日" in ext
    refused = all_text(by(drafted, "YH2026110005", "不予受理告知书"))
    assert "经审查，你反映的民事纠纷已由人民法院作出生效判决。根据《信访工作条例》第三十二条第一款的规定，本机关决定不予受理。" in refused
    assert "你反映的事项，请依照有关法律、行政法规规定的程序" in refused
    refuse = all_text(by(drafted, "YH2026110001", "不再受理告知书"))
    assert "你于2026年11月2日来信反映" in refuse
    assert "该事项已于2025年经区人民政府复核终结，你现以同一事实和理由再次提出。根据《信访工作条例》第三十六条第三款" in refuse
    assert "“信访人对复核意见不服，仍然以同一事实和理由提出投诉请求的，各级党委和政府信访部门和其他机关、单位不再受理”的规定" in refuse
    assert "关于王建国、陈秀英信访事项的处理意见" in all_text(by(drafted, "YH2026110002", "处理意见书"))
    assert "余信交〔2026〕101号" in all_text(by(drafted, "YH2026110002", "承办情况报告"))


def test_a_work_order_gets_its_own_handover_note_and_no_statutory_letter(drafted):
    ref = "YH-12345-20261103-0007"
    assert {d.kind for d in drafted if d.ref == ref} == {"工单交办单"}  # no 受理告知书, no 不予受理告知书
    text = all_text(by(drafted, ref, "工单交办单"))
    assert "工单编号：YH-12345-20261103-0007" in text and "永福村：" in text
    assert "现将余杭区12345热线分中心派发的工单转你单位办理" in text
    assert "请于2026年11月6日17:25前办理完毕" in text and "由本办在12345热线平台回复办结" in text
    assert "受理" not in text.replace("受理日期", "")  # no acceptance decision is asked of a work order
    assert "信访条例" not in text and "信访事项" not in text


def test_tables_grow_one_row_per_petitioner_per_fact_and_per_petition(drafted):
    doc = docx.Document(str(by(drafted, "YH2026110002", "交办单")))
    facts, people = doc.tables
    assert [r.cells[0].text for r in facts.rows] == ["项目", "收件日期", "交办日期", "信访形式", "问题属地", "内容分类",
                                                     "信访目的", "人数"]
    assert [r.cells[1].text for r in people.rows] == ["姓名", "王建国", "陈秀英"]
    urge = docx.Document(str(by(drafted, None, "催办单"))).tables[0]
    assert [c.text for c in urge.rows[0].cells] == ["序号", "信访件编号", "信访事项", "环节", "限办日期", "超期天数"]
    # one row per petition: the group petition's two steps share its row, one per line
    assert [r.cells[1].text for r in urge.rows] == ["信访件编号", "YH2026110002", "YH2026110003"]
    assert urge.rows[1].cells[3].text == "受理告知\n办理答复"
    assert urge.rows[1].cells[4].text == "2026年11月1日\n2026年11月3日"
    assert [r.cells[5].text for r in urge.rows] == ["超期天数", "4\n2", "临期"]


def test_unit_letters_count_petitions_not_steps(drafted):
    assert "以下2件信访事项" in all_text(by(drafted, None, "督办单"))  # three steps, two petitions


def test_each_line_of_a_text_is_its_own_indented_paragraph(drafted):
    d = docx.Document(str(by(drafted, "YH2026110002", "交办单")))
    first = next(p for p in d.paragraphs if p.text.startswith("第一行"))
    second = next(p for p in d.paragraphs if p.text.startswith("第二行"))
    assert first.text == "第一行：补偿款至今未发放。" and second.text == "第二行：多次反映无果。"
    assert first.style.name == second.style.name == "公文正文"  # both indented two characters


def test_hostile_text_comes_out_literally(drafted):
    text = all_text(by(drafted, "YH2026110004", "交办单"))
    assert "信访事项：标题{% if true %}X{% endif %}" in text and "49" not in text
    assert "{{ 7*7 }} <b>& 内容（）" in text  # the petitioner's own "（）" is not a hole of the letter
    assert "{% for x in range(3) %}y{% endfor %}" in text


def test_accusation_handover_does_not_name_the_petitioner(drafted):
    path = by(drafted, "YH2026110003", "交办单")
    with zipfile.ZipFile(path) as z:
        blob = b"".join(z.read(n) for n in z.namelist()).decode()
    assert "赵铁柱" not in blob and "13905710003" not in blob and "33011019750505001X" not in blob
    text = all_text(path)
    assert "（依法保密）" in text and "某某检举某单位干部违规发放补助" in text


def test_page_setup_and_fonts_follow_gb_t_9704(drafted):
    for d in drafted:
        doc = docx.Document(str(d.path))
        s = doc.sections[0]
        assert (round(s.page_width.mm), round(s.page_height.mm)) == (210, 297)
        assert round(s.top_margin.mm) == 37 and round(s.left_margin.mm) == 28
        assert round(s.right_margin.mm) == 26 and round(s.bottom_margin.mm) == 35
        grid = s._sectPr.find(qn("w:docGrid"))
        assert grid.get(qn("w:type")) == "lines"
        text_h = docx.shared.Length(s.page_height - s.top_margin - s.bottom_margin)
        assert abs(text_h.pt / 22 - int(grid.get(qn("w:linePitch"))) / 20) < 0.1  # 22 lines a page
        body = doc.styles["公文正文"]
        advance = body.font.size.pt + int(body.element.rPr.find(qn("w:spacing")).get(qn("w:val"))) / 20
        text_w = docx.shared.Length(s.page_width - s.left_margin - s.right_margin).pt
        assert int(text_w // advance) == 28  # 28 characters a line, from the font's own advance
        title = doc.paragraphs[0]
        assert title.style.name == "公文标题" and title.style.paragraph_format.alignment == 1
        assert title.style.font.size == Pt(22)
        assert title.style.element.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
        assert body.font.size == Pt(16) and body.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋_GB2312"
        assert body.element.pPr.find(qn("w:ind")).get(qn("w:firstLineChars")) == "200"
        assert abs(s.footer_distance - Mm(23)) < Mm(0.5)
        for footer in (s.footer, s.even_page_footer):
            xml = footer._element.xml
            assert "— " in xml and " PAGE " in xml and " —" in xml
            assert 'w:eastAsia="宋体"' in xml and 'w:sz w:val="28"' in xml  # 4号宋体
        assert doc.settings.odd_and_even_pages_header_footer


def test_font_table_names_the_fallbacks(drafted):
    with zipfile.ZipFile(drafted[0].path) as z:
        fonts = z.read("word/fontTable.xml").decode()
    assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋,FangSong"/>' in fonts
    assert '<w:font w:name="方正小标宋简体"><w:altName w:val="华文中宋,宋体,SimSun"/>' in fonts
    assert '<w:font w:name="黑体"><w:altName w:val="SimHei"/>' in fonts


def test_signature_block_leaves_room_for_the_seal(drafted):
    doc = docx.Document(str(by(drafted, "YH2026110002", "受理告知书")))
    paras = doc.paragraphs
    organ = next(i for i, p in enumerate(paras) if p.text == "\t余杭街道信访办")
    assert paras[organ + 1].text == "\t2026年11月5日"
    assert [p.text for p in paras[organ - 2: organ]] == ["", ""]  # two empty lines under the text for the seal
    assert paras[organ - 3].text == "特此告知。"
    # the closing line, the seal's room and the organ are kept on one page with the date
    for p in paras[organ - 3: organ + 1]:
        assert p.style.paragraph_format.keep_with_next, p.text
