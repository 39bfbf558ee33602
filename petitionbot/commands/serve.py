"""``petitionbot serve``, ``petitionbot runs [show ID]`` and ``petitionbot doctor``."""

from __future__ import annotations

import argparse
import socket
from datetime import datetime, timedelta
from typing import Any

from core.errors import ConfigError
from core.model import RUN_STATUS_ZH, upstream_trouble_zh
from petitionbot.app import EXIT_FAILED, EXIT_OK, INTERRUPTED_MESSAGE, App
from petitionbot.commands import ChineseParser, app_from
from petitionbot.lock import LockInfo, pid_alive

COUNT_ZH = {"listed": "列表", "new": "新件", "updated": "更新", "unchanged": "无变化", "failed": "失败", "signed": "签收"}
TRIGGER_ZH = {"clerk": "手动", "schedule": "计划", "demo": "演示"}
def register(top, run_flows) -> None:  # noqa: ARG001
    s = top.add_parser("serve", help="无人值守：按 schedules/ 中的计划定时运行各流程（Ctrl-C 停止）")
    s.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    s.add_argument("--check", action="store_true", help="只显示各计划任务接下来的运行时间，不启动服务")
    s.set_defaults(func=serve_cli)

    r = top.add_parser("runs", help="运行记录：最近的运行（流程、触发方式、状态、数量、耗时）")
    r.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    r.add_argument("--limit", type=int, default=20, help="显示多少条（默认 20）")
    sub = r.add_subparsers(dest="runs_command", metavar="子命令", parser_class=ChineseParser)
    show = sub.add_parser("show", help="显示一次运行的详情（可只写编号开头）")
    show.add_argument("run_id", metavar="编号")
    show.add_argument("--config", default=argparse.SUPPRESS, help="配置文件路径（默认 ./petitionbot.toml）")
    r.set_defaults(func=runs_cli)

    d = top.add_parser("doctor", help="体检：配置、密码、浏览器、上游系统、模板、工作日日历、磁盘、邮件服务器")
    d.add_argument("--config", help="配置文件路径（默认 ./petitionbot.toml）")
    d.add_argument("--as-of", dest="as_of", help="把“今天”固定为某日，格式 YYYY-MM-DD")
    d.add_argument("--no-launch", action="store_true", help="只查找浏览器，不实际启动")
    d.set_defaults(func=doctor_cli)


# -- serve ---------------------------------------------------------------------------------
def serve_cli(args: argparse.Namespace) -> int:
    from petitionbot import config
    from petitionbot.scheduler.service import serve

    settings = config.load(args.config)
    if args.check:
        print(next_runs(settings))
        return EXIT_OK
    return serve(settings)


def next_runs(settings: Any, *, now: datetime | None = None, count: int = 3) -> str:
    lines = []
    for spec, times in next_run_times(settings, now=now, count=count):
        if not spec.enabled:
            lines.append(f"{spec.id}（{spec.title}）：已停用")
            continue
        lines.append(f"{spec.id}（{spec.title}）：{'、'.join(f'{t:%Y-%m-%d %H:%M}' for t in times) or '不再运行'}")
    return "\n".join(lines)


def next_run_times(settings: Any, *, now: datetime | None = None, count: int = 3) -> list[tuple[Any, list[datetime]]]:
    """Each job of the schedule with its next ``count`` fire times (none when disabled)."""
    from zoneinfo import ZoneInfo

    from petitionbot.scheduler.jobs import build_trigger
    from petitionbot.scheduler.service import calendar_overrides, load_schedule, service_settings

    svc = service_settings(settings)
    out: list[tuple[Any, list[datetime]]] = []
    for spec in load_schedule(settings):
        if not spec.enabled:
            out.append((spec, []))
            continue
        trigger = build_trigger(spec, timezone=svc.timezone, calendar_overrides=calendar_overrides(settings))
        t = (now or datetime.now()).astimezone(ZoneInfo(svc.timezone))
        prev, times = None, []
        for _ in range(count):
            nxt = trigger.get_next_fire_time(prev, t)
            if nxt is None:
                break
            times.append(nxt)
            prev, t = nxt, nxt + timedelta(microseconds=1)
        out.append((spec, times))
    return out


# -- runs ----------------------------------------------------------------------------------
def runs_cli(args: argparse.Namespace) -> int:
    app = app_from(args)
    if getattr(args, "runs_command", None) == "show":
        print(show_run(app, args.run_id))
    else:
        print(list_runs(app, limit=args.limit))
    return EXIT_OK


