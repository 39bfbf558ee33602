"""A real second process for the lock tests: take the lock, say so, hold it until told.

    python -m tests.schedule.lock_holder LOCKFILE FLOW WAIT_SECONDS RELEASE_FILE
prints ``held <epoch>`` once the lock is taken, ``released <epoch>`` after RELEASE_FILE
appears, or ``busy <message>`` (exit 1) when the lock stays taken for WAIT_SECONDS.
"""

import sys
import time
from pathlib import Path

from core.errors import LockBusy
from petitionbot.lock import RunLock


def main() -> int:
    path, flow, wait, release = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
    lock = RunLock(path, stale_seconds=60, poll_seconds=0.05)
    try:
        lock.acquire(flow=flow, trigger="schedule", wait_seconds=wait)
    except LockBusy as exc:
        print(f"busy {exc}", flush=True)
        return 1
    print(f"held {time.time()}", flush=True)
    while not release.exists():
        time.sleep(0.02)  # test helper: waits for the test's signal file
    released = time.time()
    lock.release()
    print(f"released {released}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
