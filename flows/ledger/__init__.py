"""The Excel tracking book (台账): filled by the bot, worked in by clerks, never clobbered.

Layout of the package (libraries that read .xlsx live only in ``xlsx.py``; every workbook the bot
writes goes through ``flows.workbook``)::

    settings.py  LedgerSettings / RoutingSettings (the [ledger] config section)
    columns.py   the 台账 columns: owner (bot / clerk), kind, width
    cells.py     parsing what clerks type
    routing.py   责任单位 from the rules
    render.py    a petition as row cells (show / mask / hide personal data)
    sync.py      the pure three-way reconciliation of a book with the store
    stats.py     counts for the 统计 sheet
    state.py     the ledger's tables (snapshot of the last write, walk-in imports)
    files.py     open-file detection, atomic replace, backups, pending files
    xlsx.py      the adapter: python-calamine + openpyxl (read-only) in; 台账, 打印, 校验, 统计 out
    flow.py      sync_ledger, the orchestration
    export.py    export_fields for ``petitionbot export``
    deadlines.py the deadline columns (受理告知期限, 办结期限, 期限状态, ...) from the deadline engine
"""

from flows.ledger.deadlines import LedgerDeadlines
from flows.ledger.export import export_fields
from flows.ledger.flow import LedgerResult, book_folder, sync_ledger
from flows.ledger.settings import LedgerSettings, RoutingSettings

__all__ = ["LedgerDeadlines", "LedgerResult", "LedgerSettings", "RoutingSettings", "book_folder", "export_fields", "sync_ledger"]
