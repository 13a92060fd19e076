"""One editor per workspace: a lock file beside the GeoPackage with pid, host and user.

A second EcoZone opening the same workspace finds the lock held by a live process and is
told who holds it; it then opens the workspace read-only instead of writing behind the
first one's back (SQLite would keep the file consistent, but each window's in-memory copy
would silently go stale).  A lock left by a crashed process on this host is taken over; one
from another host (a shared folder) is respected, since we cannot tell if it is alive.

The lock file sits beside the workspace (``<name>.gpkg.lock``) or, if that folder is not
writable, in the user data folder.  Qt-free.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import os
import socket
import sys
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from geodata import store
from geodata.io.messages import Message


def _my_pid() -> int:
    """This process's id, as the lock records and compares it (a test that pretends to be
    a second process replaces this, not ``os.getpid``: the whole process's background
    threads and child-process handles ask ``os.getpid`` too)."""
    return os.getpid()


@dataclass(frozen=True)
class LockInfo:
    pid: int
    host: str
    user: str
    at: str

    def message(self, workspace: Path) -> Message:
        return Message(
            f"工作空间 {workspace.name} 已被另一个 EcoZone 打开（用户 {self.user}，计算机 "
            f"{self.host}，进程 {self.pid}，{self.at} 起）。为避免损坏数据，本窗口以只读方式打开；"
            "请在另一个窗口中编辑，或关闭它后重新打开。",
            f"workspace {workspace.name} is already open in another EcoZone (user {self.user}, "
            f"computer {self.host}, process {self.pid}, since {self.at}). To keep it intact "
            "this window opens it read-only; edit in the other window, or close it and reopen.")


def _user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no user name in some service environments
        return "unknown"


def pid_alive(pid: int) -> bool:
    """Whether process ``pid`` exists on this machine (never signals it)."""
    if pid <= 0:
        return False
    if sys.platform == "win32":
        import ctypes

        kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
        handle = kernel32.OpenProcess(0x1000, False, pid)  # QUERY_LIMITED_INFORMATION
        if not handle:
            return False
        code = ctypes.c_ulong()
        ok = kernel32.GetExitCodeProcess(handle, ctypes.byref(code))
        kernel32.CloseHandle(handle)
        return bool(ok) and code.value == 259  # STILL_ACTIVE
    try:
        os.kill(pid, 0)  # signal 0: existence check only (POSIX)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def lock_path(workspace: Path | str) -> Path:
    ws = Path(workspace)
    if os.access(ws.parent, os.W_OK):
        return ws.with_name(ws.name + ".lock")
    digest = hashlib.sha1(str(ws.resolve()).encode("utf-8")).hexdigest()[:12]
    return store.user_data_dir() / "locks" / f"{ws.stem}-{digest}.lock"


def read_lock(path: Path) -> LockInfo | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return LockInfo(int(data["pid"]), str(data["host"]), str(data.get("user", "?")),
                        str(data.get("at", "?")))
    except (OSError, ValueError, KeyError, TypeError):
        return None


class WorkspaceLock:
    """Hold the workspace's lock file while a window edits it."""

    def __init__(self, workspace: Path | str) -> None:
        self.workspace = Path(workspace)
        self.path = lock_path(self.workspace)
        self.held = False

    def acquire(self) -> LockInfo | None:
        """Take the lock; returns None on success, else who holds it."""
        me = LockInfo(_my_pid(), socket.gethostname(), _user(),
                      datetime.now().isoformat(timespec="seconds"))
        for _attempt in range(3):
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
            except FileExistsError:
                holder = read_lock(self.path)
                if holder is not None and not self._stale(holder):
                    return holder
                # stale (crashed process on this host) or unreadable: replace it
                try:
                    self.path.unlink()
                except FileNotFoundError:
                    pass
                continue
            except OSError:
                return None  # cannot write a lock anywhere: saving will report the problem
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(me.__dict__, fh)
            self.held = True
            return None
        return read_lock(self.path)

    @staticmethod
    def _stale(holder: LockInfo) -> bool:
        if holder.host != socket.gethostname():
            return False
        if holder.pid == _my_pid():
            return False
        return not pid_alive(holder.pid)

    def release(self) -> None:
        if not self.held:
            return
        holder = read_lock(self.path)
        if holder is not None and holder.pid == _my_pid():
            self.path.unlink(missing_ok=True)
        self.held = False

    def __enter__(self) -> WorkspaceLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
