"""Smart petition analysis: type analysis, repeats → supervision, group early warning,
counting and trends, the monthly report. See docs/analysis.md.

Entry points: ``run_analysis`` (the flow), ``analyse`` (pure), ``export_fields`` /
``export_contributor`` (export), ``ledger_columns`` (ledger), ``supervision_lines`` (reminders),
``monthly_report`` (report).
"""

from __future__ import annotations

from flows.analysis.export import export_contributor, export_fields, ledger_columns
from flows.analysis.flow import AnalysisResult, analyse, run_analysis, supervision_lines

__all__ = ["AnalysisResult", "analyse", "export_contributor", "export_fields", "ledger_columns", "run_analysis",
           "supervision_lines"]
