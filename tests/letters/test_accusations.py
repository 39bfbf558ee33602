"""An accusation (检举控告) is never routed to the unit it accuses, and its accuser is never named
in anything routed: the 交办单, the 催办单/督办单 and the reminder messages to units, leaders and
supervisors. The accusations here carry the accuser's name in their titles, as real ones often do."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import pytest
from docx import Document

from flows.letters import UnitItem, draft_letters, draft_unit_letter
from flows.letters.checks import accused_unit, unit_core
from tests.factories import make_petition, make_petitioner
from tests.reminders.conftest import _http_session, _smtp_session, cert, http, petition, smtp, world  # noqa: F401

ACCUSER = make_petitioner(name="钱多多", phone="13905719999", id_number="330110197001010037")
SECRETS = ("钱多多", "13905719999", "330110197001010037")


def accusation(ref="YH2026110021", **kw):
    base = dict(title="钱多多检举永福村村干部违规发放补助款", purpose="检举控告", locality="永福村",
                petitioners=[ACCUSER], content="本人钱多多检举：永福村村干部在2025年违规发放补助款约3万元。",
                demand="要求查处并公开。", responsible_unit="永福村村委会")
    base.update(kw)
    return make_petition(ref, **base)


def package_text(path) -> str:
    with zipfile.ZipFile(path) as z:
        return "".join(z.read(n).decode("utf-8", "replace") for n in z.namelist())


@pytest.mark.parametrize(("p", "unit", "person", "accused"), [
    (accusation(), "永福村村委会", "", True),  # "永福村村干部": the village's own officers
    (accusation(title="检举村级财务不公开", content="近三年村级财务未公开"), "永福村", "", True),  # the village, unnamed
    (accusation(title="检举城建办工作人员吃拿卡要", content="城建办工作人员收受好处费"), "城建办", "", True),
    (accusation(title="检举有人违规", content="王某某收受好处费"), "城建办", "王某某", True),  # its responsible person
    (accusation(title="检举某公司偷排", content="永福村3组某印染厂夜间偷排废水"), "永福村村委会", "", False),
    (accusation(purpose="求决"), "永福村村委会", "", False),  # not an accusation
    (accusation(), "街道纪工委", "", False),
])
def test_accused_unit_is_recognised_by_its_officers_not_by_its_name_alone(p, unit, person, accused):
    assert bool(accused_unit(p, unit, person)) is accused
    assert unit_core("永福村村民委员会") == "永福村" and unit_core("城建办") == "城建办"


def test_a_handover_to_the_accused_unit_is_held_and_the_clerk_told(store, settings, clock, run, desk):
    store.insert(accusation(), run_id=None, source="upstream")
    desk.type({"YH2026110021": {"受理情况": "受理", "受理日期": date(2026, 11, 4)}})
    drafted = draft_letters(store, settings, clock, run)
    assert {(d.kind, d.ref) for d in drafted} == {("受理告知书", "YH2026110021")}  # the accuser's own notice only
    [held] = run.extra["letters"]["pending"]
    assert held["kind"] == "交办单" and held["reason"].startswith("暂停：检举控告涉及责任单位“永福村村委会”")
    assert run.extra["letters"]["blocked"] == 1
    assert any(w.startswith("YH2026110021：交办单暂停：") for w in run.warnings)
    assert not any(s in w for w in run.warnings for s in SECRETS)
    assert "交办单暂停：检举控告涉及责任单位“永福村村委会”" in desk.row("YH2026110021")["期限提示"]
    # The clerk routes it to the discipline office: the 交办单 goes out, with no trace of the accuser.
    desk.type({"YH2026110021": {"责任单位": "街道纪工委"}})
    again = draft_letters(store, settings, clock, run)
    handover = next(d.path for d in again if d.kind == "交办单")
    blob = package_text(handover)
    assert "街道纪工委" in blob and not any(s in blob for s in SECRETS)
    assert "某某检举永福村村干部违规发放补助款" in blob and "（依法保密）" in blob
    assert "交办单" not in (desk.row("YH2026110021")["期限提示"] or "")


def test_unit_letters_leave_out_what_accuses_their_addressee_and_never_name_an_accuser(store, settings, clock, run):
    other = accusation("YH2026110022", title="钱多多检举某公司偷排废水", content="钱多多：某印染厂夜间偷排。")
    items = [UnitItem(accusation(), date(2026, 11, 1), 4, step="办理答复"),
             UnitItem(other, date(2026, 11, 2), 3, step="办理答复"),
             UnitItem(make_petition("YH2026110023", title="钱多多反映道路破损", petitioners=[ACCUSER]),
                      date(2026, 11, 3), 2, step="受理告知")]
    for kind in ("催办单", "督办单"):
        d = draft_unit_letter(kind, "永福村村委会", items, store=store, settings=settings, clock=clock, run=run)
        doc = Document(str(d.path))
        rows = [[c.text for c in r.cells] for r in doc.tables[0].rows]
        assert [r[1] for r in rows[1:]] == ["YH2026110022", "YH2026110023"]  # the accusation of the unit itself: out
        assert rows[1][2] == "某某检举某公司偷排废水" and rows[2][2] == "某某反映道路破损"
        assert "以下2件" in "".join(p.text for p in doc.paragraphs)
        blob = package_text(d.path)
        assert not any(s in blob for s in SECRETS), kind
    assert any(w.startswith("YH2026110021：检举控告涉及责任单位“永福村村委会”，未列入发给该单位的督办单") for w in run.warnings)
    assert not any(s in w for w in run.warnings for s in SECRETS)
    only_accused = draft_unit_letter("督办单", "永福村村委会", items[:1], store=store, settings=settings, clock=clock)
    assert only_accused is None  # nothing left to send that unit


def _sent(world) -> list[str]:  # noqa: F811 - the reminders' world fixture
    texts = []
    for m in world.emails():
        texts.append(str(m["Subject"]) + m.get_body(("plain",)).get_content())
        for a in m.iter_attachments():
            if a.get_filename().endswith(".docx"):
                doc = Document(io.BytesIO(a.get_content()))
                texts += [p.text for p in doc.paragraphs] + [c.text for t in doc.tables for r in t.rows for c in r.cells]
                texts.append(a.get_filename())
    texts += [str(r["payload"]) for r in world.http.received]
    return texts


def test_reminders_and_the_real_supervision_order_never_name_an_accuser(world):  # noqa: F811
    # Overdue by more than a week: a 督办单 for 南湖社区, mailed to the unit, its leader and the supervisors.
    world.store.insert(petition("YH-C2", "南湖社区", "2026-10-10", purpose="检举控告",
                                title="钱多多实名检举某物业公司挪用维修基金",
                                petitioners=[ACCUSER]), run_id=None, source="upstream")
    world.clock._now = datetime(2026, 11, 27, 9, 0)
    world.run()
    [(unit, items)] = [(u, i) for u, i in world.drafts if u == "南湖社区"]
    assert "YH-C2" in {i.ref for i in items}
    sent = "\n".join(_sent(world))
    assert "某某实名检举某物业公司挪用维修基金" in sent  # the real 督办单 was attached and read
    for secret in SECRETS:
        assert secret not in sent, secret
