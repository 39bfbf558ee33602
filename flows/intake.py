"""Intake: robot -> store. Idempotent, one transaction per petition.

    list every assigned item  ->  diff with the store  ->  fetch new and changed details
    concurrently (the robot bounds it)  ->  validate  ->  write attachments  ->  store

A crash at any point loses nothing: a petition is in the store only once its transaction
commits, attachment files are written atomically before it, and the next run fetches
whatever is not stored yet. Nothing a clerk entered (``Petition.clerk``, the responsible
unit) is touched by intake: upstream changes update upstream fields and are recorded as
history.
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from loguru import logger

from core.errors import AttachmentRejected, BusinessError, NotOurs, StoreError, SystemError_, Withdrawn
from core.model import Attachment, Petition, to_jsonable
from core.ports import FetchFailure, Listing, Robot, Scraped, Site, Store
from core.privacy import redactor
from core.refs import folder_name, ref_key, store_ref, upstream_ref
from flows import attachments as files
from flows import failpoints, tempfiles
from flows.parse import clean_text, parse_scraped, parse_when, ref_noun
from flows.runs import Run

# Upstream fields whose change is worth a line in the history (the rest are compared too).
WATCHED = ("due_on", "status", "assigned_to", "title", "content", "demand", "category", "locality")


@dataclass
class IntakeOptions:
    attachments_dir: Path
    sign: bool = False
    # The upstream entry's name (config ``[[upstream]] name``), recorded as Petition.source; a
    # ref is unique per source. "" : the robot's site name (one entry per site).
    source: str = ""


def run_intake(robot: Robot, store: Store, run: Run, options: IntakeOptions) -> None:
    # Phase durations go into summary.json: an operator sees where a slow night went.
    timings = run.extra.setdefault("seconds", {})
    started = time.perf_counter()
    robot.login()
    timings["login"] = round(time.perf_counter() - started, 3)
    site = robot.site
    source = options.source or site.name
    # Refs are compared by their normalised key (core/refs.py): the store never holds two
    # petitions of one source whose refs differ only in case, bracket width or spaces. Another
    # source's petition may hold the same ref: ours is then stored as ``ref@source``.
    everything = list(store.petitions())
    stored = {ref_key(upstream_ref(p.ref, source)): p for p in everything if p.source == source}
    taken = {ref_key(p.ref) for p in everything if p.source != source}
    listings = _dedupe(robot.list_assigned(), run, store, stored, site, source)
    timings["list"] = round(time.perf_counter() - started - timings["login"], 3)
    run.counts.listed = len(listings)
    listed = {ref_key(item.ref): item for item in listings}

    new = [key for key in listed if key not in stored]
    changed = [key for key, item in listed.items() if key in stored and _needs_detail(item, stored[key], site)]
    gone = [key for key, p in stored.items() if key not in listed and p.upstream_state == "active"]
    back = [key for key, p in stored.items() if key in listed and p.upstream_state != "active"]
    status_only = [key for key in listed if key in stored and key not in changed and key not in back
                   and listed[key].status and listed[key].status != stored[key].status]
    for key in status_only:
        _update_status(store, stored[key], listed[key].status, site, run)
    run.counts.updated += len(status_only)
    run.counts.unchanged = len(listed) - len(new) - len(changed) - len(back) - len(status_only)
    logger.info("{}共 {} 件：新件 {}，可能有变化 {}，已不在列表 {}", site.label, len(listed), len(new),
                len(changed) + len(back), len(gone))

    # The robot is asked for each item by the upstream's own text of its ref.
    to_fetch = [listed[key].ref for key in new + changed + back] + [upstream_ref(stored[key].ref, source) for key in gone]
    gone_set = set(gone)
    scratch = tempfiles.folder(options.attachments_dir.parent)
    tried_sign: set[str] = set()
    for result in _watched(robot.fetch(to_fetch), run, len(to_fetch)):
        key = ref_key(result.ref)
        if isinstance(result, FetchFailure):
            if key in gone_set and isinstance(result.error, NotOurs):
                _mark_gone(store, stored[key], result.error, run)
            else:
                _quarantine(store, result.ref, result.error, None, run)
            continue
        try:
            petition = parse_scraped(result, site)
        except BusinessError as exc:
            _quarantine(store, result.ref, exc, _raw(result), run)
            continue
        petition.source = source
        old = stored.get(key)
        if old is None and key in taken:
            petition.ref = store_ref(petition.ref, source)  # another source holds this ref already
        redactor.add_names(*(p.name for p in petition.petitioners))
        petition.attachments = _save_attachments(result, petition.ref, options.attachments_dir, scratch, run)
        failpoints.hit("intake.before_store")
        if old is None:
            _insert(store, petition, run)  # also closes the ref's quarantine, atomically
        else:
            _update(store, old, petition, run)
            store.resolve_quarantine(old.ref)
        failpoints.hit("intake.after_store")
        missing = [a for a in petition.attachments if a.missing]
        if missing:
            _attachments_missing(run, petition.ref, missing)
        item = listed.get(key)
        if options.sign and item is not None and item.status in site.to_sign and not run.stopping:
            # Signed as soon as it is stored: a later item's failure must not hold back this one.
            tried_sign.add(key)
            _sign(robot, store, item.ref, old.ref if old is not None else petition.ref, run)

    timings["after_login"] = round(time.perf_counter() - started - timings["login"], 3)
    if options.sign and not run.stopping:
        # Never sign for an item we could not register.
        registered = {ref_key(upstream_ref(p.ref, source)): p.ref for p in store.petitions() if p.source == source}
        for key, item in listed.items():
            if item.status in site.to_sign and key in registered and key not in tried_sign:
                _sign(robot, store, item.ref, registered[key], run)
        if run.counts.signed:
            # Signing changed the upstream status: take it now, so the next run sees no change.
            for item in robot.list_assigned():
                ref = registered.get(ref_key(item.ref))
                p = store.get(ref) if ref is not None else None
                if p is not None and item.status and item.status != p.status:
                    _update_status(store, p, item.status, site, run)


def _sign(robot: Robot, store: Store, upstream_ref: str, stored_ref: str, run: Run) -> None:
    """签收 one stored item (asked by the upstream's text of its ref, recorded on the stored
    petition); a refusal is this item's problem (a warning), not the run's."""
    run.check_fence()  # an upstream action: never by a run whose lock was taken over
    try:
        signed = robot.sign(upstream_ref)
    except BusinessError as exc:
        run.warn(f"{upstream_ref} 未能签收：{exc.message}")
        return
    if signed:
        run.counts.signed += 1
        _record_signed(store, stored_ref, run)


def _attachments_missing(run: Run, ref: str, missing: list[Attachment]) -> None:
    """The petition is stored; a file that keeps failing makes the run "完成但有个别失败" (exit 3)
    until a later run gets it (intake asks for the petition again while a file is missing)."""
    names = "、".join(f"“{a.name}”" for a in missing)
    run.counts.failed += 1
    run.failures.append({"ref": ref, "reason": f"已登记，附件 {names} 未能下载（{missing[0].missing}），下次运行时重试",
                         "stored": True})


def _watched(items: Iterable[Any], run: Run, total: int) -> Iterator[Any]:
    """Yield each fetched item; after the caller has stored it, report progress and honour a
    stop request (SIGTERM / Ctrl-C in ``serve``): the current petition is always finished."""
    progress = run.progress
    if progress is not None:
        progress.start(total, "取件")
    try:
        for item in items:
            yield item
            if progress is not None:
                progress.advance()
            if run.stopping:
                run.warn("收到停止请求：当前这一件已处理完，其余的下次运行时继续")
                return
    finally:
        if progress is not None:
            progress.close()
        close = getattr(items, "close", None)
        if close is not None:
            close()


def _dedupe(listings: list[Listing], run: Run, store: Store, stored: dict[str, Petition], site: Site,
            source: str) -> list[Listing]:
    noun = ref_noun(site)
    seen: dict[str, Listing] = {}
    for item in listings:
        key = ref_key(item.ref)
        first = seen.get(key)
        if first is None:
            seen[key] = item
            continue
        if first.ref == item.ref:
            if first != item:
                run.warn(f"{site.label}列表中{noun} {item.ref} 出现两次且内容不同，已按第一次出现的处理")
            continue
        # Two spellings of one key (XF(2026)77 and XF（2026）77, xf… and XF…): one petition to us.
        # The one already stored keeps its place; the other waits in quarantine for a person.
        kept = stored[key].ref if key in stored else None
        keep, other = (item, first) if kept is not None and upstream_ref(kept, source) == item.ref else (first, item)
        seen[key] = keep
        _quarantine(store, other.ref, BusinessError(
            f"编号「{other.ref}」与「{keep.ref}」只差全角/半角括号、大小写或空格，系统视为同一编号，已按「{keep.ref}」"
            f"登记；如确是两件不同的{noun[:-2]}，请联系{site.label}更正编号", ref=other.ref), to_jsonable(other), run)
    return list(seen.values())


def _needs_detail(item: Listing, stored: Petition, site: Site) -> bool:
    """Cheap change detection from the list row alone, so a rerun with nothing new stays fast.
    A new status alone is taken from the list; a moved due date may come with other changes."""
    try:
        due, due_time = parse_when(item.due_on, "due_on", item.ref, required=False, formats=site.date_formats)
    except BusinessError:
        return True
    moved = due != stored.due_on or (bool(due_time) and due_time != stored.due_time)
    # A file that could not be downloaded last time: ask for the petition again until it arrives.
    return moved or stored.upstream_state != "active" or any(a.missing for a in stored.attachments)


def _insert(store: Store, petition: Petition, run: Run) -> None:
    try:
        store.insert(petition, run_id=run.id, source=petition.source, at=run.clock.now())
    except StoreError as exc:
        # Already stored by an earlier, interrupted run of this same intake: not a new one.
        if store.get(petition.ref) is not None:
            run.counts.unchanged += 1
            return
        raise exc
    run.counts.new += 1
    if petition.notes:
        run.warn(f"{petition.ref}：" + "；".join(petition.notes))
    logger.info("新件 {} 已入库（{}）", petition.ref, clean_text(petition.title, keep_newlines=False)[:30])


def _update(store: Store, old: Petition, fresh: Petition, run: Run) -> None:
    # Keep every local field; take every upstream field from the fresh copy. The ref stays as
    # stored: the store row is found by it, even when the upstream now writes it differently.
    merged = replace(
        fresh,
        ref=old.ref,
        source=old.source,
        upstream_state="active",
        responsible_unit=old.responsible_unit,
        clerk=old.clerk,
        signed_on=old.signed_on,
    )
    before, after = old.upstream_fields, merged.upstream_fields
    changes: list[tuple[str, Any, Any]] = [
        (k, before.get(k), after.get(k)) for k in after if before.get(k) != after.get(k)
    ]
    if old.upstream_state != "active":
        changes.append(("upstream_state", old.upstream_state, "active"))
    if not changes:
        run.counts.unchanged += 1
        return
    store.save(merged, changes=changes, source=merged.source, run_id=run.id, at=run.clock.now())
    run.counts.updated += 1
    watched = [c[0] for c in changes if c[0] in WATCHED or c[0] == "upstream_state"]
    logger.info("{} 上游有变化：{}", old.ref, "、".join(watched or [c[0] for c in changes]))
    if any(c[0] == "due_on" for c in changes):
        what = "办理时限" if merged.is_work_order else "限办日期"
        run.warn(f"{old.ref} 的{what}被上游调整：{before.get('due_on')} → {after.get('due_on')}")


def _update_status(store: Store, old: Petition, status: str, site: Site, run: Run) -> None:
    """A new status read from the list: the site's vocabulary says whether it closes the matter."""
    state = "withdrawn" if status in site.withdrawn else old.upstream_state
    store.save(replace(old, status=status, closed=status in site.closed, upstream_state=state),
               changes=[("status", old.status, status)], source=old.source, run_id=run.id, at=run.clock.now())


