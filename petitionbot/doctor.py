"""``petitionbot doctor``: is this machine ready to run unattended?

Each check is a small function returning a :class:`Check` (what was found, and in Chinese what
to do about it); ``run_checks`` runs them all and never raises, so one broken precondition
does not hide the others. The command exits non-zero when any check fails.
"""

from __future__ import annotations

import os
import shutil
import smtplib
import ssl
import stat
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from core.errors import PetitionbotError
from flows import diskio
from petitionbot import config
from petitionbot.scheduler.settings import service_settings

CALENDAR_DAYS = 90


@dataclass
class Check:
    name: str
    ok: bool
    detail: str = ""  # what was found
    fix: str = ""  # what to do, when it failed

    def line(self) -> str:
        mark = "✓" if self.ok else "✗"
        text = f"{mark} {self.name}：{self.detail}" if self.detail else f"{mark} {self.name}"
        return text + (f"\n    处理办法：{self.fix}" if not self.ok and self.fix else "")


def check_config(path: str | None) -> tuple[Check, config.Settings | None]:
    try:
        settings = config.load(path)
    except PetitionbotError as exc:
        return Check("配置文件", False, str(exc), "按提示修改配置文件后再运行 petitionbot doctor"), None
    where = str(settings.source) if settings.source else "未找到配置文件，使用内置默认值"
    return Check("配置文件", True, where), settings


def check_credentials(settings: config.Settings) -> Check:
    try:
        entries = settings.require_upstreams()
    except PetitionbotError as exc:
        return Check("上游系统密码", False, str(exc), "先在配置文件中写好 [[upstream]] 段")
    found, missing = [], []
    for up in entries:
        try:
            config.upstream_password(settings, up)
            found.append(f"{up.name}（用户 {up.username}）")
        except PetitionbotError as exc:
            missing.append((up, exc))
    if not missing:
        return Check("上游系统密码", True, f"{'、'.join(found)}的密码已设置")
    return Check("上游系统密码", False, "；".join(f"没有找到上游 {up.name}（用户 {up.username}）的密码" for up, _ in missing),
                 "；".join(exc.hint or "" for _, exc in missing))


def check_browser(settings: config.Settings, *, launch: bool = True) -> Check:
    try:
        from bots.kit.browser import Browser, find_chromium

        path = find_chromium(next((up.executable_path for up in settings.upstream if up.executable_path), None))
        if path is None:
            return Check("浏览器", False, "找不到 Chromium",
                         "安装 chromium（Debian/Ubuntu：apt-get install chromium），或在配置 [[upstream]] 中填写 executable_path")
        if launch:
            with Browser(executable_path=path, headless=True):
                pass
    except PetitionbotError as exc:
        return Check("浏览器", False, str(exc), "安装 chromium，或在配置 [[upstream]] executable_path 中填写正确路径")
    return Check("浏览器", True, f"{path}" + ("，可以启动" if launch else ""))


def check_upstream(settings: config.Settings, *, timeout: float = 10) -> Check:
    try:
        entries = settings.require_upstreams()
    except PetitionbotError as exc:
        return Check("上游系统", False, str(exc), "在配置文件中加入 [[upstream]] 段，写明 site、url 和 username")
    results = [_reach(up.url, timeout) for up in entries]
    bad = [(up, why, fix) for up, (why, fix) in zip(entries, results, strict=True) if fix]
    named = len(entries) > 1
    if bad:
        return Check("上游系统", False, "；".join((f"{up.name}：" if named else "") + why for up, why, _ in bad),
                     "；".join(dict.fromkeys(fix for _, _, fix in bad)))
    return Check("上游系统", True, "；".join((f"{up.name}：" if named else "") + why
                                          for up, (why, _) in zip(entries, results, strict=True)))


