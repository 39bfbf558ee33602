"""One module per command; each exposes ``register(top, run_flows)``."""

from __future__ import annotations

from flows.runs import Run


def run_footer(run: Run, limit: int = 10) -> list[str]:
    """The lines every flow command ends its Chinese report with: warnings, then the run folder."""
    lines = [f"  注意：{w}" for w in run.warnings[:limit]]
    if len(run.warnings) > limit:
        lines.append(f"  ……另有 {len(run.warnings) - limit} 条提示，见 {run.folder / 'summary.json'}")
    lines.append(f"运行记录：{run.folder}")
    return lines
