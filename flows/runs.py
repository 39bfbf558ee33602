"""One run of one flow: its folder, counts, warnings, outputs and ``summary.json``.

The summary is written when the run ends (whatever the outcome) and also mirrored in the
store's ``runs`` table, so ``petitionbot runs`` can list history without reading folders.
"""

from __future__ import annotations

import json
import os
import secrets
import threading
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from flows.clock import Clock
from flows.model import RunCounts


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

    @property
    def stopping(self) -> bool:
        return self.stop_requested is not None and self.stop_requested.is_set()

    @classmethod
    def start(cls, flow: str, runs_dir: Path, clock: Clock, trigger: str = "clerk") -> Run:
        now = clock.now()
        run_id = f"{now:%Y%m%d-%H%M%S}-{flow}-{secrets.token_hex(2)}"
        folder = runs_dir / run_id
        folder.mkdir(parents=True, exist_ok=True)
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
        self.status = status
        self.message = message
        self.ended = self.clock.now().isoformat(timespec="seconds")
        data = self.summary()
        tmp = self.folder / "summary.json.tmp"
        tmp.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.folder / "summary.json")
        return data
