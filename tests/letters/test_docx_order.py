"""The element-order validator itself: it finds what Word objects to, and the templates pass it.

(tests/conftest.py runs it over every .docx the test suite writes.)"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from flows.letters.kinds import KINDS
from flows.letters.settings import BUILTIN_TEMPLATES
from tests.docx_order import violations


def rewrite(src: Path, dst: Path, part: str, old: str, new: str) -> Path:
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    xml = parts[part].decode()
    assert old in xml, old
    parts[part] = xml.replace(old, new, 1).encode()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    dst.write_bytes(buf.getvalue())
    return dst


def test_the_shipped_templates_follow_the_schema_order():
    templates = sorted(BUILTIN_TEMPLATES.glob("*.docx"))
    assert {p.stem for p in templates} == set(KINDS)  # every kind, nothing else
    for path in templates:
        assert violations(path) == [], path.name


def test_it_finds_the_orders_word_objects_to(tmp_path):
    src = BUILTIN_TEMPLATES / "受理告知书.docx"
    cases = [
        ("word/styles.xml", '<w:ind w:firstLineChars="0" w:firstLine="0"/><w:jc w:val="center"/>',
         '<w:jc w:val="center"/><w:ind w:firstLineChars="0" w:firstLine="0"/>', "<w:ind> must come before <w:jc>"),
        ("word/styles.xml", '<w:kern w:val="2"/><w:sz w:val="32"/><w:szCs w:val="32"/>',
         '<w:sz w:val="32"/><w:szCs w:val="32"/><w:kern w:val="2"/>', "<w:kern> must come before <w:szCs>"),
        ("word/settings.xml", '<w:defaultTabStop w:val="420"/><w:evenAndOddHeaders/>',
         '<w:evenAndOddHeaders/><w:defaultTabStop w:val="420"/>', "<w:defaultTabStop> must come before"),
        ("word/document.xml", "<w:sectPr>", "<w:sectPr><w:bogus/>", "<w:bogus> is not allowed in CT_SectPr"),
        ("word/fontTable.xml", '<w:charset w:val="86"/><w:family', '<w:family w:val="roman"/><w:charset w:val="86"/><w:family',
         "<w:charset> must come before <w:family>"),
        ("word/footer1.xml", '<w:jc w:val="right"/>', '<w:jc w:val="right"/><w:pStyle w:val="GwFooter"/>',
         "<w:pStyle> must come before <w:jc>"),
    ]
    for i, (part, old, new, expected) in enumerate(cases):
        # not named .docx: the session-end scan of every .docx written must not see these on purpose
        found = violations(rewrite(src, tmp_path / f"{i}.broken", part, old, new))
        assert any(part in f and expected in f for f in found), (part, found)