def _reach(url: str, timeout: float) -> tuple[str, str]:
    """(what the upstream answered, how to fix it: "" when it answered)."""
    try:
        with urllib.request.urlopen(urllib.request.Request(url, method="GET"), timeout=timeout) as resp:
            code = resp.status
    except urllib.error.HTTPError as exc:
        code = exc.code  # an answer, even 4xx: the server is there
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        return f"{url} 没有响应：{reason}", "检查网络（是否接入政务外网）和配置 [[upstream]] url 是否正确"
    if code >= 500:
        return f"{url} 返回错误 {code}", "上游系统暂时故障，稍后再试；持续出现请联系上游系统管理员"
    return f"{url} 有响应（HTTP {code}）", ""


def check_templates(settings: config.Settings) -> Check:
    from flows.letters import check_templates as letters_check
    from petitionbot.hooks import letter_setup

    try:
        report = letters_check(letter_setup(settings))
    except PetitionbotError as exc:
        return Check("文书模板", False, str(exc), "运行 petitionbot templates check 查看详情")
    bad = {name: problems for name, problems in report.items() if problems}
    if bad:
        first = next(iter(bad.values()))[0]
        return Check("文书模板", False, f"{len(bad)} 个模板有问题，例如：{first}",
                     "运行 petitionbot templates check 查看全部问题，在 Word 中修改后再检查")
    return Check("文书模板", True, f"{len(report)} 个模板全部通过检查")


def check_calendar(settings: config.Settings, today: date, *, calendar: Any = None) -> Check:
    if calendar is None:
        from flows.deadlines import WorkCalendar
        from petitionbot.scheduler.service import calendar_overrides

        calendar = WorkCalendar.from_file(calendar_overrides(settings))
    last = today + timedelta(days=CALENDAR_DAYS)
    missing = [y for y in range(today.year, last.year + 1) if not calendar.is_known_year(y)]
    if missing:
        years = "、".join(f"{y}年" for y in missing)
        return Check("工作日日历", False, f"未来 {CALENDAR_DAYS} 天内 {years}的节假日安排尚未录入（期限和工作日提醒只能按周末估算）",
                     f"国务院公布{years}放假安排后，录入 templates/calendar/overrides.toml（写明 published = true）；"
                     "或升级 chinesecalendar")
    return Check("工作日日历", True, f"已覆盖到 {last}")


