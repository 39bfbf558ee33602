"""``sync_ledger``: read every book, save clerk edits and walk-in rows, write the books back.

Order matters: each book is read before anything is written, clerk input reaches the store
before the store is rendered, and a book a clerk holds open is never replaced (the update goes
to a pending file beside it and the next run simply redoes the sync against the saved book).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import LedgerShapeChanged, SystemError_
from core.model import Petition
from core.ports import Clock, Store
from core.refs import ref_key
from core.workdir import Workdir
from flows import failpoints, tempfiles
from flows.ledger import files, state
from flows.ledger.cells import canonical
from flows.ledger.columns import BY_KEY, SHEET_CHECKS
from flows.ledger.deadlines import DeadlineCells, LedgerDeadlines
from flows.ledger.render import Privacy, clerk_value
from flows.ledger.settings import LedgerSettings
from flows.ledger.shape import locate
from flows.ledger.stats import breakdowns
from flows.ledger.sync import LEVEL_FIX, Analysis, Issue, Plan, RowState, Table, iter_rows, reconcile
from flows.ledger.xlsx import Book, BookSpec, ColSpec, read_book, write_book
from flows.runs import Run

MAX_WARNINGS = 20


@dataclass
class LedgerResult:
    books: list[Path] = field(default_factory=list)  # every book that was read or written
    written: list[Path] = field(default_factory=list)
    pending: list[Path] = field(default_factory=list)  # books open on a desk: update waits beside them
    copies: list[Path] = field(default_factory=list)  # outgoing (masked) copies
    imported: list[str] = field(default_factory=list)  # refs given to walk-in rows
    edited: int = 0  # petitions whose clerk columns changed from the book
    fields_changed: int = 0
    skipped: list[Path] = field(default_factory=list)  # books that could not be read: left untouched
    issues: int = 0  # cells a clerk must correct (需处理)
    notes: int = 0  # automatic readings and text-safety notes
    deadline_status: Counter = field(default_factory=Counter)  # status -> rows, over the books written
    estimated: Counter = field(default_factory=Counter)  # estimate warning -> petitions it concerns


class _Memo:
    """Deadline cells computed once per petition and sync (the outgoing copy reuses them), counted."""

    def __init__(self, source: LedgerDeadlines, result: LedgerResult, keep: bool):
        self.source, self.result, self.keep = source, result, keep
        self.cache: dict[str, DeadlineCells] = {}

    def __call__(self, p: Petition) -> DeadlineCells:
        hit = self.cache.get(p.ref)
        if hit is None:
            hit = self.source(p)
            if self.keep:  # only when a copy is written: 100,000 entries are memory a rebuild can spare
                self.cache[p.ref] = hit
            self.result.deadline_status[hit.status] += 1
            for w in hit.estimates:
                self.result.estimated[w] += 1
        return hit


def book_folder(settings: LedgerSettings, workdir: Path) -> Path:
    return Workdir.of(workdir).ledger(settings.folder)


def sync_ledger(store: Store, settings: LedgerSettings, clock: Clock, run: Run, *, workdir: Path,
                office: str = "", deadlines: LedgerDeadlines | None = None,
                analysis: Analysis | None = None, accept_walkins: bool = False) -> LedgerResult:
    """``deadlines`` (from the shell: ``LedgerDeadlines(build_engine(...), today)``) fills the
    deadline columns and colours the rows; without it those columns stay empty.
    ``analysis`` (from the shell: ``flows.analysis.ledger_columns(store)``, ref -> {header: value})
    fills 分类建议, 初件/重件, 群体预警 and the rest; the ledger never imports the analysis package.
    The drop-down of 内容分类（确认） is ``settings.categories`` (the shell fills it from the taxonomy).

    Raises LedgerShapeChanged, before anything is written, when a book's header or key column
    cannot be trusted, or when a book would register more walk-ins than ``settings`` allow
    without ``accept_walkins`` (the clerk's confirmation)."""
    folder = book_folder(settings, workdir)
    folder.mkdir(parents=True, exist_ok=True)
    result = LedgerResult()
    # Keyed by the normalised ref: a book's 信访件编号 matches its petition however it is typed.
    petitions = {ref_key(p.ref): p for p in store.petitions()}
    states = state.load_states(store)

    books: dict[str, Book | None] = {}
    unreadable: set[str] = set()
    for path in _existing_books(folder, settings):
        try:
            books[path.name] = read_book(path)
        except (PermissionError, SystemError_) as exc:
            # Never overwrite a book that could not be read: the clerks' input in it would be lost.
            unreadable.add(path.name)
            result.skipped.append(path)
            run.warn(f"台账「{path.name}」无法读取，本次未同步也未覆盖：{exc}")
    # Every book's shape first: one whose header or key column cannot be trusted stops the whole
    # sync here, before the store or any file is touched.
    shape_notes: dict[str, list[Issue]] = {}
    for name, book in books.items():
        if book is not None:
            located = locate(book.table, name, petitions)
            book.table = located.table
            shape_notes[name] = located.notes
            for w in located.warnings:
                run.warn(w)
    placed: dict[str, str] = {}
    for name, book in books.items():
        if book is not None and book.table is not None:
            for ref in _refs(book.table):
                placed.setdefault(ref, name)
    new_refs: dict[str, list[str]] = {}
    for ref, p in petitions.items():  # store order: (assigned_on, ref)
        if ref in placed:
            continue
        name = states[ref][0] if ref in states else settings.book_name(_year(p, settings))
        new_refs.setdefault(name, []).append(ref)

    # Every plan before any is applied: a book that would register an unusual number of walk-ins
    # stops the sync before another book's edits or walk-ins reach the store.
    plans: dict[str, Plan] = {}
    for name in sorted(set(books) | set(new_refs)):
        if name in unreadable:
            continue
        book = books.get(name)
        table = book.table if book is not None else None
        base = {ref: s for ref, (b, s) in states.items() if b == name}
        plan = reconcile(table, petitions, new_refs.get(name, []), base, settings, clock.today(),
                         book_privacy=settings.personal_data)
        plan.issues[:0] = shape_notes.get(name, [])
        if not accept_walkins:
            _check_walkins(plan, store, name, settings)
        plans[name] = plan
    for name, plan in plans.items():
        _sync_book(folder / name, books.get(name), plan, petitions, states, store, settings, clock, run, office,
                   result, deadlines, analysis, workdir=workdir)
        books[name] = None  # free this year's grid before the next book is handled
    for warning, n in result.estimated.items():
        # One line per estimated year, with a count: 10,000 rows must not make 10,000 warnings.
        run.warn(f"台账：{n} 件信访件的期限按估算计算。{warning}。台账中这些日期标有“（估算）”，并在“期限提示”列说明")

    run.extra["ledger"] = {"imported": len(result.imported), "edited": result.edited, "issues": result.issues,
                           "pending": [p.name for p in result.pending],
                           "deadline_status": dict(result.deadline_status),
                           "estimated": sum(result.estimated.values())}
    logger.info("台账同步：{} 本，更新 {} 件（{} 项），来访登记 {} 件，待处理 {} 处", len(result.books), result.edited,
                result.fields_changed, len(result.imported), result.issues)
    return result


def _check_walkins(plan: Plan, store: Store, name: str, settings: LedgerSettings) -> None:
    """Stop before a sync registers far more walk-ins than clerks type between two syncs: rows
    without a ref are what a cleared, shifted or half-sorted 信访件编号 column looks like too."""
    fresh = [w for w in plan.walkins if not store.walkin_ref(w.fingerprint)]
    rows = sum(1 for s in plan.slots if s.row >= 0)
    if len(fresh) <= settings.walkin_confirm_rows or len(fresh) <= settings.walkin_confirm_share * rows:
        return
    lines = "、".join(str(w.slot.row + 2) for w in fresh[:8]) + ("……" if len(fresh) > 8 else "")
    raise LedgerShapeChanged(
        f"台账「{name}」中有 {len(fresh)} 行没有信访件编号（全表 {rows} 行），本次同步会把它们作为 {len(fresh)} 件新的来访件"
        f"登记并编号。一次登记这么多很少见，可能是编号被清空、粘贴错位，或排序时只排了部分列（第 {lines} 行）。"
        "本次同步已停止，台账和数据库都没有改动。",
        hint="如确实都是新的来访登记，请运行 petitionbot run ledger --accept-walkins 确认登记；"
             "如不是，请在 Excel 中撤销，或从“备份”文件夹取回最近的台账，保存并关闭后重新运行")


def _existing_books(folder: Path, settings: LedgerSettings) -> list[Path]:
    pattern = re.compile("^" + re.escape(settings.filename).replace(re.escape("{year}"), r"(\d{4})") + "$")
    return sorted(p for p in folder.iterdir() if p.is_file() and pattern.match(p.name))


def _year(p: Petition, settings: LedgerSettings) -> int:
    return (p.received_on if settings.year_by == "received_on" else p.assigned_on).year


def _refs(table: Table) -> list[str]:
    from flows.ledger.sync import _ref_of, header_index

    i = header_index(table).get("ref")
    return [] if i is None else [r for r in (_ref_of(row[i]) for row in table.rows) if r]


def _sync_book(path: Path, book: Book | None, plan: Plan, petitions: dict[str, Petition],
               states: dict[str, tuple[str, RowState]], store: Store, settings: LedgerSettings, clock: Clock,
               run: Run, office: str, result: LedgerResult, deadlines: LedgerDeadlines | None,
               analysis: Analysis | None = None, *, workdir: Path) -> None:
    name = path.name
    table = book.table if book is not None else None
    _apply(plan, petitions, store, run, name, clock, result)
    # Crash here: the clerks' edits are in the store, the book is the old one and the snapshot too;
    # the next run reads the same edits again, finds them equal to the store, and writes the book.
    failpoints.hit("ledger.after_apply")

    privacy: Privacy = settings.personal_data
    new_states: dict[str, RowState] = {}
    issues = list(plan.issues)  # text-safety notes are added while the rows are written, before 校验 is
    # After _apply: the clerks' 受理日期 / 延期至 / 办结日期 from this very book move the deadlines now.
    memo = _Memo(deadlines, result, keep=settings.outgoing_copy != "off") if deadlines is not None else None
    rows = _crash_point(iter_rows(plan, table, petitions, settings, privacy=privacy, states=new_states, notes=issues,
                                  deadlines=memo, analysis=analysis))
    year = _book_year(name, settings)
    spec = _spec(plan, table, rows, issues, book, [petitions[s.ref] for s in plan.slots if s.kind == "ref"],
                 settings, privacy, office, year, clock, deadlines)
    result.books.append(path)
    written = _write_safely(path, spec, settings, clock, run, result, workdir)
    if written:
        # Crash here: the new book is in place but the snapshot is the previous write's. The next
        # run compares the book (= store) with the store first, so nothing is taken as a clerk edit.
        failpoints.hit("ledger.before_snapshot")
        state.save_states(store, name, new_states, states)
    fix = [i for i in issues if i.level == LEVEL_FIX]
    result.issues += len(fix)
    result.notes += len(issues) - len(fix)
    for it in fix[:MAX_WARNINGS]:
        where = f"第 {it.row} 行" if it.row else ""
        run.warn(f"台账「{name}」{where}「{it.column}」{'（' + it.ref + '）' if it.ref else ''}：{it.problem}")
    if len(fix) > MAX_WARNINGS:
        run.warn(f"台账「{name}」另有 {len(fix) - MAX_WARNINGS} 处填写需要核对，详见「{SHEET_CHECKS}」表")
    if settings.outgoing_copy != "off":
        _write_copy(path, plan, table, petitions, settings, settings.outgoing_copy, office, year, clock, result,
                    memo, analysis, workdir=workdir)


def _crash_point(rows: Iterable[list[Any]]) -> Iterator[list[Any]]:
    # Crash here: the writer is half-way through the book, its side files and XlsxWriter's in the
    # private temp folder (swept by the next run); the old book is untouched, the edits are stored.
    failpoints.hit("ledger.while_writing")
    yield from rows


def _book_year(name: str, settings: LedgerSettings) -> int:
    m = re.match(re.escape(settings.filename).replace(re.escape("{year}"), r"(\d{4})"), name)
    return int(m.group(1)) if m else 0


def _apply(plan: Plan, petitions: dict[str, Petition], store: Store, run: Run, book: str, clock: Clock,
           result: LedgerResult) -> None:
    resolved: set[str] = set()
    for w in plan.walkins:
        known = store.walkin_ref(w.fingerprint)
        known = ref_key(known) if known else known
        if known and known in petitions:
            # Imported by an earlier run whose ref never reached the book (it was open then).
            w.slot.kind, w.slot.ref = "ref", known
            p = petitions[known]
            changes = [(k, clerk_value(p, k), v) for k, v in w.typed.items() if canonical(v) != canonical(clerk_value(p, k))]
            if changes:
                plan.changes.setdefault(known, []).extend(changes)
            resolved.add(known)
            continue
        draft = w.draft
        draft.ref = store.next_local_ref(draft.assigned_on.year)
        store.insert(draft, run_id=run.id, source="ledger", at=clock.now())
        store.remember_walkin(w.fingerprint, draft.ref, book, clock.now().isoformat(timespec="seconds"))
        petitions[ref_key(draft.ref)] = draft
        w.slot.kind, w.slot.ref = "ref", ref_key(draft.ref)
        result.imported.append(draft.ref)
        run.counts.new += 1
    if resolved:
        # The ref was also in no book (it never reached one), so reconcile appended it as a new row:
        # the walk-in row is that petition, so the appended one would show it twice (found by the
        # crash test: killed after the import, before the book was written; an open book does the same).
        plan.slots = [s for s in plan.slots if not (s.kind == "ref" and s.row == -1 and s.ref in resolved)]
        for ref in resolved:
            plan.first_values.pop(ref, None)
    # One transaction for all saves: a thousand clerk edits are one commit, not a thousand.
    with store.transaction():
        for ref, changes in plan.changes.items():
            p = petitions[ref]
            for key, _old, new in changes:
                _set(p, key, new)
            store.save(p, changes=changes, source="ledger", run_id=run.id, at=clock.now())
            result.edited += 1
            result.fields_changed += len(changes)
            run.counts.updated += 1
        for ref, first in plan.first_values.items():
            p = petitions[ref]
            changes = [(k, clerk_value(p, k), v) for k, v in first.items()]
            for key, value in first.items():
                _set(p, key, value)
            store.save(p, changes=changes, source="bot", run_id=run.id, at=clock.now())


def _set(p: Petition, key: str, value: Any) -> None:
    if key == "responsible_unit":
        p.responsible_unit = value or ""
    elif value in ("", None):
        p.clerk.pop(key, None)
    else:
        p.clerk[key] = value


# The input message a clerk sees on selecting a cell of the column (Excel caps it at 255 characters).
_NOTES = {"category_confirmed": "同意“分类建议”请选同一分类，不同意请改选；确认的分类用于下次训练分类模型，改选的分类会作为本办习惯记住",
          "repeat_confirmed": "“初件/重件”为疑似重件（或重件）时：核对“分析说明”后选“是重件”或“不是重件”；答复会被记住，下次分析生效"}


def _spec(plan: Plan, table: Table | None, rows: Iterable[list[Any]], issues: list[Issue], book: Book | None,
          items: list[Petition], settings: LedgerSettings, privacy: Privacy, office: str, year: int,
          clock: Clock, deadlines: LedgerDeadlines | None) -> BookSpec:
    cols = []
    for kind, key in plan.columns:
        if kind == "col":
            c = BY_KEY[key]
            cols.append(ColSpec(c.header, c.kind, c.width, c.owner, hidden=c.personal and privacy == "hide",
                                choices=(getattr(settings, c.choices) or None) if c.choices else None,
                note=_NOTES.get(c.key, "")))
        else:
            header = canonical(table.header[key]) if table is not None else ""
            cols.append(ColSpec(header, "extra", 14, "extra"))
    caption = f"{office}{year}年信访统计（{clock.now():%Y-%m-%d %H:%M} 更新，共 {len(items)} 件）"
    return BookSpec(
        title=settings.title.format(office=office, year=year), paper=settings.paper, columns=cols, rows=rows,
        row_count=len(plan.slots),
        issues=issues, stats=breakdowns(items, year, basis=settings.year_by), stats_caption=caption,
        extras=book.extras if book is not None else [], order=book.order if book is not None else [],
        fills=deadlines.fills if deadlines is not None else {}, author=office, created=clock.now(),
    )


def _write_safely(path: Path, spec: BookSpec, settings: LedgerSettings, clock: Clock, run: Run,
                  result: LedgerResult, workdir: Path) -> bool:
    pending = files.pending_path(path)
    if files.is_open(path):
        _write_pending(path, pending, spec, run, result, "正在被打开", workdir)
        return False
    files.sweep_temps(path)
    scratch = tempfiles.folder(workdir)
    tmp = files.temp_path(path, scratch)
    try:
        write_book(tmp, spec, tmpdir=scratch)
        # Crash here: the old book is untouched; the temp file is swept by the next run.
        failpoints.hit("ledger.before_replace")
        files.backup(path, clock.now(), settings.backups)
        files.replace(tmp, path)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        _write_pending(path, pending, spec, run, result, "无法覆盖（可能正被打开）", workdir)
        return False
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    if pending.exists():
        pending.unlink()
        run.warn(f"台账「{path.name}」已不再被占用，上次未能写入的更新已合并，待更新文件已删除")
    result.written.append(path)
    run.outputs.append(str(path))
    return True


def _write_pending(path: Path, pending: Path, spec: BookSpec, run: Run, result: LedgerResult, why: str,
                   workdir: Path) -> None:
    scratch = tempfiles.folder(workdir)
    tmp = files.temp_path(pending, scratch)
    write_book(tmp, spec, tmpdir=scratch)
    files.replace(tmp, pending)
    result.pending.append(pending)
    run.outputs.append(str(pending))
    run.warn(f"台账「{path.name}」{why}，本次更新已另存为「{pending.name}」。"
             f"您在台账中的填写不会丢失：请保存并关闭台账，下次运行时会自动读取并合并。")


def _write_copy(path: Path, plan: Plan, table: Table | None, petitions: dict[str, Petition],
                settings: LedgerSettings, privacy: Privacy, office: str, year: int, clock: Clock,
                result: LedgerResult, memo: _Memo | None, analysis: Analysis | None = None, *,
                workdir: Path) -> None:
    # Only what the system knows leaves the office: rows kept as typed (not yet understood) and
    # columns a clerk added may hold anything, so neither goes into the copy.
    slim = Plan(columns=[c for c in plan.columns if c[0] == "col"], slots=[s for s in plan.slots if s.kind == "ref"],
                changes={}, walkins=[], issues=[], first_values={})
    rows = iter_rows(slim, table, petitions, settings, privacy=privacy, states={}, notes=[], deadlines=memo,
                     analysis=analysis)
    items = [petitions[s.ref] for s in slim.slots]
    spec = _spec(slim, table, rows, [], None, items, settings, privacy, office, year, clock,
                 memo.source if memo is not None else None)
    copy = path.with_name(f"{path.stem}（外发）{path.suffix}")
    scratch = tempfiles.folder(workdir)
    tmp = files.temp_path(copy, scratch)
    write_book(tmp, spec, tmpdir=scratch)
    try:
        files.replace(tmp, copy)
    except PermissionError:
        tmp.unlink(missing_ok=True)
        return
    result.copies.append(copy)
