"""A machine that was off overnight runs the missed nightly job once at start-up, never twice.

Real APScheduler with the persistent SQLite job store in the workdir; only time is simulated.
"""

from datetime import datetime

from tests.schedule.conftest import TZ, make_settings, run_until

NIGHTLY = """
[[job]]
id = "nightly"
flows = ["intake", "ledger"]
cron = { hour = 2, minute = 0 }
"""


def _at(*args):
    return datetime(*args, tzinfo=TZ)


def test_missed_nights_run_once_after_restart_and_not_again(tmp_path, sim_clock, stepped, fired):
    calls, _ = fired
    settings = make_settings(tmp_path, NIGHTLY)  # misfire grace: 8 hours (default)
    sim_clock.t = _at(2026, 11, 2, 1, 0)
    _, first = stepped(settings)
    assert first.get_job("nightly").next_run_time == _at(2026, 11, 2, 2, 0)
    first.shutdown(wait=False)  # the machine is switched off before 02:00 ...

    sim_clock.t = _at(2026, 11, 4, 7, 30)  # ... and on again two nights later
    _, second = stepped(settings)
    second.step()
    assert calls == [("intake", datetime(2026, 11, 4, 7, 30)), ("ledger", datetime(2026, 11, 4, 7, 30))]
    assert second.get_job("nightly").next_run_time == _at(2026, 11, 5, 2, 0)
    second.step()
    second.shutdown(wait=False)

    sim_clock.t = _at(2026, 11, 4, 7, 45)  # a second restart the same morning must not run it again
    _, third = stepped(settings)
    run_until(third, sim_clock, datetime(2026, 11, 5, 1, 59))
    assert len(calls) == 2
    run_until(third, sim_clock, datetime(2026, 11, 5, 2, 1))
    assert [name for name, _ in calls] == ["intake", "ledger"] * 2


def test_a_run_missed_by_more_than_the_grace_is_skipped(tmp_path, sim_clock, stepped, fired):
    calls, _ = fired
    settings = make_settings(tmp_path, NIGHTLY, misfire_grace_seconds=3600)
    sim_clock.t = _at(2026, 11, 2, 1, 0)
    _, first = stepped(settings)
    first.shutdown(wait=False)
    sim_clock.t = _at(2026, 11, 2, 9, 0)  # 7 hours late: too late to start a nightly run in office hours
    _, second = stepped(settings)
    second.step()
    assert calls == []
    assert second.get_job("nightly").next_run_time == _at(2026, 11, 3, 2, 0)


def test_changed_time_replaces_the_stored_job(tmp_path, sim_clock, stepped, fired):
    settings = make_settings(tmp_path, NIGHTLY)
    sim_clock.t = _at(2026, 11, 2, 1, 0)
    _, first = stepped(settings)
    first.shutdown(wait=False)
    (tmp_path / "schedule.toml").write_text(NIGHTLY.replace("hour = 2", "hour = 3"), encoding="utf-8")
    _, second = stepped(settings)
    assert [j.id for j in second.get_jobs()] == ["nightly"]
    assert second.get_job("nightly").next_run_time == _at(2026, 11, 2, 3, 0)