def _mark_gone(store: Store, old: Petition, error: Exception, run: Run) -> None:
    state = "withdrawn" if isinstance(error, Withdrawn) else "reassigned"
    updated = replace(old, upstream_state=state)
    store.save(updated, changes=[("upstream_state", old.upstream_state, state)], source=old.source, run_id=run.id,
               at=run.clock.now())
    run.counts.updated += 1
    text = "已被上游撤回" if state == "withdrawn" else "已被上游改派给其他单位"
    run.warn(f"{old.ref} {text}，台账中保留原记录")


def _record_signed(store: Store, ref: str, run: Run) -> None:
    p = store.get(ref)
    if p is None or p.signed_on is not None:
        return
    today = run.clock.today()
    store.save(replace(p, signed_on=today), changes=[("signed_on", None, today)], source="bot", run_id=run.id,
               at=run.clock.now())


def _quarantine(store: Store, ref: str, error: Exception, raw: Any, run: Run) -> None:
    reason = getattr(error, "message", None) or str(error)
    store.quarantine(ref, reason, raw, run_id=run.id)
    run.fail_item(ref, reason)
    logger.warning("{} 未入库，已隔离待人工处理：{}", ref[:64], reason)


def _raw(item: Scraped) -> dict[str, Any]:
    data = to_jsonable(item)
    for a in data.get("attachments", []):
        a.pop("data", None)  # bytes are not kept in the quarantine; a retry downloads them again
    return data


