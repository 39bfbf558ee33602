"""Jobs fire at the right times across National Day 2026 and the make-up Saturday (10-10)."""

from datetime import date, datetime

import pytest

from core.errors import ConfigError
from petitionbot.scheduler.jobs import load_jobs
from tests.schedule.conftest import make_settings, run_until

SCHEDULE = """
[[job]]
id = "nightly"
flows = ["intake", "ledger", "letters"]
cron = { hour = 2, minute = 0 }

[[job]]
id = "morning-reminders"
flows = ["reminders"]
cron = { hour = 8, minute = 30 }
workdays_only = true
"""


def test_workday_job_skips_the_holiday_and_runs_on_the_makeup_saturday(tmp_path, sim_clock, stepped, fired):
    calls, _ = fired
    sim_clock.t = sim_clock.t.replace(year=2026, month=9, day=29, hour=0)
    _, sched = stepped(make_settings(tmp_path, SCHEDULE))
    run_until(sched, sim_clock, datetime(2026, 10, 13))

    reminders = [t for name, t in calls if name == "reminders"]
    assert reminders == [datetime(2026, 9, 29, 8, 30), datetime(2026, 9, 30, 8, 30),  # before the holiday
                         datetime(2026, 10, 8, 8, 30), datetime(2026, 10, 9, 8, 30),
                         datetime(2026, 10, 10, 8, 30),  # Saturday, a make-up working day
                         datetime(2026, 10, 12, 8, 30)]  # Sunday 10-11 is a rest day again
    # The nightly chain runs every night, holiday or not, its flows in order.
    nightly = [(name, t) for name, t in calls if name != "reminders"]
    assert [t.date() for name, t in nightly if name == "intake"] == [date(2026, 9, 29 + i) if i < 2 else
                                                                       date(2026, 10, i - 1) for i in range(14)]
    assert [name for name, _ in nightly[:3]] == ["intake", "ledger", "letters"]
    assert all(t.hour == 2 and t.minute == 0 for _, t in nightly)


def test_schedule_file_errors_name_the_job_in_chinese(tmp_path):
    bad = tmp_path / "s.toml"
    bad.write_text('[[job]]\nid = "x"\nflows = ["intake", "nosuch"]\ncron = { hour = 2 }\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="任务 x.*未知流程 nosuch"):
        load_jobs(bad)
    bad.write_text('[[job]]\nid = "y"\nflow = "intake"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="cron 和 interval_minutes 必须且只能写一个"):
        load_jobs(bad)


def test_shipped_default_schedule_is_valid():
    from core.shipped import shipped

    jobs = {j.id: j for j in load_jobs(shipped("schedules/default.toml"))}
    assert jobs["nightly"].flows == ["intake", "analysis", "ledger", "letters"]
    assert jobs["nightly"].cron == {"hour": 2, "minute": 0}
    assert jobs["morning-reminders"].workdays_only
    assert jobs["monthly-report"].enabled and jobs["monthly-report"].cron["day"] == 1
    from petitionbot.wiring import FLOWS

    assert all(f in FLOWS for j in jobs.values() for f in j.flows)  # every flow is wired
