"""The one validated configuration: ``petitionbot.toml``.

Every section is a pydantic model with bounds and a docstring per field; unknown keys are
errors (a misspelt key must not be silently ignored). Errors name the key and, where the
file has it, the line. Secrets never come from this file: each upstream's password comes from
``PETITIONBOT_UPSTREAM_<NAME>_PASSWORD`` (or ``PETITIONBOT_UPSTREAM_PASSWORD`` when there is one
upstream) or the OS keyring (see ``upstream_password``).

Feature sections (ledger, letters, deadlines, reminders, ...) define their own model next to
their code and are composed here, so this module is the only place that knows them all.
"""

from __future__ import annotations

import os
import re
import tomllib
import urllib.parse
from pathlib import Path
from typing import Any

from pydantic import Field, ValidationError, field_validator, model_validator

from core.errors import ConfigError
from core.workdir import Workdir
from flows.analysis.settings import AnalysisSettings
from flows.deadlines.settings import DeadlineSettings
from flows.ledger.settings import LedgerSettings
from flows.letters.settings import LettersSettings
from flows.reminders.settings import ReminderSettings
from flows.settings_base import Section
from petitionbot.console.settings import ConsoleSettings
from petitionbot.scheduler.settings import ServiceSettings

DEFAULT_CONFIG = "petitionbot.toml"


