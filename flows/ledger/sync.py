"""Two-way reconciliation of one book with the store: pure, over plain records.

``reconcile`` reads what a clerk left in the book (a :class:`Table`) against the store and the
snapshot of what the bot last wrote (``base``), and returns a :class:`Plan`: clerk edits to
save, walk-in rows to import, problems for the 校验 sheet, and the row layout to write back.
``build_rows`` turns the plan into the cells of the new book once the flow has applied it.

The three-way rule for a clerk cell: if the parsed book value differs from the store, it is
a clerk edit when it also differs from what the bot last wrote there (or, with no snapshot,
when it is not empty); otherwise the store changed since (a first value set elsewhere) and the
store's value is written. When both changed the cell since the last write, the clerk's edit
wins and is saved; the store's value goes to the history (the old value of that save) and a
校验 note names it. A value that cannot be parsed is never saved, never dropped: it
stays in the cell as typed and is listed on 校验 every run until fixed.
"""

from __future__ import annotations

import hashlib
import re
import zlib
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from core.model import FORMS, PURPOSES, Petition, Petitioner
from core.refs import ref_key
from flows.ledger.cells import (
    EXCEL_CELL_LIMIT,
    ILLEGAL,
    Parsed,
    canonical,
    is_blank,
    parse_choice,
    parse_date,
    parse_int,
    parse_text,
    safe_text,
)
from flows.ledger.columns import BY_HEADER, BY_KEY, CLERK_COLUMNS, COLUMNS, Column, normalise_header
from flows.ledger.deadlines import DeadlineCells
from flows.ledger.render import Privacy, as_cell, bot_cells, clerk_cells, clerk_value
from flows.ledger.routing import route
from flows.ledger.settings import LedgerSettings

LEVEL_FIX = "需处理"  # not applied: the clerk must correct the cell
LEVEL_CHECK = "已自动识别"  # applied as read: please check
LEVEL_INFO = "提示"

# Bot columns compared with what was written, to tell a clerk that typing there is not kept.
_illegal = ILLEGAL.search
_CLERK_COLUMN_KEYS = tuple(c.key for c in CLERK_COLUMNS)
_BOT_KEYS = tuple(c.key for c in COLUMNS if c.owner == "bot" and not c.derived and c.key not in ("seq", "group"))


_ALIASES = {"statuses": "status_aliases", "categories": "category_aliases"}

# The analysis columns, as the shell hands them in: ref -> {header: value} (``flows.analysis.ledger_columns``).
Analysis = Mapping[str, Mapping[str, Any]]
_ANALYSIS = tuple((c.header, c.key) for c in COLUMNS if c.key in (
    "category_suggested", "category_confidence", "repeat_kind", "repeat_of", "repeat_count", "group_alert",
    "analysis_note"))


@dataclass
class Table:
    """The 台账 sheet as read: header cells and data rows (padded to the header's width)."""

    header: list[Any]
    rows: list[list[Any]]


class Row(list):
    """The cells of one 台账 row, and its deadline status (the writer colours the row by it)."""

    __slots__ = ("status",)


@dataclass
class Issue:
    row: int | None  # Excel row number in the book as read (header is row 1)
    ref: str
    column: str
    value: str  # what the clerk typed; shown on 校验 only (inside the office), never logged
    problem: str
    level: str = LEVEL_FIX


@dataclass
class Slot:
    kind: Literal["ref", "raw", "walkin"]
    ref: str = ""
    row: int = -1  # index into Table.rows, -1 for a row new from the store
    keep: dict[str, Any] = field(default_factory=dict)  # key -> value kept exactly as typed


@dataclass
class WalkIn:
    slot: Slot
    draft: Petition
    fingerprint: str
    typed: dict[str, Any] = field(default_factory=dict)  # clerk columns the clerk filled in, parsed


