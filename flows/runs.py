"""One run of one flow: its folder, counts, warnings, outputs and ``summary.json``.

The summary is written when the run ends (whatever the outcome) and also mirrored in the
store's ``runs`` table, so ``petitionbot runs`` can list history without reading folders.
"""

from __future__ import annotations

import json
import secrets
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from core.model import RunCounts
from core.ports import Clock
from flows import diskio

# Run states, as stored: running -> ok | partial | failed | crashed | stopped; a row left
# 'running' by a process that was killed is set to 'interrupted' by the next run.
STATUSES = ("running", "ok", "partial", "failed", "crashed", "stopped", "interrupted")


@dataclass
class Run:
    flow: str
    folder: Path
    clock: Clock
    trigger: str = "clerk"  # clerk | schedule | demo
    id: str = ""
    status: str = "running"
    counts: RunCounts = field(default_factory=RunCounts)
    warnings: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)
    evidence: list[str] = field(default_factory=list)
    failures: list[dict[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)
    started: str = ""
    ended: str = ""
    message: str = ""
    # Set by the shell: a stop request (SIGTERM in `serve`) flows poll between items, and a
    # progress port (a bar on a terminal, plain lines otherwise). Both optional for tests.
    stop_requested: threading.Event | None = field(default=None, repr=False)
    progress: Any = field(default=None, repr=False)
    # Set by the shell: the run lock's fencing number and the check that raises LockLost once
    # another run has taken the lock over. Flows call ``check_fence`` before every send, write
    # and upstream action; absent (tests of one flow), nothing is checked.
    generation: int | None = None
    fence: Callable[[], None] | None = field(default=None, repr=False)

    def check_fence(self) -> None:
        if self.fence is not None:
            self.fence()

    @property
    def stopping(self) -> bool:
        return self.stop_requested is not None and self.stop_requested.is_set()

    @classmethod
    def start(cls, flow: str, runs_dir: Path, clock: Clock, trigger: str = "clerk") -> Run:
        now = clock.now()
        run_id = f"{now:%Y%m%d-%H%M%S}-{flow}-{secrets.token_hex(2)}"
        folder = diskio.ensure_dir(runs_dir / run_id)
        return cls(flow=flow, folder=folder, clock=clock, trigger=trigger, id=run_id,
                   started=now.isoformat(timespec="seconds"))

    @property
    def evidence_dir(self) -> Path:
        return self.folder / "evidence"

    def warn(self, text: str) -> None:
        if text not in self.warnings:
            self.warnings.append(text)

    def fail_item(self, ref: str, reason: str) -> None:
        self.counts.failed += 1
        self.failures.append({"ref": ref, "reason": reason})

    def summary(self) -> dict[str, Any]:
        evidence = sorted(str(p) for p in self.evidence_dir.rglob("*") if p.is_file()) if self.evidence_dir.exists() else []
        return {
            "id": self.id,
            "flow": self.flow,
            "trigger": self.trigger,
            "start": self.started,
            "end": self.ended,
            "status": self.status,
            "message": self.message,
            "counts": asdict(self.counts),
            "failures": self.failures,
            "outputs": self.outputs,
            "warnings": self.warnings,
            "evidence": sorted(set(self.evidence) | set(evidence)),
            **self.extra,
        }

    def finish(self, status: str, message: str = "") -> dict[str, Any]:
        """Set the outcome; the summary is returned even when ``summary.json`` cannot be written
        (a full disk): call ``save_summary`` for that."""
        self.status = status
        self.message = message
        self.ended = self.clock.now().isoformat(timespec="seconds")
        return self.summary()

    def save_summary(self, data: dict[str, Any]) -> None:
        """Write ``summary.json`` atomically (raises DiskError). Not fenced: a run that lost its
        lock still says why it stopped."""
        diskio.write_atomic(self.folder / "summary.json", json.dumps(data, ensure_ascii=False, indent=2), fence=False)


def read_summary(folder: Path) -> dict[str, Any] | None:
    """A run's ``summary.json``, or None when there is none (the run was killed) or it is unreadable."""
    try:
        return json.loads((folder / "summary.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
