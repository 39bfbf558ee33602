from datetime import date
from types import SimpleNamespace

from core.clock import FixedClock
from petitionbot import flows_registry


def test_scheduled_monthly_report_covers_the_month_that_just_ended(monkeypatch):
    import petitionbot.commands.analysis as analysis

    asked = []
    monkeypatch.setattr(analysis, "report", lambda app, month: (asked.append(month) or ("run", None)))
    app = SimpleNamespace(clock=FixedClock(date(2027, 1, 1)))
    assert flows_registry.get("report")(app) == "run"
    flows_registry.get("report")(app, month="2026-11")
    assert asked == ["2026-12", "2026-11"]