@dataclass
class Plan:
    columns: list[tuple[str, Any]]  # ("col", key) | ("extra", header index in the table)
    slots: list[Slot]
    changes: dict[str, list[tuple[str, Any, Any]]]
    walkins: list[WalkIn]
    issues: list[Issue]
    first_values: dict[str, dict[str, Any]]  # ref -> field -> first value the bot gives


@dataclass
class RowState:
    """What the bot wrote for one ref: the base of the next three-way merge."""

    clerk: dict[str, str]
    bot_crc: int


def parse_clerk(col: Column, raw: Any, settings: LedgerSettings, today: date) -> Parsed:
    if col.kind == "date":
        return parse_date(raw, today)
    if col.kind == "choice":
        options = getattr(settings, col.choices)
        if not options:  # 内容分类（确认） without a taxonomy from the shell: free text, as before
            return parse_text(raw)
        aliases = _ALIASES.get(col.choices)
        return parse_choice(raw, options, getattr(settings, aliases) if aliases else None)
    return parse_text(raw)


def _ref_of(raw: Any) -> str:
    # The normalised ref: the store's petitions are keyed by it too (flows/ledger/flow.py).
    return ref_key(canonical(raw)) if not is_blank(raw) else ""


def layout(table: Table | None) -> list[tuple[str, Any]]:
    """Column order: the book's own (extra clerk columns stay where they are), with any
    missing known column put back after its usual predecessor."""
    if table is None:
        return [("col", c.key) for c in COLUMNS]
    cols: list[tuple[str, Any]] = []
    seen: set[str] = set()
    for i, h in enumerate(table.header):
        col = BY_HEADER.get(normalise_header(h))
        if col is not None and col.key not in seen:
            cols.append(("col", col.key))
            seen.add(col.key)
        elif not is_blank(h) or any(not is_blank(r[i]) for r in table.rows):
            cols.append(("extra", i))
    for pos, c in enumerate(COLUMNS):
        if c.key in seen:
            continue
        at = 0
        for prev in reversed(COLUMNS[:pos]):
            if ("col", prev.key) in cols:
                at = cols.index(("col", prev.key)) + 1
                break
        cols.insert(at, ("col", c.key))
        seen.add(c.key)
    return cols


def header_index(table: Table) -> dict[str, int]:
    """Known column key -> its index in the table (first occurrence of a header)."""
    idx: dict[str, int] = {}
    for i, h in enumerate(table.header):
        col = BY_HEADER.get(normalise_header(h))
        if col is not None and col.key not in idx:
            idx[col.key] = i
    return idx


def crc_keys(privacy: Privacy) -> list[str]:
    # Personal columns of a masked book are not compared: the book never held the real values.
    return [k for k in _BOT_KEYS if privacy == "show" or not BY_KEY[k].personal]


def bot_crc(values: list[Any]) -> int:
    return zlib.crc32("\x1f".join([v.strip() if type(v) is str else canonical(v) for v in values]).encode())


def reconcile(
    table: Table | None,
    store: Mapping[str, Petition],
    new_refs: list[str],
    base: Mapping[str, RowState],
    settings: LedgerSettings,
    today: date,
    *,
    book_privacy: Privacy = "show",
) -> Plan:
    """``store``: every petition by its ``ref_key``; ``new_refs``: keys of store petitions that
    belong in this book and are in no book yet (appended in order); ``base``: snapshot per key of
    the last write."""
    plan = Plan(columns=layout(table), slots=[], changes={}, walkins=[], issues=[], first_values={})
    if table is not None:
        _read_rows(table, store, base, settings, today, plan, book_privacy)
    in_book = {s.ref for s in plan.slots if s.kind == "ref"}
    for ref in new_refs:
        if ref in in_book:
            continue
        plan.slots.append(Slot("ref", ref))
        first = _first_values(store[ref], settings)
        if first:
            plan.first_values[ref] = first
    return plan


def _first_values(p: Petition, settings: LedgerSettings) -> dict[str, Any]:
    first: dict[str, Any] = {}
    if not p.responsible_unit:
        unit = route(p, settings.routing)
        if unit:
            first["responsible_unit"] = unit
    if settings.initial_status and not p.clerk.get("handling_status"):
        first["handling_status"] = settings.initial_status
    return first


