"""Masking by normalisation: ID and phone numbers are masked whatever their width, separators or
length (cut by an excerpt), in free text and everywhere text leaves the store; dates, refs and
amounts are not.

The property tests generate the formats people really type. "Nothing survives" is checked the
hard way: the output is NFKC-normalised, its separators are removed, and no run of five or more
of its digits may be a piece of the original number (a masked mobile keeps 3 + 4 digits, an ID
3 + 4, a landline its area code + 4: no piece of five)."""

from __future__ import annotations

import asyncio
import io
import json
import re
import unicodedata
from datetime import date, timedelta

from docx import Document
from hypothesis import given, settings
from hypothesis import strategies as st

from core.privacy import Redactor, mask_id, mask_phone, scrub_patterns
from tests.factories import make_petition, make_petitioner
from tests.reminders.conftest import World

FULL = str.maketrans("0123456789Xx", "０１２３４５６７８９Ｘｘ")
CONTEXT = st.text(alphabet="反映道路破损问题请尽快处理联系电话身份证号码本人于家住永福村，。：；、（）【】 ", max_size=12)
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def check_char(first17: str) -> str:
    return "10X98765432"[sum(int(c) * w for c, w in zip(first17, WEIGHTS, strict=True)) % 11]


@st.composite
def resident_ids(draw) -> str:
    area = draw(st.sampled_from(["330110", "330102", "330106", "110101", "441303", "522631"]))
    born = draw(st.dates(min_value=date(1930, 1, 1), max_value=date(2010, 12, 31)))
    body = f"{area}{born:%Y%m%d}{draw(st.integers(0, 999)):03d}"
    return body + check_char(body)


@st.composite
def mobiles(draw) -> str:
    second = draw(st.sampled_from("3456789"))
    return f"1{second}{draw(st.integers(0, 9))}{draw(st.integers(0, 99_999_999)):08d}"


@st.composite
def landlines(draw) -> tuple[str, str]:
    area = draw(st.sampled_from(["010", "021", "0571", "0574", "0755", "0991"]))
    number = f"{draw(st.integers(2, 8))}{draw(st.integers(0, 10 ** 7 - 1)):07d}"
    if len(area) == 4 and draw(st.booleans()):
        number = number[:7]  # 7-digit numbers exist in smaller cities
    return area, number


def widen(draw, text: str) -> str:
    """Full-width for all, none or some characters (people paste from Word and WeChat)."""
    mode = draw(st.sampled_from(["ascii", "full", "mixed"]))
    if mode == "ascii":
        return text
    if mode == "full":
        return text.translate(FULL)
    flags = draw(st.lists(st.booleans(), min_size=len(text), max_size=len(text)))
    return "".join(c.translate(FULL) if f else c for c, f in zip(text, flags, strict=True))


@st.composite
def written_mobile(draw) -> tuple[str, str]:
    m = draw(mobiles())
    sep = draw(st.sampled_from(["", "-", " ", "－", "\u3000", "\u2010", ".", " - ", "  "]))
    text = f"{m[:3]}{sep}{m[3:7]}{sep}{m[7:]}"
    if draw(st.booleans()):
        text = draw(st.sampled_from(["+86 ", "+86-", "86-", "＋86 "])) + text
    return m, widen(draw, text)


@st.composite
def written_landline(draw) -> tuple[str, str]:
    area, number = draw(landlines())
    form = draw(st.sampled_from(["{a} {n4} {rest}", "{a}-{n}", "({a}){n}", "（{a}）{n}", "{a}{n}", "{a} {n}",
                                 "({a}) {n4}-{rest}"]))
    text = form.format(a=area, n=number, n4=number[:len(number) - 4], rest=number[-4:])
    return area + number, widen(draw, text)


@st.composite
def written_id(draw) -> tuple[str, str]:
    number = draw(resident_ids())
    if number.endswith("X") and draw(st.booleans()):
        number = number[:-1] + "x"
    form = draw(st.sampled_from(["plain", "spaced", "dashed"]))
    text = number if form == "plain" else (" " if form == "spaced" else "-").join(
        (number[:6], number[6:14], number[14:]))
    return number, widen(draw, text)


