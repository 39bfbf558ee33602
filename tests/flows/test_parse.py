from datetime import date

import pytest

from core.errors import MalformedPetition
from core.ports import Scraped
from flows.parse import clean_text, parse_scraped


def scraped(**fields):
    base = {"title": "反映道路破损", "form": "来信", "received_on": "2026-11-02", "assigned_on": "2026-11-03",
            "headcount": "1", "purpose": "求决", "content": "内容", "status": "待办理", "handover": "交办"}
    base.update(fields)
    ref = base.pop("ref", "YH2026110001")
    return Scraped(ref=ref, fields=base, petitioners=[{"name": "王建国", "id_number": "330110198001010018",
                                                      "phone": "13905710001", "address": "永福村"}])


def test_valid_petition_parses():
    p = parse_scraped(scraped(due_on="2026年12月3日"))
    assert p.received_on == date(2026, 11, 2) and p.due_on == date(2026, 12, 3)
    assert p.petitioners[0].name == "王建国" and p.notes == []


@pytest.mark.parametrize("field,value,needle", [
    ("received_on", "", "缺少收信日期"),
    ("assigned_on", "2026-02-30", "交办日期不是有效日期"),
    ("received_on", "昨天", "收信日期不是有效日期"),
    ("title", "   ", "缺少标题"),
    ("ref", "", "缺少信访件编号"),
    ("ref", "../../etc/passwd", "编号格式异常"),
])
def test_malformed_fields_are_business_errors(field, value, needle):
    with pytest.raises(MalformedPetition) as exc:
        parse_scraped(scraped(**{field: value}))
    assert needle in str(exc.value)


def test_hostile_text_is_cleaned_but_kept():
    text = "正常\u202e文字\u200b<script>alert(1)</script>😀\x07=HYPERLINK(\"x\")\n第二行"
    p = parse_scraped(scraped(content=text, headcount="很多"))
    assert "\u202e" not in p.content and "\u200b" not in p.content and "\x07" not in p.content
    assert "<script>alert(1)</script>😀=HYPERLINK" in p.content and "\n第二行" in p.content
    assert p.headcount == 1 and any("人数无效" in n for n in p.notes)


def test_long_content_is_kept_whole():
    p = parse_scraped(scraped(content="长" * 40_000))
    assert len(p.content) == 40_000


def test_bad_id_checksum_is_noted_not_rejected():
    s = scraped()
    s.petitioners[0]["id_number"] = "330110198001010011"
    p = parse_scraped(s)
    assert any("校验位" in n for n in p.notes)


def test_clean_text_handles_none_and_crlf():
    assert clean_text(None) == ""
    assert clean_text("a\r\nb\rc") == "a\nb\nc"
