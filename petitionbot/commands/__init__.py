"""One module per command; each exposes ``register(top, run_flows)``."""

from __future__ import annotations

from flows.runs import Run
from petitionbot.app import EXIT_OK, EXIT_PARTIAL


def run_footer(run: Run, limit: int = 10) -> list[str]:
    """The lines every flow command ends its Chinese report with: warnings, then the run folder."""
    lines = [f"  注意：{w}" for w in run.warnings[:limit]]
    if len(run.warnings) > limit:
        lines.append(f"  ……另有 {len(run.warnings) - limit} 条提示，见 {run.folder / 'summary.json'}")
    lines.append(f"运行记录：{run.folder}")
    return lines


def finish(run: Run, report: str) -> int:
    """Print a flow's Chinese report; the exit code says whether some items failed (quarantined)."""
    print(report)
    return EXIT_PARTIAL if run.counts.failed else EXIT_OK