def list_runs(app: App, *, limit: int = 20) -> str:
    rows = app.store.runs(limit=limit)
    if not rows:
        return "还没有运行记录。"
    holder = _lock_holder(app)
    lines = [f"{'编号':<32}{'流程':<10}{'触发':<5}{'状态':<7}{'耗时':<9}数量"]
    for r in rows:
        summary = r.get("summary") or {}
        lines.append(f"{r['id']:<32}{r['flow']:<10}{TRIGGER_ZH.get(r['trigger'], r['trigger']):<5}"
                     f"{RUN_STATUS_ZH.get(shown_status(r, holder), r['status']):<7}{duration(r['started'], r.get('ended')):<9}"
                     f"{counts_text(summary.get('counts') or {})}")
    lines.append("详情：petitionbot runs show <编号>（可只写编号开头）")
    return "\n".join(lines)


def show_run(app: App, run_id: str) -> str:
    rows = app.store.runs_starting(run_id)
    if not rows:
        raise ConfigError(f"没有编号为 {run_id} 的运行记录", hint="用 petitionbot runs 查看最近的运行")
    if len(rows) > 1:
        raise ConfigError(f"编号开头 {run_id} 对应多条运行记录", hint="请多写几位编号")
    r = rows[0]
    s: dict[str, Any] = r["summary"] or {}
    status = shown_status(r, _lock_holder(app))
    message = s.get("message") or (INTERRUPTED_MESSAGE if status == "interrupted" else "")
    lines = [f"运行编号：{r['id']}", f"流程：{r['flow']}（{TRIGGER_ZH.get(r['trigger'], r['trigger'])}触发）",
             f"状态：{RUN_STATUS_ZH.get(status, status)}" + (f"，{message}" if message else ""),
             f"开始：{r['started']}  结束：{r.get('ended') or '—'}  耗时：{duration(r['started'], r.get('ended'))}",
             f"数量：{counts_text(s.get('counts') or {}) or '—'}"]
    if trouble := upstream_trouble_zh(s):
        lines.append(trouble)
    for title, key in (("未入库/失败", "failures"), ("注意", "warnings"), ("输出", "outputs"), ("证据", "evidence")):
        items = s.get(key) or []
        if items:
            lines.append(f"{title}（{len(items)}）：")
            for item in items[:30]:
                text = f"{item.get('ref', '')}：{item.get('reason', '')}" if isinstance(item, dict) else str(item)
                lines.append(f"  {text}")
            if len(items) > 30:
                lines.append(f"  ……共 {len(items)} 项，见 summary.json")
    lines.append(f"运行目录：{app.dirs.run(r['id'])}")
    return "\n".join(lines)


def _lock_holder(app: App) -> LockInfo | None:
    return app.lock_holder()


def shown_status(row: dict[str, Any], holder: LockInfo | None) -> str:
    """A row says 'running' until its run records an outcome; a run killed meanwhile never does.
    It is still running only if it holds the run lock now (same generation; same process when
    on this machine). Otherwise it is shown as 中断, and the next run records it so."""
    status = row["status"]
    if status != "running":
        return status
    if holder is None:
        return "interrupted"
    if row.get("generation") is not None:
        alive = holder.generation == row["generation"]
    else:  # a row written before runs recorded their generation
        alive = holder.pid == row.get("pid")
    if alive and row.get("host") == socket.gethostname() and row.get("pid") and not pid_alive(row["pid"]):
        alive = False
    return "running" if alive else "interrupted"


def counts_text(counts: dict[str, int]) -> str:
    order = [*COUNT_ZH, *sorted(counts.keys() - COUNT_ZH.keys())]
    return "，".join(f"{COUNT_ZH.get(k, k)} {counts[k]}" for k in order if counts.get(k))


def duration(started: str, ended: str | None) -> str:
    try:
        secs = int((datetime.fromisoformat(ended) - datetime.fromisoformat(started)).total_seconds()) if ended else None
    except ValueError:
        secs = None
    if secs is None:
        return "—"
    return f"{secs // 60}分{secs % 60}秒" if secs >= 60 else f"{secs}秒"


# -- doctor --------------------------------------------------------------------------------
def doctor_cli(args: argparse.Namespace) -> int:
    from datetime import date

    from petitionbot.doctor import render, run_checks

    today = date.fromisoformat(args.as_of) if args.as_of else date.today()
    checks = run_checks(args.config, today=today, launch_browser=not args.no_launch)
    print(render(checks))
    return EXIT_OK if all(c.ok for c in checks) else EXIT_FAILED