def _read_rows(table: Table, store: Mapping[str, Petition], base: Mapping[str, RowState],
               settings: LedgerSettings, today: date, plan: Plan, book_privacy: Privacy) -> None:
    idx = header_index(table)
    ref_i = idx.get("ref")
    refs = [_ref_of(r[ref_i]) if ref_i is not None else "" for r in table.rows]
    counts = Counter(r for r in refs if r)
    clerk_cols = [(c, idx[c.key]) for c in CLERK_COLUMNS if c.key in idx]
    check_bot = crc_keys(book_privacy)
    bot_idx = [idx.get(k) for k in check_bot]
    # A bot column missing from the book (deleted, or renamed by an upgrade: 办结期限 used to hold the
    # upstream 限办日期) makes every row's checksum differ although no clerk typed in a bot cell:
    # skip the check for this book rather than flood 校验 with "已恢复" notes. The column comes back.
    book_has_bot = None not in bot_idx
    header_of = {c.key: c.header for c in COLUMNS}

    for n, row in enumerate(table.rows):
        excel_row = n + 2
        ref = refs[n]
        if not ref:
            _walk_in_or_raw(n, row, idx, settings, today, plan)
            continue
        if counts[ref] > 1:
            plan.slots.append(Slot("raw", ref, n))
            plan.issues.append(Issue(excel_row, ref, "信访件编号", ref,
                                     f"编号重复出现 {counts[ref]} 次：这些行本次均未同步，请删除多余的行或改正编号"))
            continue
        p = store.get(ref)
        if p is None:
            plan.slots.append(Slot("raw", ref, n))
            plan.issues.append(Issue(excel_row, ref, "信访件编号", ref,
                                     "系统中没有这个编号：本行原样保留；来访登记请把编号留空，由系统编号"))
            continue
        slot = Slot("ref", ref, n)
        plan.slots.append(slot)
        state = base.get(ref)
        pc = p.clerk
        for col, i in clerk_cols:
            raw = row[i]
            if raw == "" and not (p.responsible_unit if col.key == "responsible_unit" else pc.get(col.key)):
                continue  # the common case on a big book: empty in both
            parsed = parse_clerk(col, raw, settings, today)
            if parsed.problem:
                slot.keep[col.key] = raw
                plan.issues.append(Issue(excel_row, ref, col.header, canonical(raw), parsed.problem))
                continue
            new_c = canonical(parsed.value)
            old = clerk_value(p, col.key)
            if new_c == canonical(old):
                continue
            # The snapshot keeps non-empty cells only: a key missing from it was written empty.
            written = state.clerk.get(col.key, "") if state is not None else None
            clerk_edit = new_c != written if written is not None else new_c != ""
            if not clerk_edit:
                continue  # the store moved on since the last write: its value goes in the book
            plan.changes.setdefault(ref, []).append((col.key, old, parsed.value))
            if parsed.note:
                plan.issues.append(Issue(excel_row, ref, col.header, canonical(raw), parsed.note, LEVEL_CHECK))
            if (written is not None and _as_written(p, col.key, book_privacy) != written
                    and not parse_clerk(col, written, settings, today).problem):  # not a cell kept as typed
                # Both sides changed the cell since the last write. The clerk's edit wins: it is the
                # deliberate input of the person working the case, and dropping it would be silent.
                # The store's value is not lost either: the save records it as the old value in the
                # history, and 校验 names it so that the clerk can put it back.
                plan.issues.append(Issue(
                    excel_row, ref, col.header, canonical(raw),
                    f"已按台账保存；上次同步后系统中此项也被改为「{canonical(old)}」，该值已记入修改历史。"
                    "如应以系统中的值为准，请在台账中改回后保存", LEVEL_CHECK))
        if state is not None and check_bot and book_has_bot:
            book_vals = [row[i] if i is not None else "" for i in bot_idx]
            if bot_crc(book_vals) != state.bot_crc:
                now = bot_cells(p, group_threshold=settings.group_threshold, privacy=book_privacy)
                for key, v in zip(check_bot, book_vals, strict=True):
                    mine = now[key]
                    mine = safe_text(mine)[0] if isinstance(mine, str) else mine
                    if canonical(v) != canonical(mine):
                        plan.issues.append(Issue(
                            excel_row, ref, header_of[key], canonical(v),
                            "此列由系统根据上游数据维护，已恢复为系统中的值；如需补充请写在“备注”或自加的列中",
                            LEVEL_INFO))


