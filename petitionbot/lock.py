"""One run at a time across processes: a lock file in the workdir.

Mutual exclusion comes from hard-linking a fully written temp file to the lock path (atomic,
and fails if the path exists), so a reader never sees a half-written lock. The file says who
holds it (pid, host, flow, start, heartbeat): a clerk who is refused reads a useful message,
and a lock left by a dead process (pid gone) or a frozen one (heartbeat older than
``stale_seconds``) is taken over. Takeover, heartbeat and release re-read the file under a
short OS lock on a guard file, so two processes never both take over a stale lock and nobody
removes or rewrites a lock that is no longer theirs.

Fencing: a run frozen for longer than ``stale_seconds`` (a suspended VM, a swap storm, SIGSTOP)
may wake up after another run took its lock over. The lock carries a *generation* number, issued
by the store each time the lock is taken (``stamp``); the store refuses writes from an older
generation, and ``check`` (called before every send, write and upstream action) raises
``LockLost`` as soon as the lock file is no longer ours or the heartbeat found it taken.

``ServeLock`` is the other lock of a workdir: held by ``petitionbot serve`` for its whole life
(an OS lock, released by the kernel when the process dies), so a second service refuses to start.
"""

from __future__ import annotations

import json
import os
import secrets
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import psutil
from loguru import logger

from core.errors import LockBusy, LockLost

TRIGGER_ZH = {"clerk": "手动运行", "schedule": "计划任务", "demo": "演示"}


@dataclass
class LockInfo:
    token: str
    pid: int
    host: str
    flow: str
    trigger: str
    started: float
    heartbeat: float
    pid_created: float = 0.0  # guards against a recycled pid
    generation: int = 0  # the fencing number the store issued to this holder (0: not yet stamped)

    def describe(self) -> str:
        started = datetime.fromtimestamp(self.started).strftime("%Y-%m-%d %H:%M:%S")
        return f"{self.flow}（{TRIGGER_ZH.get(self.trigger, self.trigger)}，{self.host} 上的进程 {self.pid}，{started} 开始）"


