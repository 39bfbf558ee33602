"""Every file petitionbot writes goes through here: private modes, an atomic replace that keeps
the owner and mode of the file it replaces, the run's fence, and disk errors in Chinese.

Modes. Private by default: folders 0700, files 0600 (the store, attachments such as
身份证复印件.jpg, ledgers, letters, logs, run folders, exports hold personal data). With
``[storage] group = "xfb"`` an office shares the workdir with that group: folders 2750 (setgid,
so everything created inside inherits the group), files 0640. The process umask is set to match
(``configure``), so files a library writes by itself (SQLite's -wal and -shm, log files,
LibreOffice's PDFs, openpyxl's saves) follow the same rule.

Replacing. ``replace`` and ``write_atomic`` give the new file the owner, group and mode of the
file it replaces: a ledger owned by the clerk's account and replaced by a service running as root
stays the clerk's, with the clerk's mode (never root:root 0644).

Fencing. While a run holds the run lock, the shell installs its fence check here (``fenced``);
every replace checks it first, so a run that lost its lock (frozen, then taken over) writes no
file after that.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from core.errors import ConfigError, DiskError


@dataclass(frozen=True)
class FileMode:
    gid: int | None = None  # the office's shared group, or None: private to the service's user

    @property
    def file(self) -> int:
        return 0o640 if self.gid is not None else 0o600

    @property
    def folder(self) -> int:
        return 0o2750 if self.gid is not None else 0o700

    @property
    def umask(self) -> int:
        return 0o027 if self.gid is not None else 0o077


_mode = FileMode()
_fence: ContextVar[Callable[[], None] | None] = ContextVar("petitionbot_fence", default=None)


def configure(group: str = "") -> FileMode:
    """Set the process's file mode policy (and umask) from ``[storage] group``."""
    global _mode
    gid = None
    if group:
        gid = _group_id(group)
    _mode = FileMode(gid)
    if os.name != "nt":
        os.umask(_mode.umask)
    return _mode


def mode() -> FileMode:
    return _mode


def _group_id(group: str) -> int:
    try:
        import grp
    except ImportError as exc:  # pragma: no cover - Windows: folder sharing is done with ACLs
        raise ConfigError("Windows 上不支持 [storage] group", hint="请用文件夹的共享权限（ACL）授权") from exc
    try:
        return int(group) if group.isdigit() else grp.getgrnam(group).gr_gid
    except KeyError as exc:
        raise ConfigError(f"配置 [storage] group 指定的用户组“{group}”不存在",
                          hint=f"请先创建该用户组（groupadd {group}）并把信访员的账号加入，或删掉这一项") from exc


# -- the fence --------------------------------------------------------------------------------
@contextmanager
def fenced(check: Callable[[], None]) -> Iterator[None]:
    """Inside this block, every replace first calls ``check`` (raises LockLost when the run lost its lock)."""
    token = _fence.set(check)
    try:
        yield
    finally:
        _fence.reset(token)


def check_fence() -> None:
    check = _fence.get()
    if check is not None:
        check()


# -- folders and files ------------------------------------------------------------------------
def ensure_dir(path: str | Path) -> Path:
    """Create ``path`` and missing parents with the policy's folder mode (existing ones are left alone)."""
    path = Path(path)
    missing = []
    p = path
    while not p.exists():
        missing.append(p)
        if p.parent == p:
            break
        p = p.parent
    try:
        if p.exists() and not p.is_dir():
            raise NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(p))
        for folder in reversed(missing):
            try:
                os.mkdir(folder, _mode.folder)
            except FileExistsError:
                if not folder.is_dir():
                    raise
                continue
            _apply(folder, _mode.folder)
    except OSError as exc:
        raise disk_error(exc, path) from exc
    return path


def secure_root(path: str | Path) -> Path:
    """The workdir itself: created with the policy's mode; an existing one owned by us is set to it
    (so a workdir made 0755 by an older version stops being readable by everybody at once)."""
    path = ensure_dir(path)
    try:
        st = path.stat()
        if os.name != "nt" and st.st_uid == os.geteuid() and (stat.S_IMODE(st.st_mode) != _mode.folder
                                                             or (_mode.gid is not None and st.st_gid != _mode.gid)):
            _apply(path, _mode.folder)
    except OSError as exc:
        raise disk_error(exc, path) from exc
    return path