def check_workdir(settings: config.Settings) -> Check:
    """The workdir is a folder this account can write (or can be created), and private."""
    wd = settings.workdir
    fix_path = "请在配置 [storage] workdir 中指定一个可写的文件夹"
    if wd.exists() and not wd.is_dir():
        return Check("工作目录", False, f"{wd} 是一个文件，不是文件夹", f"移走这个文件，或{fix_path[1:]}")
    if not wd.exists():
        parent = next((p for p in wd.parents if p.exists()), None)
        if parent is None or not parent.is_dir():
            return Check("工作目录", False, f"{wd} 无法创建（上级路径 {parent} 不是文件夹）", fix_path)
        if not os.access(parent, os.W_OK | os.X_OK):
            return Check("工作目录", False, f"{wd} 无法创建：没有写入 {parent} 的权限（或磁盘只读）", fix_path)
        return Check("工作目录", True, f"{wd}（尚不存在，第一次运行时创建，仅本账号可读写）")
    probe = wd / f".doctor-{os.getpid()}.tmp"
    try:
        os.close(os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
        os.unlink(probe)
    except OSError as exc:
        reason = diskio.disk_error(exc, wd)
        return Check("工作目录", False, reason.message, reason.hint or fix_path)
    if os.name == "nt":
        return Check("工作目录", True, f"{wd}（可写；请用 NTFS 权限限制其他账号访问）")
    mode = stat.S_IMODE(wd.stat().st_mode)
    group = settings.storage.group
    if mode & 0o007:
        return Check("工作目录", False, f"{wd} 的权限是 {mode:04o}，其他账号可以读取信访人的个人信息",
                     f"运行一次 petitionbot（会自动收紧为 {'0750' if group else '0700'}），或执行 chmod o-rwx {wd}")
    return Check("工作目录", True, f"{wd}（权限 {mode:04o}{'，共享给用户组 ' + group if group else '，仅本账号可读写'}）")


def check_disk(settings: config.Settings, *, usage: Callable[[Any], Any] = shutil.disk_usage) -> Check:
    need = service_settings(settings).min_free_disk_mb
    folder = settings.workdir
    probe = folder if folder.exists() else next((p for p in folder.parents if p.exists()), folder)
    free_mb = usage(probe).free // (1024 * 1024)
    if free_mb < need:
        return Check("磁盘空间", False, f"{probe} 所在磁盘只剩 {free_mb} MB（至少需要 {need} MB）",
                     "清理磁盘或把 [storage] workdir 移到空间更大的磁盘；旧运行记录按 [service] keep_runs_days 自动清理")
    return Check("磁盘空间", True, f"剩余 {free_mb} MB")


def check_mail(settings: config.Settings) -> Check | None:
    """Connect and EHLO, when anything is configured to go by e-mail; None when nothing is."""
    reminders = getattr(settings, "reminders", None)
    smtp = getattr(reminders, "smtp", None)
    wants_mail = bool(service_settings(settings).notify_email) or bool(reminders and (
        any(u.email for u in reminders.units.values()) or any(s.email for s in reminders.supervisors)))
    if smtp is None or not wants_mail:
        return None
    where = f"{smtp.host}:{smtp.port}"
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=smtp.timeout_seconds,
                                                    context=ssl.create_default_context(cafile=smtp.cafile or None))
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=smtp.timeout_seconds)
        with client:
            code, _ = client.ehlo()
            if code != 250:
                raise smtplib.SMTPResponseException(code, b"EHLO refused")
    except (smtplib.SMTPException, OSError) as exc:
        return Check("邮件服务器", False, f"无法连接邮件服务器 {where}：{exc}",
                     "检查配置 [reminders.smtp] 的 host、port、security，以及防火墙是否放行")
    return Check("邮件服务器", True, f"{where} 可以连接")


def check_schedule(settings: config.Settings) -> Check:
    from petitionbot.scheduler.service import load_schedule

    try:
        specs = load_schedule(settings)
    except PetitionbotError as exc:
        return Check("计划任务", False, str(exc), "按提示修改计划任务文件（见 docs/deployment.md）")
    on = [s.id for s in specs if s.enabled]
    return Check("计划任务", True, f"{len(on)} 个任务启用：{'、'.join(on) or '无'}")


def run_checks(config_path: str | None, *, today: date, launch_browser: bool = True) -> list[Check]:
    first, settings = check_config(config_path)
    if settings is None:
        return [first]
    checks: list[Check] = [first]
    steps: list[Callable[[], Check | None]] = [
        lambda: check_workdir(settings),
        lambda: check_credentials(settings),
        lambda: check_browser(settings, launch=launch_browser),
        lambda: check_upstream(settings),
        lambda: check_templates(settings),
        lambda: check_calendar(settings, today),
        lambda: check_disk(settings),
        lambda: check_mail(settings),
        lambda: check_schedule(settings),
    ]
    for step in steps:
        try:
            result = step()
        except Exception as exc:  # noqa: BLE001 - a crashing check is a failed check, not a crashed doctor
            result = Check("检查程序", False, f"{type(exc).__name__}: {exc}", "请把这段信息发给维护人员")
        if result is not None:
            checks.append(result)
    return checks


def render(checks: list[Check]) -> str:
    bad = [c for c in checks if not c.ok]
    tail = "全部检查通过，可以无人值守运行。" if not bad else f"{len(bad)} 项未通过，请按“处理办法”修复后再运行 petitionbot doctor。"
    return "\n".join([c.line() for c in checks] + ["", tail])
