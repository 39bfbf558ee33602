"""Word letters from templates clerks can edit.

Public surface::

    draft_letters(store, settings, clock, run, *, pdf=False, engine=None) -> list[Drafted]
    draft_unit_letter(kind, unit, items, *, store, settings, clock, run=None, reply_by=None,
                      requirement="", pdf=False, engine=None) -> Drafted | None   # 催办单 / 督办单
    UnitItem(petition, due_on, days_late=0, note="", step="")          # one step of one petition
    ledger_notes(settings, *, today, engine=None) -> (petition -> ["…待补全：缺少……"])
    supervision_drafter(store, settings, clock, run, engine=None) -> (unit, reminder items -> Path | None)
    check_templates(settings, paths=()) -> {file name: [Problem]}
    export_fields(petition, store) -> {"letters": [{kind, path, version}]}
    LettersSettings                                                   # [letters] section
    LetterSetup(letters, office, workdir, base=None, deadlines=None)  # what every call above takes as settings

Layout: ``rules`` / ``context`` / ``kinds`` / ``checks`` / ``dates`` / ``legal`` / ``files`` are plain
Python; ``engine`` holds the sandboxed Jinja; ``docx_adapter`` is the only module that touches the .docx format.
"""

import importlib
from typing import Any

# Resolved lazily (PEP 562) so loading the config does not pull in docxtpl and lxml.
_WHERE = {
    "UnitItem": "context", "Drafted": "flow", "check_templates": "flow", "draft_letters": "flow",
    "draft_unit_letter": "flow", "export_fields": "flow", "ledger_notes": "flow", "Pending": "flow",
    "LetterIncomplete": "flow", "supervision_drafter": "flow", "KINDS": "kinds", "PETITION_KINDS": "kinds",
    "UNIT_KINDS": "kinds", "Problem": "problems", "TemplateProblem": "problems", "LettersSettings": "settings",
    "LetterSetup": "settings",
}
__all__ = sorted(_WHERE)


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(name)
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
