"""The unattended service (``petitionbot serve``).

    jobs.py       schedules/*.toml -> JobSpec -> APScheduler trigger
    workdays.py   WorkdayTrigger: fire on Chinese working days only
    service.py    Service, build_scheduler, sync_jobs, start, serve (a job runs petitionbot.wiring.run_chain)
    notify.py     failure message to the operator (reminders' channel port)
    retention.py  prune old run folders
    settings.py   [service] in petitionbot.toml

Importing this package is cheap: APScheduler is imported only by the modules that need it.
"""
