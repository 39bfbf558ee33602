"""The export record of a petition: the office's own full record, or a masked copy.

Feature modules contribute fields (ledger, letters, deadlines, analysis) through functions
``(petition, store) -> dict`` that the shell passes in; this module knows none of them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any

from core.model import Petition, to_jsonable
from core.ports import Store
from core.privacy import Redactor, mask_id, mask_name, mask_phone
from flows.analysis.text import unit_places

Contributor = Callable[[Petition, Store], dict[str, Any]]

BASE_FIELDS = (
    "ref", "title", "form", "received_on", "assigned_on", "assigned_to", "assigning_office", "handover",
    "handover_no", "due_on", "due_time", "petitioners", "headcount", "locality", "purpose", "category", "content",
    "demand", "anonymous", "confidential", "status", "closed", "attachments", "upstream_state", "signed_on", "notes",
)


def _source(p: Petition) -> dict[str, Any]:
    """Where it came from: the upstream entry (or "ledger"), shown as the clerk reads it, and
    whether it is a 信访件 (the statutes apply) or a 工单 (its own 办理时限)."""
    return {"source": p.source, "source_label": p.source_name, "kind": p.kind_name, "statutory": p.statutory}


def export_record(p: Petition, store: Store, contributors: Iterable[Contributor] = ()) -> dict[str, Any]:
    data = to_jsonable(p)
    record = {k: data[k] for k in BASE_FIELDS}
    record.update(_source(p))
    record["attachments"] = [{k: a[k] for k in ("name", "sha256", "size", "path", "media_type")}
                             for a in data["attachments"]]
    record["upstream_due_on"] = data["due_on"]  # the deadlines contributor replaces due_on by the effective one
    record["history"] = store.history(p.ref)
    for contribute in contributors:
        record.update(contribute(p, store))
    return record


def people_redactor(petitions: Iterable[Petition], *, hide: bool) -> Redactor:
    """A Redactor for text about these petitions (content, the analysis' reasons): their petitioners'
    names masked, or with ``hide`` (an accuser the reader may not see) removed with every masked
    trace of them and the village group or building the reasons name (永福村5组)."""
    petitions = list(petitions)
    scrub = Redactor(hide_names=hide)
    scrub.add_people(x for p in petitions for x in p.petitioners)
    if hide:
        scrub.add_names(*(place for p in petitions for place in unit_places(p)))
    return scrub


def mask_record(record: dict[str, Any], petition: Petition) -> dict[str, Any]:
    """A copy fit to leave the office: no name, ID or phone number in clear, anywhere in it."""
    scrub = people_redactor([petition], hide=petition.is_accusation)

    def walk(value: Any) -> Any:
        if isinstance(value, str):
            return scrub(value)
        if isinstance(value, list):
            return [walk(v) for v in value]
        if isinstance(value, dict):
            return {k: walk(v) for k, v in value.items()}
        return value

    out = walk({k: v for k, v in record.items() if k != "petitioners"})
    out["petitioners"] = [
        {"name": "" if petition.is_accusation else mask_name(x.name), "id_number": mask_id(x.id_number),
         "phone": mask_phone(x.phone), "address": ""}
        for x in petition.petitioners
    ]
    return out


def export_all(store: Store, contributors: Iterable[Contributor] = (), *, masked: bool = False) -> Iterator[dict]:
    contributors = list(contributors)
    for p in store.petitions():
        record = export_record(p, store, contributors)
        yield mask_record(record, p) if masked else record
