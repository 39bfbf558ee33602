"""Names masked, no ID or phone numbers, 检举控告 petitioners never named, in anything that leaves."""

from __future__ import annotations

import io
import re
from datetime import datetime

from docx import Document
from openpyxl import load_workbook

from tests.factories import make_petitioner
from tests.reminders.conftest import petition

SECRETS = ("李秘密", "王建国", "330110198001010026", "330110198001010018", "13812345678", "13905710001")


def _everything_sent(world) -> list[str]:
    texts = []
    for m in world.emails():
        texts.append(str(m["Subject"]) + str(m["To"]) + m.get_body(("plain",)).get_content())
        for a in m.iter_attachments():
            data = a.get_content()
            if a.get_filename().endswith(".xlsx"):
                wb = load_workbook(io.BytesIO(data))
                texts += [str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c]
            elif a.get_filename().endswith(".docx"):
                doc = Document(io.BytesIO(data))
                texts += [p.text for p in doc.paragraphs]
                texts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for r in world.http.received:
        texts.append(str(r["payload"]))
    return texts


def test_no_names_ids_or_phones_leave_the_office(world):
    world.run()
    sent = _everything_sent(world)
    assert len(sent) > 10
    blob = "\n".join(sent)
    for secret in SECRETS:
        assert secret not in blob, secret
    assert "王*国反映道路破损问题" in blob  # the title is scrubbed, not dropped
    assert "检举控告件，不显示信访人" in blob
    assert "李*密" not in blob and "***检举村干部" in blob  # not even masked for an accusation
    chats = "\n".join(str(r["payload"]) for r in world.http.received)
    assert not re.search(r"\d{17}[\dXx]", chats)


def test_each_unit_receives_only_its_own_items(world):
    world.run()
    own = {"yongfu@example.gov.cn": {"YH-A1", "YH-A2"}, "nanhu@example.gov.cn": {"YH-B1"}}
    for m in world.smtp.catcher.messages:
        if "boss@example.gov.cn" in m["rcpt"]:
            continue
        body = m["msg"].get_body(("plain",)).get_content()
        refs = set(re.findall(r"YH-[A-Z]\d", body))
        [unit] = [u for u in own if u in m["rcpt"]]
        assert refs and refs <= own[unit]


def test_an_accusation_in_a_title_and_in_the_supervision_order_stays_unnamed(world):
    world.store.insert(petition("YH-A3", "永福村", "2026-10-10", purpose="检举控告", title="赵某某检举：赵四海反映",
                                petitioners=[make_petitioner(name="赵四海")]), run_id=None, source="upstream")
    world.clock._now = datetime(2026, 11, 27, 9, 0)
    world.run()
    [(_unit, items)] = world.drafts
    a3 = [i for i in items if i.ref == "YH-A3"][0]
    assert "赵四海" not in a3.title and a3.petitioner == "（检举控告件，不显示信访人）"
    assert "赵四海" not in "\n".join(_everything_sent(world))
