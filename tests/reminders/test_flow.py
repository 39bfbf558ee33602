"""The reminders flow end to end against the loopback SMTP server and robot receiver."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from openpyxl import load_workbook

from flows.reminders.outbox import Outbox


def _attachments(msg):
    return {a.get_filename(): a.get_content() for a in msg.iter_attachments()}


def test_each_unit_gets_one_digest_with_only_its_own_items(world):
    result, run = world.run()
    assert result.sending_now and result.failed == 0
    [yongfu] = [m for m in world.emails_to("yongfu@example.gov.cn") if "催办" in str(m["Subject"])]
    text = yongfu.get_body(("plain",)).get_content()
    assert "YH-A1" in text and "YH-A2" in text and "YH-B1" not in text and "YH-D1" not in text
    assert str(yongfu["Subject"]) == "【信访催办】永福村：超期 1 件、临期 1 件（2026年11月27日）"
    assert "leader@example.gov.cn" in str(yongfu["Cc"])  # overdue: the leader in charge is copied
    [nanhu] = world.emails_to("nanhu@example.gov.cn")
    nanhu_text = nanhu.get_body(("plain",)).get_content()
    assert "YH-B1" in nanhu_text and "YH-A1" not in nanhu_text
    # chat: 永福村 on DingTalk (signed, @ unit and leader), 南湖社区 on WeCom
    [ding] = [r for r in world.http.received if r["path"] == "/robot/send"]
    assert ding["payload"]["at"]["atMobiles"] == ["13900000001", "13900000009"]
    assert "YH-A1" in ding["payload"]["markdown"]["text"] and "YH-B1" not in ding["payload"]["markdown"]["text"]
    wecom = [r for r in world.http.received if r["path"] == "/cgi-bin/webhook/send"]
    assert "YH-B1" in wecom[0]["payload"]["markdown"]["content"]
    assert any("无名科室" in w and "没有配置收件人" in w for w in run.warnings)


def test_overdue_more_than_7_days_drafts_a_supervision_order_for_the_supervisor(world):
    world.run()
    assert [(u, [i.ref for i in items]) for u, items in world.drafts] == [("永福村", ["YH-A1"])]
    [sup] = [m for m in world.emails_to("boss@example.gov.cn") if "督办】" in str(m["Subject"])]
    assert list(_attachments(sup)) == ["督办单-永福村.docx"]
    assert "yongfu@example.gov.cn" in str(sup["To"]) and "leader@example.gov.cn" in str(sup["To"])


def test_supervisors_overdue_list_with_xlsx_and_docx(world):
    world.run()
    [mail] = [m for m in world.emails_to("boss@example.gov.cn") if "超期清单" in str(m["Subject"])]
    assert str(mail["Subject"]) == "【超期清单】2026年11月27日 超期信访事项 3 件"
    files = _attachments(mail)
    assert set(files) == {"超期信访事项清单-20261127.xlsx", "超期信访事项清单-20261127.docx"}
    wb = load_workbook(io.BytesIO(files["超期信访事项清单-20261127.xlsx"]))
    rows = [r for r in wb["超期清单"].iter_rows(min_row=4, values_only=True)]
    refs = [r[2] for r in rows if r[0]]
    assert refs == ["YH-B1", "YH-C1", "YH-A1"]  # units by name; 南湖社区, 无名科室, 永福村
    assert [r[7] for r in rows if r[0]] == [2, 8, 10]
    totals = [r for r in wb["按单位汇总"].iter_rows(min_row=3, values_only=True) if r[1]]
    assert totals[-1][1:3] == ("合计", 3)
    doc = Document(io.BytesIO(files["超期信访事项清单-20261127.docx"]))
    sec = doc.sections[0]
    assert [round(x.mm) for x in (sec.top_margin, sec.left_margin, sec.right_margin, sec.bottom_margin)] == [37, 28, 26, 35]
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    title = doc.paragraphs[0].runs[0]
    assert title.text == "超期信访事项清单" and title.font.size.pt == 22
    assert title._element.rPr.rFonts.get(east_asia) == "方正小标宋简体"
    body = doc.paragraphs[2].runs[0]
    assert body.font.size.pt == 16 and body._element.rPr.rFonts.get(east_asia) == "仿宋_GB2312"


def test_rerun_the_same_day_sends_nothing_twice(world):
    first, _ = world.run()
    emails, chats = len(world.emails()), len(world.http.received)
    assert first.sent >= 5
    second, _ = world.run()
    world.clock.advance(hours=3)
    third, _ = world.run()
    assert (second.queued, second.sent, third.queued, third.sent) == ([], 0, [], 0)
    assert (len(world.emails()), len(world.http.received)) == (emails, chats)


def test_failing_smtp_keeps_messages_in_the_outbox_and_next_run_delivers(world):
    world.smtp.catcher.fail = True
    first, run = world.run()
    assert first.failed == 4 and world.emails() == []  # 2 digests, 1 supervision, 1 overdue list
    assert len(world.http.received) >= 2  # chat robots were fine
    outbox = Outbox(world.store)
    assert len(outbox.pending()) == 4 and all(q.last_error for q in outbox.pending())
    assert any("发送失败" in w for w in run.warnings)
    world.smtp.catcher.fail = False
    world.clock.advance(minutes=5)  # before the 10-minute backoff: not yet retried
    early, _ = world.run()
    assert early.sent == 0
    world.clock.advance(minutes=10)
    later, _ = world.run()
    assert later.sent == 4 and later.queued == [] and len(world.emails()) == 4
    assert outbox.pending() == []


def test_stuck_messages_show_in_the_next_overdue_list(world):
    world.settings.stuck_after = 1
    world.smtp.catcher.fail = True
    world.run()
    world.smtp.catcher.fail = False
    world.clock._now = datetime(2026, 11, 30, 9, 0)  # Monday, next working day
    result, _ = world.run()
    assert result.stuck == 0 and result.failed == 0
    [mail] = [m for m in world.emails_to("boss@example.gov.cn") if "20261130" in "".join(_attachments(m))]
    ws = load_workbook(io.BytesIO(_attachments(mail)["超期信访事项清单-20261130.xlsx"]))["滞留消息"]
    subjects = [r[3] for r in ws.iter_rows(min_row=2, values_only=True)]
    assert all(isinstance(r[6], datetime) for r in ws.iter_rows(min_row=2, values_only=True) if r[0])
    assert "【超期清单】2026年11月27日 超期信访事项 3 件" in subjects
    assert "多次发送失败" in mail.get_body(("plain",)).get_content()


def test_night_run_queues_for_the_morning_and_morning_run_sends_once(world):
    world.clock._now = datetime(2026, 11, 27, 21, 30)  # Friday night: next working day is Monday
    night, run = world.run()
    assert not night.sending_now and night.sent == 0 and str(night.send_day) == "2026-11-30"
    assert world.emails() == [] and world.http.received == []
    assert any("排队" in w for w in run.warnings)
    world.clock._now = datetime(2026, 11, 30, 8, 45)
    morning, _ = world.run()
    assert morning.queued == [] and morning.sent == len(night.queued)
    assert len(world.emails_to("nanhu@example.gov.cn")) == 1


def test_now_flag_sends_outside_office_hours(world):
    world.clock._now = datetime(2026, 11, 28, 10, 0)  # Saturday
    result, _ = world.run(now=True)
    assert result.sending_now and result.sent > 0


def test_dry_run_stores_and_sends_nothing(world):
    result, _ = world.run(dry_run=True)
    assert result.queued and result.sent == 0
    assert Outbox(world.store).pending() == [] and world.emails() == [] and world.drafts == []
    assert Outbox(world.store).logged(result.send_day) == set()