def _as_written(p: Petition, key: str, privacy: Privacy) -> str:
    """The store's value of a clerk cell as the writer would put it in the book (see iter_rows)."""
    v = clerk_cells(p, privacy=privacy)[key]
    return v.strip() if type(v) is str else canonical(v)


def _split(text: str) -> list[str]:
    return [s for s in re.split(r"[、,，;；/\s]+", text) if s]


def _walk_in_or_raw(n: int, row: list[Any], idx: dict[str, int], settings: LedgerSettings, today: date,
                    plan: Plan) -> None:
    def get(key: str) -> Any:
        i = idx.get(key)
        return row[i] if i is not None else ""

    known = [k for k in idx if k not in ("seq", "ref") and not is_blank(get(k))]
    extras_typed = any(not is_blank(v) for i, v in enumerate(row) if i not in idx.values())
    if not known and not extras_typed:
        return  # an empty row (or only a 序号): nothing a clerk typed is lost
    excel_row = n + 2
    slot = Slot("raw", "", n)
    names, summary, content = canonical(get("petitioners")), canonical(get("summary")), canonical(get("content"))
    if not (names or summary or content):
        plan.slots.append(slot)
        plan.issues.append(Issue(excel_row, "", "信访件编号", "", "没有编号，也没有信访人和诉求摘要：本行原样保留，未登记",
                                 LEVEL_INFO if not known else LEVEL_FIX))
        return
    problems: list[Issue] = []

    def need(key: str, parsed: Parsed) -> Any:
        if parsed.problem:
            problems.append(Issue(excel_row, "", BY_KEY[key].header, canonical(get(key)),
                                  f"来访登记无法导入：{parsed.problem}"))
        return parsed.value

    received = need("received_on", parse_date(get("received_on"), today)) or today.isoformat()
    assigned = need("assigned_on", parse_date(get("assigned_on"), today)) or received
    form = need("form", parse_choice(get("form"), list(FORMS))) or "来访"
    purpose = need("purpose", parse_choice(get("purpose"), list(PURPOSES))) or "其他"
    people = _split(names)
    headcount = need("headcount", parse_int(get("headcount"))) or max(1, len(people))
    if problems:
        plan.slots.append(slot)
        plan.issues.extend(problems)
        return
    ids, phones = _split(canonical(get("id_numbers"))), _split(canonical(get("phones")))
    address = canonical(get("address"))
    petitioners = [Petitioner(name=name, id_number=ids[i] if i < len(ids) else "",
                              phone=phones[i] if i < len(phones) else "", address=address if i == 0 else "")
                   for i, name in enumerate(people)]
    draft = Petition(
        ref="", title=summary or content[:60], form=form, received_on=date.fromisoformat(received),
        assigned_on=date.fromisoformat(assigned), handover="", petitioners=petitioners, headcount=int(headcount),
        locality=canonical(get("locality")), purpose=purpose, category=canonical(get("category")),
        content=content, anonymous=not people, source="ledger",
    )
    slot.kind = "walkin"
    plan.slots.append(slot)
    typed: dict[str, Any] = {}
    for col in CLERK_COLUMNS:
        if col.key not in idx:
            continue
        parsed = parse_clerk(col, get(col.key), settings, today)
        if parsed.problem:
            slot.keep[col.key] = get(col.key)
            plan.issues.append(Issue(excel_row, "", col.header, canonical(get(col.key)), parsed.problem))
        elif parsed.value != "":
            typed[col.key] = parsed.value
            if col.key == "responsible_unit":
                draft.responsible_unit = parsed.value
            else:
                draft.clerk[col.key] = parsed.value
    if not draft.responsible_unit:
        draft.responsible_unit = route(draft, settings.routing)
    if settings.initial_status and "handling_status" not in draft.clerk and "handling_status" not in slot.keep:
        draft.clerk["handling_status"] = settings.initial_status
    fp = "\x1f".join([names, canonical(get("received_on")), summary, content[:200], canonical(get("phones"))])
    plan.walkins.append(WalkIn(slot, draft, hashlib.sha256(fp.encode()).hexdigest(), typed))


