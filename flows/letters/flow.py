"""The letters flow: which letters are due, render them, file them, optionally as PDF.

Composes the plain parts (rules, context, files) with the .docx adapter. A broken template
stops only its own kind: the others are still drafted, and the run says which and why.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from loguru import logger

from flows.clock import Clock
from flows.errors import SystemError_
from flows.model import Petition
from flows.runs import Run
from flows.store import Store

from . import docx_adapter
from .context import Deadlines, UnitItem, fingerprint, petition_context, unit_context
from .engine import make_env
from .files import LetterBook, safe_name
from .kinds import KINDS, PETITION_KINDS, UNIT_KINDS
from .problems import Problem, TemplateProblem
from .rules import due_kinds
from .settings import LettersSettings


@dataclass(frozen=True)
class Drafted:
    kind: str
    path: Path
    version: int
    status: str  # new | version | unchanged
    ref: str | None = None
    pdf: Path | None = None
    notes: tuple[str, ...] = ()  # for the clerk: e.g. the previous version was edited by hand


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


def templates_dir(settings: Any) -> Path:
    base = settings.source.parent if getattr(settings, "source", None) else None
    return settings.letters.templates_path(base)


def _letters_dir(workdir: Path, year: int) -> Path:
    return workdir / "letters" / str(year)


def _draft_one(drafter: Drafter, book: LetterBook, kind: str, context: dict[str, Any], *, scope: str,
               ref: str | None, folder: Path, stem: str, clock: Clock, run_id: str | None) -> Drafted:
    tpl = drafter.template(kind)
    data_hash = fingerprint({k: context[k] for k in sorted(tpl.variables) if k in context})
    same = book.unchanged(scope, kind, data_hash)
    if same:  # the common case on a daily run: no rendering at all
        return Drafted(kind, book.workdir / same["path"], same["version"], "unchanged", ref)
    placed = book.place(scope=scope, ref=ref, kind=kind, folder=folder, stem=stem, data=tpl.render(context),
                        data_hash=data_hash, now=clock.now(), run_id=run_id)
    return Drafted(kind, placed.path, placed.version, placed.status, ref, notes=placed.notes)


def draft_letters(store: Store, settings: Any, clock: Clock, run: Run, *, pdf: bool = False,
                  deadlines: Deadlines | None = None) -> list[Drafted]:
    """Draft every letter the rules call for. ``settings`` is the app's Settings.

    ``deadlines`` (optional) gives {"受理期限": date, "办结期限": date} per petition, e.g. from
    the deadlines engine; without it 受理期限 is blank and 办结期限 is the upstream 限办日期.
    """
    ls: LettersSettings = settings.letters
    drafter = Drafter(ls, templates_dir(settings))
    book = LetterBook(store, settings.workdir)
    today = clock.today()
    out: list[Drafted] = []
    broken: set[str] = set()
    for p in store.petitions(include_withdrawn=False):
        kinds = due_kinds(p, ls)
        if not kinds:
            continue
        run.counts.listed += 1
        dl = deadlines(p) if deadlines else None
        for kind in kinds:
            try:
                ctx = petition_context(p, PETITION_KINDS.get(kind, "petitioner"), ls, office=settings.office,
                                       today=today, deadlines=dl)
                d = _draft_one(drafter, book, kind, ctx, scope=p.ref, ref=p.ref,
                               folder=_letters_dir(book.workdir, p.assigned_on.year) / safe_name(p.ref),
                               stem=kind, clock=clock, run_id=run.id)
            except TemplateProblem as exc:
                if kind not in broken:
                    broken.add(kind)
                    run.warn(f"模板有误，本次未起草{kind}：{exc}")
                    logger.error("模板有误，未起草{}：{}", kind, exc)
                run.fail_item(p.ref, f"{kind}未起草：模板有误，见运行警告")
                continue
            except OSError as exc:
                run.fail_item(p.ref, f"{kind}无法写入：{exc.strerror or exc}")
                continue
            _account(run, d)
            out.append(d)
    if pdf:
        out = _pdfs(out, run)
    run.extra["letters"] = _tally(out)
    logger.info("文书：新起草 {new} 份，新版本 {version} 份，无变化 {unchanged} 份", **run.extra["letters"])
    return out


def draft_unit_letter(kind: str, unit: str, items: Sequence[UnitItem], *, store: Store, settings: Any,
                      clock: Clock, run: Run | None = None, reply_by: date | None = None,
                      requirement: str = "", pdf: bool = False) -> Drafted:
    """A 催办单 or 督办单 to ``unit`` listing ``items``; one per unit, kind and day.

    Drafting again the same day with the same items returns the existing letter; changed
    items give a new version beside it. Raises TemplateProblem (a BusinessError) when the
    template is broken, with the same message ``templates check`` gives.
    """
    if kind not in UNIT_KINDS:
        raise ValueError(f"not a unit letter: {kind}")
    ls: LettersSettings = settings.letters
    drafter = Drafter(ls, templates_dir(settings))
    book = LetterBook(store, settings.workdir)
    today = clock.today()
    ctx = unit_context(unit, items, ls, office=settings.office, today=today, reply_by=reply_by,
                       requirement=requirement)
    name = ctx["责任单位"]
    d = _draft_one(drafter, book, kind, ctx, scope=f"unit:{name}:{today.isoformat()}", ref=None,
                   folder=_letters_dir(book.workdir, today.year) / "单位" / safe_name(name),
                   stem=f"{kind}-{today:%Y%m%d}", clock=clock, run_id=run.id if run else None)
    if run is not None:
        _account(run, d)
    if pdf:
        d = _pdfs([d], run)[0]
    return d


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
    missing = [p.name for p in fresh if p not in done]
    if missing and run is not None:
        run.warn("以下文书未能转成 PDF：" + "、".join(missing))
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


def check_templates(settings: Any, paths: Sequence[Path] = ()) -> dict[str, list[Problem]]:
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
    return {"letters": LetterBook(store, Path(".")).of_petition(petition.ref)}
