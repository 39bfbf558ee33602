"""A reminder computed over an unpublished year says so, loudly, wherever it shows."""

from __future__ import annotations

from datetime import datetime

from tests.reminders.conftest import petition


def test_2027_reminder_carries_the_estimate_warning(world):
    world.store.insert(petition("YH-E1", "南湖社区", "2026-12-03"), run_id=None, source="upstream")  # due 2027-01-02 (Sat) -> 01-04
    world.clock._now = datetime(2027, 1, 5, 9, 0)
    result, run = world.run()
    assert [i.due.isoformat() for i in result.items if i.ref == "YH-E1"] == ["2027-01-04"]
    assert any("2027年节假日安排尚无公布的数据" in w for w in run.warnings)
    [mail] = [m for m in world.emails_to("nanhu@example.gov.cn") if "催办" in str(m["Subject"])]
    assert "2027年节假日安排尚无公布的数据" in mail.get_body(("plain",)).get_content()
    wecom = [r["payload"] for r in world.http.received if r["payload"]["msgtype"] == "markdown"]
    assert "2027年节假日安排尚无公布的数据" in wecom[0]["markdown"]["content"]
    [sup] = [m for m in world.emails_to("boss@example.gov.cn") if "超期清单" in str(m["Subject"])]
    assert "2027年节假日安排尚无公布的数据" in sup.get_body(("plain",)).get_content()