def leaks(secret: str, output: str) -> list[str]:
    """Runs of 5+ digits of the output (separators removed) that are pieces of ``secret``."""
    flat = re.sub(r"[\s\-.()\u2010-\u2013\u2212+]", "", unicodedata.normalize("NFKC", output)).upper()
    return [run for run in re.findall(r"[0-9X]{5,}", flat)
            if any(run[i:i + 5] in secret.upper() for i in range(len(run) - 4))]


def assert_masked(secret: str, written: str, before: str, after: str) -> str:
    out = scrub_patterns(f"{before}{written}{after}")
    assert leaks(secret, out) == [], (written, out)
    return out


@settings(max_examples=300, deadline=None)
@given(written_mobile(), CONTEXT, CONTEXT)
def test_mobiles_in_any_format_are_masked(mobile, before, after):
    secret, written = mobile
    out = assert_masked(secret, written, before, after)
    digits = re.sub(r"\D", "", unicodedata.normalize("NFKC", out))
    assert digits.endswith(secret[-4:])  # still recognisable to the clerk: 138****1234


@settings(max_examples=300, deadline=None)
@given(written_landline(), CONTEXT, CONTEXT)
def test_landlines_with_area_code_are_masked(landline, before, after):
    secret, written = landline
    assert_masked(secret[3:], written, before, after)  # the area code (010, 0571) may stay


@settings(max_examples=300, deadline=None)
@given(written_id(), CONTEXT, CONTEXT)
def test_resident_ids_in_any_format_are_masked(resident, before, after):
    secret, written = resident
    assert_masked(secret, written, before, after)


@settings(max_examples=300, deadline=None)
@given(resident_ids(), st.integers(15, 17), CONTEXT)
def test_an_id_cut_by_an_excerpt_is_masked(number, kept, before):
    # The log line and the digest show the first 30 characters of a title: an ID at the end is cut.
    text = ("反映" + before)[:30 - kept] + number + "的问题"
    excerpt = text[:len(text) - len(number) - 3 + kept]
    assert excerpt.endswith(number[:kept])
    assert leaks(number, scrub_patterns(excerpt)) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(mobiles(), min_size=2, max_size=4), st.sampled_from([" ", "、", "，", "/"]))
def test_a_list_of_mobiles_keeps_each_recognisable(numbers, joiner):
    out = scrub_patterns("联系人电话：" + joiner.join(numbers))
    assert out.count("****") == len(numbers)
    for m in numbers:
        assert f"{m[:3]}****{m[-4:]}" in out


@settings(max_examples=300, deadline=None)
@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2039, 12, 31)), st.integers(1, 99_999),
       st.integers(1, 9_999_999), st.sampled_from(["{:%Y-%m-%d}", "{:%Y.%m.%d}", "{d.year}年{d.month}月{d.day}日",
                                                    "{:%Y/%m/%d}"]), st.integers(0, 23), st.integers(0, 59))
def test_dates_refs_amounts_and_counts_are_not_masked(day, serial, amount, date_form, hour, minute):
    ref = f"XF{day:%Y%m%d}{serial:05d}"  # a petition ref: 13 digits glued to letters
    when = date_form.format(day, d=day)
    texts = [
        f"信访件编号 {ref}，于{when} {hour:02d}:{minute:02d}交办，限办日期{day + timedelta(days=60):%Y-%m-%d}。",
        f"涉及补偿款 {amount:,} 元（约{amount / 10000:.1f}万元），共 {serial} 户，{amount} 元已到位。",
        f"余信交〔{day.year}〕{serial}号；第{serial % 100}条；{when}至{day + timedelta(days=30):%Y-%m-%d}。",
    ]
    for text in texts:
        assert scrub_patterns(text) == text


def test_mobile_prefixes_13x_to_19x_are_all_masked_in_free_text():
    # The generator itself emits 191 and 199 numbers; 14x, 16x and 17x are real prefixes too.
    for prefix in ("130", "139", "145", "147", "150", "166", "170", "177", "180", "189", "191", "198", "199"):
        number = f"{prefix}12345678"
        for text in (f"电话{number}", f"电话 {prefix}-1234-5678", f"tel:{prefix} 1234 5678", f"Tel{number}"):
            out = scrub_patterns(text)
            assert f"{prefix}****5678" in out.replace("-", "").replace(" ", ""), (text, out)
            assert "1234" not in out, (text, out)