def _apply(path: Path, mode_bits: int) -> None:
    if os.name == "nt":
        return
    if _mode.gid is not None:
        try:
            os.chown(path, -1, _mode.gid)
        except PermissionError:
            pass  # not a member of the group: the mode still keeps others out
    os.chmod(path, mode_bits)


def adopt(tmp: str | Path, dest: str | Path) -> None:
    """Give ``tmp`` the owner, group and mode of ``dest`` (or the policy's, when ``dest`` is new)."""
    if os.name == "nt":
        return
    try:
        st = os.stat(dest)
    except FileNotFoundError:
        _apply(Path(tmp), _mode.file)
        return
    os.chmod(tmp, stat.S_IMODE(st.st_mode))
    try:
        os.chown(tmp, st.st_uid, st.st_gid)
    except PermissionError:
        pass  # only root may give a file away; an ordinary user replaces their own files anyway


def replace(tmp: str | Path, dest: str | Path, *, fence: bool = True) -> None:
    """``os.replace`` that keeps ``dest``'s owner and mode, after checking the run's fence."""
    if fence:
        check_fence()
    adopt(tmp, dest)
    os.replace(tmp, dest)


def temp_beside(dest: str | Path, suffix: str = ".tmp") -> Path:
    """A fresh temp name in ``dest``'s folder (so the final replace is a rename on one file system)."""
    dest = Path(dest)
    return dest.with_name(f".{dest.name}.{os.getpid()}.{secrets.token_hex(3)}{suffix}")


def write_atomic(path: str | Path, data: bytes | str, *, fence: bool = True, encoding: str = "utf-8") -> Path:
    """Write ``data`` to ``path`` atomically (temp file, fsync, replace), private by policy."""
    path = Path(path)
    ensure_dir(path.parent)
    if isinstance(data, str):
        data = data.encode(encoding)
    tmp = temp_beside(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), _mode.file)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        replace(tmp, path, fence=fence)
    except OSError as exc:
        Path(tmp).unlink(missing_ok=True)
        raise disk_error(exc, path) from exc
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


# -- errors a person can fix ----------------------------------------------------------------
_REASONS = {
    errno.ENOSPC: ("磁盘空间已满", "请清理磁盘空间（或把 [storage] workdir 移到空间更大的磁盘）后重新运行；已经保存的数据不受影响"),
    errno.EDQUOT: ("超出了磁盘配额", "请清理空间或请管理员提高配额后重新运行"),
    errno.EACCES: ("没有写入权限", "请检查该文件夹的所有者和权限：运行 petitionbot 的账号必须能写入"),
    errno.EPERM: ("没有写入权限", "请检查该文件夹的所有者和权限：运行 petitionbot 的账号必须能写入"),
    errno.EROFS: ("所在磁盘是只读的", "请把 [storage] workdir 设到可写的磁盘上"),
    errno.ENOTDIR: ("路径中有一个同名的文件，而不是文件夹", "请把 [storage] workdir 改成一个文件夹，或移走那个文件"),
    errno.EEXIST: ("路径中有一个同名的文件，而不是文件夹", "请把 [storage] workdir 改成一个文件夹，或移走那个文件"),
    errno.EISDIR: ("这是一个文件夹，不是文件", "请检查配置中的文件路径"),
    errno.ENOENT: ("文件夹不存在", "请检查路径是否写对，或先建好这个文件夹"),
}


def disk_error(exc: OSError, path: str | Path | None = None) -> DiskError:
    """A Chinese DiskError for an OSError from writing ``path``."""
    reason, hint = _REASONS.get(exc.errno or 0, (exc.strerror or str(exc), "请检查磁盘和文件夹权限后重新运行"))
    where = path if path is not None else (exc.filename or "")
    return DiskError(f"无法写入 {where}：{reason}", hint=hint)


def is_disk_error(exc: BaseException) -> bool:
    return isinstance(exc, OSError) and (exc.errno in _REASONS)