class RunLock:
    def __init__(self, path: str | Path, *, stale_seconds: float = 300, heartbeat_seconds: float | None = None,
                 now: Callable[[], float] = time.time, poll_seconds: float = 0.25):
        self.path = Path(path)
        self.stale_seconds = stale_seconds
        self.heartbeat_seconds = heartbeat_seconds or max(1.0, stale_seconds / 5)
        self._now = now
        self._poll = poll_seconds
        self._mine: LockInfo | None = None
        self._beat_stop = threading.Event()
        self._beat: threading.Thread | None = None
        self.lost = False  # set when another process took our lock over (we looked stale)

    # -- public ---------------------------------------------------------------------------
    @property
    def held(self) -> bool:
        return self._mine is not None

    def acquire(self, *, flow: str, trigger: str = "clerk", wait_seconds: float = 0,
                stop: threading.Event | None = None) -> None:
        """Take the lock, waiting up to ``wait_seconds``; raise LockBusy with a Chinese message."""
        deadline = time.monotonic() + wait_seconds
        announced = False
        while True:
            if self._try_create(flow, trigger):
                return
            info = self.holder()
            reason = self.stale_reason(info) if info else self._unreadable_is_stale()
            if reason:
                self._take_over(info, reason)
                continue
            left = deadline - time.monotonic()
            if left <= 0 or (stop is not None and stop.is_set()):
                who = info.describe() if info else "未知进程"
                raise LockBusy(f"另一个运行正在进行：{who}",
                               hint="请等它结束后再运行（或在配置 [service] 中设置 clerk_lock_wait_seconds 让手动运行自动等待）")
            if not announced and info:
                logger.info("另一个运行正在进行：{}，最多等待 {} 秒", info.describe(), int(wait_seconds))
                announced = True
            if stop is not None:
                stop.wait(min(self._poll, left))
            else:
                time.sleep(min(self._poll, left))  # polling a file: nothing to wake us up

    def release(self) -> None:
        if self._mine is None:
            return
        self._beat_stop.set()
        if self._beat is not None and self._beat is not threading.current_thread():
            self._beat.join(timeout=5)
        with self._guard():
            current = self.holder()
            if current is not None and current.token == self._mine.token:
                self.path.unlink(missing_ok=True)
        self._mine = None

    @property
    def token(self) -> str:
        return self._mine.token if self._mine is not None else ""

    @property
    def generation(self) -> int:
        return self._mine.generation if self._mine is not None else 0

    def stamp(self, generation: int) -> None:
        """Record the store's fencing number for this holding in the lock file."""
        if self._mine is None:
            return
        with self._guard():
            current = self.holder()
            if current is None or current.token != self._mine.token:
                self.lost = True
                raise LockLost(*_lost_message(self.stale_seconds))
            self._mine.generation = generation
            os.replace(self._write_tmp(self._mine), self.path)

    def check(self) -> None:
        """Raise LockLost unless this process still holds the lock (cheap: one small file read)."""
        if self._mine is None:
            return
        if not self.lost:
            current = self.holder()
            if current is not None and current.token == self._mine.token:
                return
            self.lost = True
        raise LockLost(*_lost_message(self.stale_seconds, self.holder()))

    def holder(self) -> LockInfo | None:
        try:
            return LockInfo(**json.loads(self.path.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def stale_reason(self, info: LockInfo) -> str | None:
        age = self._now() - info.heartbeat
        if age > self.stale_seconds:
            return f"心跳已 {int(age)} 秒未更新"
        if info.host == socket.gethostname() and not _alive(info.pid, info.pid_created):
            return f"进程 {info.pid} 已不存在"
        return None

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    # -- internals --------------------------------------------------------------------------
    def _try_create(self, flow: str, trigger: str) -> bool:
        now = self._now()
        info = LockInfo(token=secrets.token_hex(8), pid=os.getpid(), host=socket.gethostname(), flow=flow,
                        trigger=trigger, started=now, heartbeat=now, pid_created=_created(os.getpid()))
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self._write_tmp(info)
        try:
            os.link(tmp, self.path)
        except FileExistsError:
            return False
        finally:
            tmp.unlink(missing_ok=True)
        self._mine = info
        self.lost = False
        self._beat_stop.clear()
        self._beat = threading.Thread(target=self._heartbeat, name="run-lock-heartbeat", daemon=True)
        self._beat.start()
        return True

    def _write_tmp(self, info: LockInfo) -> Path:
        tmp = self.path.with_name(f"{self.path.name}.{info.token}.{secrets.token_hex(2)}.tmp")
        tmp.write_text(json.dumps(asdict(info), ensure_ascii=False), encoding="utf-8")
        return tmp

    def _unreadable_is_stale(self) -> str | None:
        # A lock we cannot parse (disk trouble, hand-edited): judge it by its file's age alone.
        try:
            age = time.time() - self.path.stat().st_mtime
        except FileNotFoundError:
            return None
        return f"锁文件无法读取且已 {int(age)} 秒未更新" if age > self.stale_seconds else None

    def _take_over(self, seen: LockInfo | None, reason: str) -> None:
        with self._guard():
            current = self.holder()
            same = (current is None) if seen is None else (current is not None and current.token == seen.token)
            if same:
                self.path.unlink(missing_ok=True)
                who = seen.describe() if seen else "未知进程"
                logger.warning("接管残留的运行锁：{}（{}）", who, reason)

    def _heartbeat(self) -> None:
        while not self._beat_stop.wait(self.heartbeat_seconds):
            mine = self._mine
            if mine is None:
                return
            with self._guard():
                current = self.holder()
                if current is None or current.token != mine.token:
                    self.lost = True
                    logger.error("运行锁已被其他进程接管（本进程曾被判定为卡死）")
                    return
                mine.heartbeat = self._now()
                os.replace(self._write_tmp(mine), self.path)

    @contextmanager
    def _guard(self) -> Iterator[None]:
        guard = self.path.with_name(self.path.name + ".guard")
        guard.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(guard, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            _os_lock(fd)
            try:
                yield
            finally:
                _os_unlock(fd)
        finally:
            os.close(fd)


def _lost_message(stale_seconds: float, holder: LockInfo | None = None) -> tuple[str]:
    who = f"（现由 {holder.describe()} 持有）" if holder is not None else ""
    return (f"本次运行曾停顿超过 {int(stale_seconds)} 秒，运行锁已被另一次运行接管{who}；为避免重复发送和覆盖文件，"
            "本次运行已立即停止，未完成的部分由接管的运行处理",)


class ServeLock:
    """One ``petitionbot serve`` per workdir: an OS lock on ``serve.lock`` held for the process's life."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        self._fd: int | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        if not _os_try_lock(fd):
            os.close(fd)
            raise LockBusy(f"这个工作目录已有一个计划任务服务在运行：{self._describe()}",
                           hint="同一工作目录只能运行一个 petitionbot serve；要重启请先停止正在运行的服务"
                                "（systemctl stop petitionbot，或在任务计划程序中结束任务）")
        info = {"pid": os.getpid(), "host": socket.gethostname(), "started": time.time()}
        os.ftruncate(fd, 0)
        os.lseek(fd, 0, os.SEEK_SET)
        os.write(fd, json.dumps(info).encode())
        self._fd = fd

    def release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)  # closing the descriptor drops the OS lock
            self._fd = None

    def _describe(self) -> str:
        try:
            info = json.loads(self.path.read_text(encoding="utf-8") or "{}")
            started = datetime.fromtimestamp(info["started"]).strftime("%Y-%m-%d %H:%M:%S")
            return f"{info['host']} 上的进程 {info['pid']}，{started} 启动"
        except (OSError, ValueError, KeyError, TypeError):
            return "另一个进程"

    def __enter__(self) -> ServeLock:
        self.acquire()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _alive(pid: int, created: float) -> bool:
    try:
        proc = psutil.Process(pid)
        if proc.status() == psutil.STATUS_ZOMBIE:
            return False
        return not created or abs(proc.create_time() - created) < 1.0
    except psutil.Error:
        return False


def pid_alive(pid: int) -> bool:
    """Is a process with this pid running on this machine (not a zombie)?"""
    return _alive(pid, 0.0)


def _created(pid: int) -> float:
    try:
        return psutil.Process(pid).create_time()
    except psutil.Error:
        return 0.0


if os.name == "nt":  # pragma: no cover - exercised on the office's Windows PCs
    import msvcrt

    def _os_lock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)
                return
            except OSError:
                continue  # LK_LOCK gives up after ~10 s; the guard is held for milliseconds

    def _os_unlock(fd: int) -> None:
        os.lseek(fd, 0, os.SEEK_SET)
        msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)

    def _os_try_lock(fd: int) -> bool:
        # Byte 1 stays locked for the process's life; the holder's details are written from byte 0.
        os.lseek(fd, 1 << 20, os.SEEK_SET)
        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
else:
    import fcntl

    def _os_lock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_EX)

    def _os_unlock(fd: int) -> None:
        fcntl.flock(fd, fcntl.LOCK_UN)

    def _os_try_lock(fd: int) -> bool:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        return True