def iter_rows(plan: Plan, table: Table | None, store: Mapping[str, Petition], settings: LedgerSettings, *,
              privacy: Privacy, states: dict[str, RowState], notes: list[Issue],
              deadlines: Callable[[Petition], DeadlineCells] | None = None,
              analysis: Analysis | None = None) -> Iterator[Row]:
    """Cells of the new 台账 rows (text made safe), one row at a time so that 100,000 rows are
    never all in memory; fills ``states`` (the snapshot to keep) and ``notes`` as it goes.
    ``deadlines`` fills the deadline columns and ``Row.status`` of every row with a ref;
    ``analysis`` (ref -> {header: value}) the analysis columns (empty for a ref it does not know)."""
    src_idx = header_index(table) if table is not None else {}
    pos = {key: j for j, (kind, key) in enumerate(plan.columns) if kind == "col"}
    crc_pos = [pos[k] for k in crc_keys(privacy)]
    kinds = [BY_KEY[key].kind if kind == "col" else "extra" for kind, key in plan.columns]
    for seq, slot in enumerate(plan.slots, 1):
        src = table.rows[slot.row] if (table is not None and slot.row >= 0) else None
        row = Row()
        row.status = ""
        if slot.kind == "ref":
            p = store[slot.ref]
            bot = bot_cells(p, group_threshold=settings.group_threshold, privacy=privacy)
            clerk = clerk_cells(p, privacy=privacy)
            cells = {**bot, **clerk, **slot.keep, "seq": seq}
            if deadlines is not None:
                dl = deadlines(p)
                cells.update(dl.cells())
                row.status = dl.status
            if analysis is not None:
                found = analysis.get(p.ref)  # the analysis knows refs as stored, the slot by their key
                if found:
                    for header, key in _ANALYSIS:
                        v = found.get(header, "")
                        cells[key] = "" if v is None else v
                    if privacy != "show":
                        # The explanation names the shared identity (masked, but an accuser's must
                        # not appear at all): a copy that leaves the office carries the flags only.
                        cells["analysis_note"] = ""
            written = {}
            for key in _CLERK_COLUMN_KEYS:
                v = cells[key]
                c = v.strip() if type(v) is str else canonical(v)
                if c:
                    written[key] = c
            states[slot.ref] = RowState(clerk=written, bot_crc=0)  # bot_crc set below, from the text as written
        else:
            cells = {key: src[i] for key, i in src_idx.items()} if src is not None else {}
            cells["seq"] = seq
        for (kind, key), k in zip(plan.columns, kinds, strict=True):
            v = cells.get(key, "") if kind == "col" else (src[key] if src is not None else "")
            if type(v) is str and v:
                if len(v) > EXCEL_CELL_LIMIT or _illegal(v):  # rare: skip safe_text's allocations otherwise
                    v, found = safe_text(v)
                    col_name = BY_KEY[key].header if kind == "col" else canonical(table.header[key])
                    notes.extend(Issue(seq + 1, slot.ref, col_name, "", t, LEVEL_INFO) for t in found)
                if k == "date":
                    v = as_cell(k, v)
            row.append(v)
        if slot.kind == "ref":
            states[slot.ref].bot_crc = bot_crc([row[j] for j in crc_pos])
        yield row
