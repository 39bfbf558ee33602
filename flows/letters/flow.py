"""The letters flow: which letters are due, check them, render them, file them, optionally as PDF.

Composes the plain parts (rules, context, checks, dates, files) with the .docx adapter. A letter
is issued whole or not at all: one with a required value missing, an accusation routed to the
unit it accuses, or a hole left in the rendered text is not written; it is listed as pending
(run report, summary.json, and the ledger's 期限提示 through ``ledger_notes``) with what to fill.
A broken template stops only its own kind: the others are still drafted, and the run says why.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import BusinessError, ConfigError, SystemError_
from core.model import Petition
from core.ports import Clock, Store
from core.workdir import safe_name
from flows.runs import Run

from . import docx_adapter, legal
from .checks import accused_unit, blanks
from .context import PARAGRAPH, UnitItem, fingerprint, petition_context, unit_context, zh_date
from .dates import LetterDates, letter_dates
from .engine import make_env
from .files import LetterBook
from .kinds import KINDS, PETITION_KINDS, UNIT_KINDS, describe_missing, missing
from .problems import Problem, TemplateProblem
from .rules import due_kinds
from .settings import LetterSetup, LettersSettings

PENDING_SHOWN = 20  # pending letters listed one by one in the run's warnings; the rest are counted


@dataclass(frozen=True)
class Drafted:
    kind: str
    path: Path
    version: int
    status: str  # new | version | unchanged
    ref: str | None = None
    pdf: Path | None = None
    notes: tuple[str, ...] = ()  # for the clerk: e.g. the previous version was edited by hand


@dataclass(frozen=True)
class Pending:
    """A letter the rules call for that was not issued, and what the clerk must do about it."""

    ref: str | None
    kind: str
    reason: str  # 待补全：缺少…… / 暂停：……

    @property
    def line(self) -> str:
        return f"{self.ref + '：' if self.ref else ''}{self.kind}{self.reason}"


class LetterIncomplete(BusinessError):
    """A letter that cannot be issued whole (raised by ``draft_unit_letter``)."""

    def __init__(self, pending: Pending):
        self.pending = pending
        super().__init__(pending.line)


class Drafter:
    """Templates compiled once per run; a broken one is remembered, not retried per letter."""

    def __init__(self, settings: LettersSettings, templates_dir: Path):
        self.settings = settings
        self.dir = templates_dir
        self.env = make_env(settings.missing)
        self._cache: dict[str, docx_adapter.CompiledLetter | TemplateProblem] = {}

    def template(self, kind: str) -> docx_adapter.CompiledLetter:
        hit = self._cache.get(kind)
        if hit is None:
            path = self.dir / f"{kind}.docx"
            try:
                if not path.exists():
                    raise TemplateProblem([Problem(path.name, f"找不到模板文件（应在 {self.dir}）")])
                hit = docx_adapter.compile_letter(path, kind, self.env)
            except TemplateProblem as exc:
                hit = exc
            self._cache[kind] = hit
        if isinstance(hit, TemplateProblem):
            raise hit
        return hit


def templates_dir(settings: LetterSetup) -> Path:
    return settings.letters.templates_path(settings.base)


# -- what the office's rules and tables say, loaded once per run -------------------------------
class Rules:
    """The deadline engine, the legal-basis table and the statute a run's letters cite.

    Either may fail to load (a broken office file): the letters that need it are then pending,
    the others are drafted, and ``problems`` says why in Chinese."""

    def __init__(self, settings: LetterSetup, engine: Any = None):
        self.settings = settings
        self.letters: LettersSettings = settings.letters
        self.problems: list[str] = []
        self.engine = engine if engine is not None else self._engine(settings)
        try:
            self.legal: legal.LegalTable | None = legal.load(self.letters.legal_path(settings.base))
        except ConfigError as exc:
            self.legal = None
            self.problems.append(f"法律依据表无法读取，不予受理/不再受理/延期告知书暂不起草：{exc}")
        self.statute = self._statute(settings)
        self.citation_warnings: list[str] = []

    def _engine(self, settings: LetterSetup) -> Any:
        from flows.deadlines import build_engine

        try:
            return build_engine(settings.deadlines)
        except ConfigError as exc:
            self.problems.append(f"期限规则无法载入，需要期限的文书暂不起草：{exc}")
            return None

    def _statute(self, settings: LetterSetup) -> str:
        if self.letters.legal_statute:
            return self.letters.legal_statute
        profile = settings.deadlines.profile if settings.deadlines is not None else ""
        if self.legal is not None and profile in self.legal.statutes:
            return profile
        if self.legal is not None and profile:
            self.problems.append(f"期限规则“{profile}”在法律依据表中没有对应法规，告知书按《信访工作条例》引用"
                                 "（可在配置 [letters] legal_statute 中指定）")
        return legal.FALLBACK

    def dates(self, p: Petition) -> LetterDates | None:
        return letter_dates(p, self.engine) if self.engine is not None else None

    def evaluate(self, p: Petition, kind: str, today: date, dates: LetterDates | None
                 ) -> tuple[dict[str, Any], Pending | None]:
        """The context of ``kind`` for ``p``, and why it cannot be issued (None: it can)."""
        ctx = petition_context(p, PETITION_KINDS.get(kind, "petitioner"), self.letters,
                               office=self.settings.office, today=today, dates=dates, legal=self.legal,
                               statute=self.statute)
        if kind in HANDOVER_KINDS:
            why = accused_unit(p, p.responsible_unit, str((p.clerk or {}).get("responsible_person") or ""))
            if why:
                return ctx, Pending(p.ref, kind, f"暂停：{why}，依规不得将检举控告材料转给被检举的单位或个人；"
                                                   "请在台账“责任单位”改派（如纪检监察部门）后再起草")
        names = missing(kind, ctx)
        if names:
            return ctx, Pending(p.ref, kind, describe_missing(names) + self._why(p, kind, names))
        if kind == "延期办理告知书" and dates and dates.extension_limit and dates.handling_due \
                and dates.handling_due > dates.extension_limit:
            return ctx, Pending(p.ref, kind, f"待补全：“延期至”{ctx['延期至']}超过法定延期上限"
                                             f"（最迟{zh_date(dates.extension_limit)}），请核对台账“延期至”列")
        return ctx, None

    def _why(self, p: Petition, kind: str, names: list[str]) -> str:
        """A sentence more where the cause is not simply an empty cell."""
        chosen = str((p.clerk or {}).get("legal_basis") or "").strip()
        if "法律依据" in names and chosen and self.legal is not None:
            reason = self.legal.reasons.get(chosen)
            if reason is None:
                return f"；所选“{chosen}”不在法律依据表中"
            if reason.decision not in kind:
                return f"；所选“{chosen}”是{reason.decision}的理由，与受理情况不符"
            return f"；“{chosen}”在法律依据表中还没有核实的条款号，请先在 {self.legal.path.name} 中填写"
        if "延期依据" in names and self.legal is not None:
            return f"；法律依据表 {self.legal.path.name} 的 [extension] 没有条款号"
        return ""

    def cite_warnings(self, p: Petition, kind: str) -> list[str]:
        """Run warnings for a citation a letter printed whose article is not checked yet."""
        if self.legal is None:
            return []
        if kind == "延期办理告知书":
            cite = self.legal.cite(self.legal.extension, self.statute, "延期")
        elif kind in ("不予受理告知书", "不再受理告知书"):
            reason = self.legal.reasons.get(str((p.clerk or {}).get("legal_basis") or "").strip())
            cite = self.legal.cite(reason.by_statute, self.statute, reason.label) if reason else None
        else:
            return []
        return list(cite.warnings) if cite else []


def _draft_one(drafter: Drafter, book: LetterBook, kind: str, context: dict[str, Any], *, scope: str,
               ref: str | None, folder: Path, stem: str, clock: Clock, run_id: str | None) -> Drafted:
    tpl = drafter.template(kind)
    data_hash = fingerprint({k: context[k] for k in sorted(tpl.variables) if k in context})
    same = book.unchanged(scope, kind, data_hash)
    if same:  # the common case on a daily run: no rendering at all
        return Drafted(kind, book.workdir.resolve(same["path"]), same["version"], "unchanged", ref)
    data, texts = tpl.render_with_text(context)
    holes = blanks(texts, _values(context))
    if holes:
        raise LetterIncomplete(Pending(ref, kind, "待补全：文书中有空白（" + "；".join(holes[:3]) +
                                       "），请补全数据或修改模板后再起草"))
    placed = book.place(scope=scope, ref=ref, kind=kind, folder=folder, stem=stem, data=data,
                        data_hash=data_hash, now=clock.now(), run_id=run_id)
    return Drafted(kind, placed.path, placed.version, placed.status, ref, notes=placed.notes)


def _values(context: dict[str, Any]) -> list[str]:
    """Every text the letter was filled with, a piece per paragraph or line it becomes."""
    out: list[str] = []
    for v in context.values():
        texts = [v] if isinstance(v, str) else \
            [x for row in v if isinstance(row, dict) for x in row.values() if isinstance(x, str)] if isinstance(v, list) else []
        for t in texts:
            out += [piece for part in t.split(PARAGRAPH) for piece in part.split("\n")]
    return out


def draft_letters(store: Store, settings: LetterSetup, clock: Clock, run: Run, *, pdf: bool = False,
                  engine: Any = None) -> list[Drafted]:
    """Draft every letter the rules call for. ``engine`` is a flows.deadlines Engine (built from
    ``settings.deadlines`` when not given)."""
    ls: LettersSettings = settings.letters
    rules = Rules(settings, engine)
    for text in rules.problems:
        run.warn(text)
    drafter = Drafter(ls, templates_dir(settings))
    book = LetterBook(store, settings.workdir)
    today = clock.today()
    out: list[Drafted] = []
    pending: list[Pending] = []
    dated: list[dict[str, str]] = []
    broken: set[str] = set()
    for p in store.petitions(include_withdrawn=False):
        kinds = due_kinds(p, ls)
        if not kinds:
            continue
        run.counts.listed += 1
        dates = rules.dates(p)
        for kind in kinds:
            if _frozen(book, p, kind):
                continue
            ctx, stop = rules.evaluate(p, kind, today, dates)
            if stop is not None:
                pending.append(stop)
                continue
            try:
                d = _draft_one(drafter, book, kind, ctx, scope=p.ref, ref=p.ref,
                               folder=book.workdir.letters_of(p.ref, p.assigned_on.year),
                               stem=kind, clock=clock, run_id=run.id)
            except LetterIncomplete as exc:
                pending.append(exc.pending)
                continue
            except TemplateProblem as exc:
                if kind not in broken:
                    broken.add(kind)
                    run.warn(f"模板有误，本次未起草{kind}：{exc}")
                    logger.error("模板有误，未起草{}：{}", kind, exc)
                run.fail_item(p.ref, f"{kind}未起草：模板有误，见运行警告")
                continue
            except OSError as exc:
                run.fail_item(p.ref, f"{kind}未起草：无法写入（{exc.strerror or exc}）")
                continue
            _account(run, d)
            out.append(d)
            if d.status != "unchanged":
                dated += _date_notes(p, kind, dates, today)
                for w in rules.cite_warnings(p, kind):
                    run.warn(w)
    if pdf:
        out = _pdfs(out, run)
    _report(run, out, pending, dated)
    return out


HANDOVER_KINDS = ("交办单", "工单交办单")


def _frozen(book: LetterBook, p: Petition, kind: str) -> bool:
    """A 交办单 already sent is not re-issued once the office has decided or closed the petition:
    a new version would only restate what the unit has. (One never sent is still drafted.)"""
    if kind not in HANDOVER_KINDS:
        return False
    clerk = p.clerk or {}
    return bool((clerk.get("decision") or clerk.get("closed_on")) and book.versions(p.ref, kind))


def _date_notes(p: Petition, kind: str, dates: LetterDates | None, today: date) -> list[dict[str, str]]:
    """What the clerk should know about the dates a new letter states."""
    if dates is None:
        return []
    notes = []
    shown = {"交办单": ("受理期限", "办结期限"), "工单交办单": ("办结期限",), "受理告知书": ("办结期限",),
             "延期办理告知书": ("办结期限",)}
    passed = [f"{what}{zh_date(day)}已过{(today - day).days}天" for what, day in dates.passed(today).items()
              if what in shown.get(kind, ())]
    if passed:
        notes.append(f"成文日{zh_date(today)}时{'、'.join(passed)}，文书已写明已届满")
    if kind in ("交办单", "受理告知书"):
        notes += dates.notes
    return [{"ref": p.ref, "kind": kind, "note": n} for n in notes]


def _report(run: Run, out: list[Drafted], pending: list[Pending], dated: list[dict[str, str]]) -> None:
    tally = _tally(out)
    tally["blocked"] = sum(1 for x in pending if x.reason.startswith("暂停"))
    tally["past_deadline"] = sum(1 for x in dated if "已届满" in x["note"])
    tally["upstream_differs"] = sum(1 for x in dated if x["note"].startswith("上游限办日期"))
    run.extra["letters"] = {**tally, "pending": [{"ref": x.ref, "kind": x.kind, "reason": x.reason} for x in pending],
                            "pending_count": len(pending), "deadline_notes": dated}
    for x in pending[:PENDING_SHOWN]:
        run.warn(x.line)
    if len(pending) > PENDING_SHOWN:
        run.warn(f"另有 {len(pending) - PENDING_SHOWN} 份文书未起草（待补全），见 summary.json 的 letters.pending 或台账“期限提示”")
    if tally["past_deadline"]:
        run.warn(f"{tally['past_deadline']} 份新起草的文书中，期限在成文日已过（见 summary.json 的 letters.deadline_notes）")
    logger.info("文书：新起草 {} 份，新版本 {} 份，无变化 {} 份，待补全未起草 {} 份", tally["new"], tally["version"],
                tally["unchanged"], len(pending))


def ledger_notes(settings: LetterSetup, *, today: date, engine: Any = None, store: Store | None = None
                 ) -> Callable[[Petition], list[str]]:
    """``petition -> ["不予受理告知书待补全：缺少……"]`` for the ledger's 期限提示: the letters the
    rules call for today that cannot be issued, computed from the very data the clerk just saved.
    Letters already issued are whole, so they never show here; ``store`` (the letters' record)
    lets a 交办单 already sent and no longer re-issued stay out of it too."""
    rules = Rules(settings, engine)
    book = LetterBook(store, settings.workdir) if store is not None else None

    def notes(p: Petition) -> list[str]:
        if _settled(p, today):
            return []
        kinds = due_kinds(p, settings.letters)
        if not kinds:
            return []
        dates = rules.dates(p)
        out = []
        for kind in kinds:
            if book is not None and _frozen(book, p, kind):
                continue
            _ctx, stop = rules.evaluate(p, kind, today, dates)
            if stop is not None:
                out.append(f"{stop.kind}{stop.reason}")
        return out

    return notes


SETTLED_AFTER = timedelta(days=30)


def _settled(p: Petition, today: date) -> bool:
    """Closed upstream, or closed by the clerk more than a month ago: the bulk of a large book,
    whose letters are long issued. The ledger sync asks about every row, so these are skipped
    there (the letters run still reports them)."""
    if p.closed:  # the source site's vocabulary, decided at intake
        return True
    closed = (p.clerk or {}).get("closed_on")
    try:
        return bool(closed) and date.fromisoformat(str(closed)[:10]) < today - SETTLED_AFTER
    except ValueError:
        return False


def draft_unit_letter(kind: str, unit: str, items: Sequence[UnitItem], *, store: Store, settings: LetterSetup,
                      clock: Clock, run: Run | None = None, reply_by: date | None = None,
                      requirement: str = "", pdf: bool = False, engine: Any = None) -> Drafted | None:
    """A 催办单 or 督办单 to ``unit`` listing ``items`` (one row per petition); one per unit, kind
    and day. None when nothing is left to list: an accusation is never listed on a letter to the
    unit it accuses (the run says so, by reference only).

    Drafting again the same day with the same items returns the existing letter; changed
    items give a new version beside it. Raises TemplateProblem when the template is broken and
    LetterIncomplete when a required value is empty (both BusinessErrors, in Chinese)."""
    if kind not in UNIT_KINDS:
        raise ValueError(f"not a unit letter: {kind}")
    ls: LettersSettings = settings.letters
    rules = Rules(settings, engine)
    today = clock.today()
    routed = []
    for it in items:
        why = accused_unit(it.petition, unit)
        if why:
            if run is not None:
                run.warn(f"{it.petition.ref}：{why}，未列入发给该单位的{kind}；请在台账改派责任单位")
            continue
        routed.append(it)
    if not routed:
        return None
    calendar = rules.engine.calendar if rules.engine is not None else None
    due = reply_by or today + timedelta(days=ls.reply_days)
    # A date a unit must meet is a working day.
    due = calendar.next_workday(due) if calendar is not None else due
    # A placeholder such as "（未指定责任单位）" is no addressee: the letter waits for a real unit.
    addressee = "" if unit.strip().startswith(("（", "(")) else unit
    ctx = unit_context(addressee, routed, ls, office=settings.office, today=today, reply_by=due,
                       requirement=requirement)
    names = missing(kind, ctx)
    if names:
        raise LetterIncomplete(Pending(None, kind, describe_missing(names)))
    drafter = Drafter(ls, templates_dir(settings))
    book = LetterBook(store, settings.workdir)
    name = ctx["责任单位"]
    d = _draft_one(drafter, book, kind, ctx, scope=f"unit:{name}:{today.isoformat()}", ref=None,
                   folder=book.workdir.unit_letters(name, today),
                   # named by unit: the file is mailed as an attachment, one of several to a supervisor
                   stem=f"{kind}-{safe_name(name)}", clock=clock, run_id=run.id if run else None)
    if run is not None:
        _account(run, d)
    if pdf:
        d = _pdfs([d], run)[0]
    return d


def supervision_drafter(store: Store, settings: LetterSetup, clock: Clock, run: Run | None, engine: Any = None
                        ) -> Callable[[str, list[Any]], Path | None]:
    """The reminders flow's ``draft_supervision(unit, items)``: its items (one per overdue step,
    with ``ref``, ``due``, ``days_overdue``, ``step_label``, ``status``) as one 督办单 per unit,
    one row per petition. Returns the letter's path, or None when nothing could be listed."""

    def draft(unit: str, items: list[Any]) -> Path | None:
        rows = []
        for item in items:
            petition = store.get(item.ref)
            if petition is not None:
                rows.append(UnitItem(petition, item.due, item.days_overdue, step=item.step_label,
                                     due_soon=item.status == "due_soon"))
        if not rows:
            return None
        drafted = draft_unit_letter("督办单", unit, rows, store=store, settings=settings, clock=clock, run=run,
                                    engine=engine)
        return drafted.path if drafted is not None else None

    return draft


