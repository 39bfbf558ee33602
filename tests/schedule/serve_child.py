"""``petitionbot serve`` in a real process for the SIGTERM test.

    python -m tests.schedule.serve_child TMPDIR

The job store is seeded so the nightly job is due at start-up (as after a night switched off);
the upstream is the slow planted robot, which prints ``fetched N`` per petition.
"""

import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from petitionbot.logs import setup
from petitionbot.scheduler import service
from tests.schedule.conftest import SteppedScheduler, make_settings
from tests.schedule.planted import plant

SCHEDULE = '[[job]]\nid = "nightly"\nflows = ["intake"]\ncron = { hour = 2, minute = 0 }\n'


def main() -> int:
    tmp = Path(sys.argv[1])
    settings = make_settings(tmp, SCHEDULE)
    setup("INFO", log_dir=settings.workdir / "logs")
    # A scheduler without a thread: a background one could fire the job while shutting down.
    seed = service.build_scheduler(settings, scheduler_cls=SteppedScheduler)
    seed.start(paused=True)
    service.sync_jobs(seed, service.load_schedule(settings), settings)
    seed.modify_job("nightly", next_run_time=datetime.now(ZoneInfo("Asia/Shanghai")))
    seed.shutdown(wait=False)
    plant("slow")
    return service.serve(settings)


if __name__ == "__main__":
    sys.exit(main())