def _save_attachments(item: Scraped, ref: str, root: Path, scratch: Path, run: Run) -> list[Attachment]:
    folder = root / folder_name(ref)
    names = files.unique_names([files.safe_name(a.name) for a in item.attachments])
    out = []
    for scraped, name in zip(item.attachments, names, strict=True):
        original = scraped.name if scraped.name != name else ""
        if scraped.data is None:
            if scraped.retry:
                out.append(Attachment(name=name, media_type=scraped.media_type, original_name=original,
                                      missing=scraped.error or "下载失败"))
                continue
            run.warn(f"{ref} 的附件“{name}”未下载：{scraped.error or '原因不明'}")
            out.append(Attachment(name=name, media_type=scraped.media_type, size=scraped.size or 0,
                                  original_name=original))
            continue
        path = folder / name
        try:
            digest = files.write_checked(path, scraped.data, scratch=scratch)
        except AttachmentRejected as exc:
            out.append(Attachment(name=name, media_type=scraped.media_type, original_name=original,
                                  missing=exc.message))
            continue
        except OSError as exc:
            raise SystemError_(f"无法写入附件 {path}：{exc.strerror or exc}",
                               hint="请检查磁盘空间和工作目录的写入权限") from exc
        out.append(Attachment(name=name, media_type=scraped.media_type, sha256=digest,
                              size=len(scraped.data), path=str(path.relative_to(root.parent)),
                              original_name=original))
    return out