def _account(run: Run, d: Drafted) -> None:
    if d.status == "new":
        run.counts.new += 1
    elif d.status == "version":
        run.counts.updated += 1
    else:
        run.counts.unchanged += 1
    if d.status != "unchanged":
        run.outputs.append(str(d.path))
    for note in d.notes:
        run.warn(f"{d.ref or d.kind}：{note}")


def _pdfs(items: list[Drafted], run: Run | None) -> list[Drafted]:
    from .pdf import to_pdf_many

    fresh = [d.path for d in items if d.status != "unchanged" or not d.path.with_suffix(".pdf").exists()]
    try:
        done = to_pdf_many(fresh)
    except SystemError_ as exc:
        if run is None:
            raise
        run.warn(f"PDF 未生成：{exc}")
        return items
    missing_pdf = [p.name for p in fresh if p not in done]
    if missing_pdf and run is not None:
        run.warn("以下文书未能转成 PDF：" + "、".join(missing_pdf))
    out = []
    for d in items:
        pdf = done.get(d.path) or (d.path.with_suffix(".pdf") if d.path.with_suffix(".pdf").exists() else None)
        out.append(Drafted(d.kind, d.path, d.version, d.status, d.ref, pdf, d.notes))
    return out


def _tally(items: list[Drafted]) -> dict[str, int]:
    t = {"new": 0, "version": 0, "unchanged": 0, "pdf": 0}
    for d in items:
        t[d.status] += 1
        t["pdf"] += d.pdf is not None and d.status != "unchanged"
    return t


def check_templates(settings: LetterSetup, paths: Sequence[Path] = ()) -> dict[str, list[Problem]]:
    """``templates check``: problems per template file name (an empty list means fine)."""
    folder = templates_dir(settings)
    env = make_env(settings.letters.missing)
    targets = list(paths) or [folder / f"{k}.docx" for k in KINDS]
    report: dict[str, list[Problem]] = {}
    for path in targets:
        kind = path.stem.split(".")[0]
        if kind not in KINDS:
            report[path.name] = [Problem(path.name, "文件名不是已知的文书种类：" + "、".join(KINDS))]
        elif not path.exists():
            report[path.name] = [Problem(path.name, f"找不到模板文件（应在 {path.parent}）")]
        else:
            report[path.name] = docx_adapter.check_template(path, kind, env)
    return report


def export_fields(petition: Petition, store: Store) -> dict[str, Any]:
    """``petitionbot export`` contributor: the letters drafted for this petition."""
    return {"letters": store.letters_of(petition.ref)}


__all__ = ["Drafted", "LetterIncomplete", "Pending", "UnitItem", "check_templates", "draft_letters",
           "draft_unit_letter", "export_fields", "ledger_notes", "supervision_drafter"]