class UpstreamSettings(Section):
    """One ``[[upstream]]`` entry (the old single ``[upstream]`` table is one entry)."""

    # No defaults for where and who: a config without them must say so, not log in somewhere else.
    url: str = Field(description="上游系统地址，例如 https://xf.example.gov.cn/")
    username: str = Field(min_length=1, description="登录用户名（密码来自环境变量或系统钥匙串）")
    site: str = Field("district", pattern=r"^[a-z_]+$",
                      description="上游系统类型：district（区信访系统）或 hotline（12345热线）")
    name: str = Field("", pattern=r"^([a-z0-9_]+)?$",
                      description="这一上游的名称（信访件的“来源”、密码环境变量名的一部分）；留空同 site")
    headless: bool = True
    concurrency: int = Field(4, ge=1, le=16, description="同时打开的详情页数")
    details_per_page: int = Field(2, ge=1, le=4, description="每个详情页同时在取的信访件数（1 为逐件读取）")
    page_size: int = Field(100, ge=10, le=100)
    timeout_seconds: float = Field(20, gt=0, le=600)
    retries: int = Field(3, ge=0, le=10, description="暂时性错误的最多重试次数")
    backoff_seconds: float = Field(0.5, ge=0, le=60, description="第一次重试前等待的秒数，之后每次加倍")
    backoff_max_seconds: float = Field(30, ge=0, le=600, description="重试等待的上限（秒）")
    retry_after_max_seconds: float = Field(300, ge=0, le=3600, description="上游 Retry-After 要求等待的上限（秒）")
    attachment_max_mb: float = Field(20, gt=0, le=1024)
    recycle_every: int = Field(200, ge=10, le=100_000, description="每处理多少件重建一次浏览器上下文")
    executable_path: str = Field("", description="Chromium 路径；留空自动查找")
    sign: bool = Field(False, description="取件时是否自动签收")

    @field_validator("url")
    @classmethod
    def _http_url(cls, value: str) -> str:
        parts = urllib.parse.urlsplit(value.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("不是有效的网址，应以 http:// 或 https:// 开头，例如 https://xf.example.gov.cn/")
        return value.strip()

    @model_validator(mode="after")
    def _default_name(self) -> UpstreamSettings:
        self.name = self.name or self.site
        return self

    @property
    def password_env(self) -> str:
        """The environment variable holding this entry's password."""
        return f"PETITIONBOT_UPSTREAM_{self.name.upper()}_PASSWORD"


class StorageSettings(Section):
    workdir: Path = Field(Path("work"), description="数据库、运行记录、台账、文书都放在这里")
    database: str = Field("", description="数据库 URL；留空为 workdir/petitionbot.db（SQLite）")
    group: str = Field("", description="与信访员共享工作目录的用户组；留空则只有运行 petitionbot 的账号能读写"
                                       "（文件夹 0700、文件 0600），填写后为该组可读（0750/0640）")


class LoggingSettings(Section):
    level: str = Field("INFO", pattern=r"^(DEBUG|INFO|WARNING|ERROR)$")
    json_lines: bool = False
    retention_days: int = Field(90, ge=1, le=3650)




class Settings(Section):
    office: str = Field("余杭街道信访办", description="本单位名称（用于文书落款）")
    unit_code: str = Field("YH-JD", description="本单位在上游系统的单位代码")
    # ``[[upstream]]`` entries, or the old single ``[upstream]`` table; required by everything
    # that talks to an upstream.
    upstream: list[UpstreamSettings] = Field(default_factory=list)
    storage: StorageSettings = StorageSettings()
    logging: LoggingSettings = LoggingSettings()
    deadlines: DeadlineSettings = DeadlineSettings()
    reminders: ReminderSettings = ReminderSettings()
    letters: LettersSettings = LettersSettings()
    ledger: LedgerSettings = LedgerSettings()
    service: ServiceSettings = ServiceSettings()
    analysis: AnalysisSettings = AnalysisSettings()
    console: ConsoleSettings = ConsoleSettings()
    # Path of the file these settings came from (set by ``load``), for relative paths.
    source: Path | None = Field(None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _one_or_many(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("upstream"), dict):
            data = {**data, "upstream": [data["upstream"]]}
        return data

    @model_validator(mode="after")
    def _unique_names(self) -> Settings:
        seen: set[str] = set()
        for entry in self.upstream:
            if entry.name in seen:
                raise ValueError(f"有两个上游的名称都是 {entry.name!r}：请用 name = \"...\" 给它们起不同的名称")
            seen.add(entry.name)
        return self

    @property
    def workdir(self) -> Path:
        wd = self.storage.workdir
        if not wd.is_absolute() and self.source is not None:
            wd = self.source.parent / wd
        return wd.resolve()

    @property
    def database_url(self) -> str:
        return self.storage.database or f"sqlite:///{Workdir(self.workdir).database}"

    def require_upstreams(self) -> list[UpstreamSettings]:
        """The upstream entries, or a ConfigError naming what to write (there is no default
        upstream: guessing one would log in to the wrong place and blame the upstream)."""
        if not self.upstream:
            where = f"配置文件 {self.source} " if self.source else "没有找到配置文件（默认 ./petitionbot.toml），"
            raise ConfigError(f"{where}缺少 [upstream] 段：不知道上游系统的地址和用户名",
                              hint='请在配置文件中加入：[[upstream]] site = "district"、url = "https://上游系统地址/" 和 '
                                   'username = "登录用户名"（petitionbot demo 生成的配置可作示例）')
        return list(self.upstream)

    def require_upstream(self, name: str | None = None) -> UpstreamSettings:
        """The entry called ``name`` (None: the only one, or the first)."""
        entries = self.require_upstreams()
        if name is None:
            return entries[0]
        for entry in entries:
            if entry.name == name:
                return entry
        raise ConfigError(f"配置中没有名为 {name!r} 的上游",
                          hint=f"配置的上游：{'、'.join(e.name for e in entries)}")


def _line_of(text: str, loc: tuple[Any, ...], nth: int = 0) -> int | None:
    """Best effort: the line where the failing key is written (tomllib keeps no positions);
    ``nth``: in the nth table of that name (``[[upstream]]`` entries)."""
    section, key = (loc[0], loc[-1]) if len(loc) > 1 else (None, loc[0])
    in_section = section is None
    seen = -1
    for no, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if stripped.startswith("["):
            named = section is not None and stripped.strip("[]").strip() == str(section)
            seen += named
            in_section = named and seen == nth
            continue
        if in_section and re.match(rf"{re.escape(str(key))}\s*=", stripped):
            return no
    return None


def load(path: str | Path | None = None, *, required: bool = False) -> Settings:
    """Read and validate the config. A missing default file means built-in defaults."""
    p = Path(path or os.environ.get("PETITIONBOT_CONFIG") or DEFAULT_CONFIG)
    if not p.exists():
        if required or path is not None:
            raise ConfigError(f"找不到配置文件：{p}", hint="用 --config 指定，或运行 petitionbot demo 查看示例")
        return Settings()
    text = _read_text(p)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"配置文件 {p} 格式错误：{exc}") from exc
    try:
        settings = Settings.model_validate(data)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc, nth = tuple(err["loc"]), 0
            if not loc:  # a rule across sections (two upstreams with one name)
                problems.append(_zh(err))
                continue
            if len(loc) > 1 and loc[0] == "upstream" and isinstance(loc[1], int):
                loc, nth = (loc[0], *loc[2:]), loc[1]  # one [[upstream]] entry of several
            key = ".".join(str(x) for x in loc)
            if isinstance(data.get("upstream"), list) and loc[0] == "upstream" and len(loc) > 1:
                key = f"[[upstream]] 第 {nth + 1} 项 " + ".".join(str(x) for x in loc[1:])
            line = _line_of(text, loc, nth)
            where = f"第 {line} 行 " if line else ""
            problems.append(f"{where}{key}：{_zh(err)}")
        raise ConfigError(f"配置文件 {p} 有误：\n  " + "\n  ".join(problems)) from exc
    settings.source = p.resolve()
    return settings


def _read_text(p: Path) -> str:
    """The config's text: UTF-8, with or without the BOM that Windows Notepad writes."""
    try:
        raw = p.read_bytes()
    except IsADirectoryError as exc:
        raise ConfigError(f"配置文件路径 {p} 是一个文件夹", hint="用 --config 指定 petitionbot.toml 文件本身") from exc
    except OSError as exc:
        raise ConfigError(f"无法读取配置文件 {p}：{exc.strerror}", hint="请检查文件权限") from exc
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        guess = ""
        try:
            raw.decode("gb18030")
            guess = "（看起来是 GBK/ANSI 编码，例如用记事本“另存为”时选了 ANSI）"
        except UnicodeDecodeError:
            pass
        line = raw[:exc.start].count(b"\n") + 1
        raise ConfigError(f"配置文件 {p} 不是 UTF-8 编码{guess}，第 {line} 行无法读取",
                          hint="请用记事本打开它，“另存为”时编码选 UTF-8，保存后重新运行") from exc


def _zh(err: dict[str, Any]) -> str:
    kind = err["type"]
    if kind == "value_error":
        return f"{(err.get('ctx') or {}).get('error', err['msg'])}（当前值 {err.get('input')!r}）"
    if kind == "extra_forbidden":
        return "未知的配置项（拼写错误？）"
    if kind == "missing":
        return "缺少必填项"
    ctx = err.get("ctx") or {}
    for bound, word in (("ge", "不能小于"), ("gt", "必须大于"), ("le", "不能大于"), ("lt", "必须小于")):
        if bound in ctx:
            return f"{word} {ctx[bound]}（当前值 {err.get('input')!r}）"
    return f"取值无效（{err['msg']}，当前值 {err.get('input')!r}）"


def upstream_password(settings: Settings, entry: UpstreamSettings) -> str:
    """The entry's password: ``PETITIONBOT_UPSTREAM_<NAME>_PASSWORD``, then (with one upstream)
    ``PETITIONBOT_UPSTREAM_PASSWORD``, then the keyring (``upstream:<name>``, then the user name)."""
    single = len(settings.upstream) <= 1
    value = os.environ.get(entry.password_env) or (os.environ.get("PETITIONBOT_UPSTREAM_PASSWORD") if single else None)
    value = value or secret(f"upstream:{entry.name}", env="") or secret(entry.username, env="")
    if not value:
        names = entry.password_env + ("（或 PETITIONBOT_UPSTREAM_PASSWORD）" if single else "")
        raise ConfigError(f"没有上游“{entry.name}”的密码",
                          hint=f"请设置环境变量 {names}，或用 keyring 存入服务名 petitionbot、"
                               f"用户名 upstream:{entry.name}")
    return value


def secret(name: str, *, env: str) -> str | None:
    """A secret from the environment, else the OS keyring (service ``petitionbot``)."""
    value = os.environ.get(env) if env else None
    if value:
        return value
    try:
        import keyring

        return keyring.get_password("petitionbot", name)
    except Exception:  # noqa: BLE001 - no keyring backend on a headless server is normal
        return None