def test_structured_fields_are_masked_after_normalisation():
    assert mask_id("３３０１１０１９８００１０１００１８") == "330***********0018"
    assert mask_phone("１３９０５７１０００１") == "139****0001"


# -- everywhere text leaves the store ------------------------------------------------------------
NUMBERS = {
    "330110198001010018": "身份证３３０１１０１９８００１０１００１８",  # full-width
    "19912345678": "手机199-1234-5678",  # dashed 19x
    "13905710001": "备用139 0571 0001",  # spaced
    "057188881234": "座机0571 8888 1234",  # spaced landline
}
TITLE = "王建国反映" + "，".join(NUMBERS.values()) + "的道路问题"


def _no_number_in(blob: str, where: str) -> None:
    for secret in NUMBERS:
        assert leaks(secret[-8:] if secret.startswith("0") else secret, blob) == [], where


def test_mails_chats_exports_logs_and_evidence_names_carry_none_of_these_numbers(tmp_path, smtp, http, cert):
    from loguru import logger

    from bots.kit.browser import capture_evidence
    from flows.export import export_all

    world = World(tmp_path, smtp, http, cert)
    try:
        world.store.insert(make_petition("YH-N1", responsible_unit="永福村", received_on=date(2026, 10, 1),
                                         assigned_on=date(2026, 10, 1), title=TITLE, content=TITLE * 3,
                                         clerk={"accepted_on": "2026-10-10", "decision": "受理"},
                                         petitioners=[make_petitioner(phone="199-1234-5678")]), run_id=None, source="upstream")
        world.run()  # the reminders flow with the real 督办单 drafter, real SMTP and chat receivers
        mails = [m for m in world.emails() if "永福村" in str(m["Subject"])]
        chats = [r["payload"] for r in http.received]
        assert mails and chats, "the unit's digest went out by mail and by DingTalk"
        assert any("王*国反映" in m.get_body(("plain",)).get_content() for m in mails)
        for m in mails:
            _no_number_in(str(m["Subject"]) + m.get_body(("plain",)).get_content(), "mail")
            for part in m.iter_attachments():
                if part.get_filename().endswith(".docx"):
                    doc = Document(io.BytesIO(part.get_content()))
                    text = "\n".join([p.text for p in doc.paragraphs] +
                                     [c.text for t in doc.tables for r in t.rows for c in r.cells])
                    _no_number_in(text, part.get_filename())
        _no_number_in(json.dumps(chats, ensure_ascii=False), "chat")

        masked = [r for r in export_all(world.store, masked=True) if r["ref"] == "YH-N1"]
        _no_number_in(json.dumps(masked, ensure_ascii=False), "export --masked")

        lines: list[str] = []
        from petitionbot.logs import _mask

        sink = logger.add(lines.append, filter=_mask, format="{message}")
        try:
            logger.info("新件 {} 已入库（{}）", "YH-N1", TITLE[:30])
            logger.info("{}", TITLE)
        finally:
            logger.remove(sink)
        _no_number_in("\n".join(lines), "log")

        folder = asyncio.run(capture_evidence(None, None, tmp_path / "evidence", "detail-330110198001010018"))
        # <date>-<time>-<6 clock digits>-<label>: only the label comes from the petition. The clock's
        # digits, run together, once read as a piece of the ID (…095747198006: "19800"), so the
        # check reads the label part alone.
        stamp, label = folder.name[:22], folder.name[23:]
        assert re.fullmatch(r"\d{8}-\d{6}-\d{6}", stamp), folder.name
        assert label == "detail-330_0018"
        _no_number_in(label, "evidence folder name")
    finally:
        world.store.close()


def test_a_redactor_with_names_still_masks_every_format():
    r = Redactor()
    r.add_names("王建国")
    out = r(TITLE)
    assert "王*国" in out
    _no_number_in(out, "redactor")


def test_a_ref_next_to_a_number_stays_readable_and_the_number_is_masked():
    assert scrub_patterns("XF2026112500001 13800001234") == "XF2026112500001 138****1234"
    assert scrub_patterns("XF2026112500001，0571-88881234") == "XF2026112500001，0571-****1234"
