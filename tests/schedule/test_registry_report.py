from datetime import date

from core.clock import FixedClock
from petitionbot import config, wiring


def test_scheduled_monthly_report_covers_the_month_that_just_ended(tmp_path, monkeypatch):
    """Scheduled on the 1st without a month, the report is of the month that just ended."""
    import flows.analysis.report as report_module

    asked = []
    monkeypatch.setattr(report_module, "monthly_report", lambda store, month, *a, **kw: asked.append(month) or _Files())
    settings = config.Settings(storage=config.StorageSettings(workdir=tmp_path))
    app = wiring.build_app(settings, clock=FixedClock(date(2027, 1, 1)))
    assert wiring.run_flow(app, "report").run.status == "ok"
    wiring.run_flow(app, "report", month="2026-11")
    assert asked == ["2026-12", "2026-11"]


class _Files:
    docx = xlsx = "unused"
