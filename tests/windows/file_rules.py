"""Windows' file rule, enforced on Linux: a file that is open cannot be renamed over or
deleted.

On Windows, ``os.replace(tmp, out)`` fails when ``out`` is open, and so does deleting it
(Python, SQLite and GDAL open files without FILE_SHARE_DELETE).  Linux allows both, so a
program that renames over or deletes a file it still holds works here and fails on the
users' laptops.  :func:`windows_file_rules` makes this process behave like Windows for the
files it opens itself:

- tracked: files opened with ``open``/``io.open``/``Path.open``/``os.fdopen`` (kept as
  weak references: a file object that is dropped is closed, as CPython does), raw
  descriptors from ``os.open`` until ``os.close``, and SQLite connections from
  ``sqlite3.connect`` until ``close()`` or garbage collection;
- refused: ``os.replace``, ``os.rename`` (so ``Path.replace``/``rename`` and
  ``shutil.move``), ``os.remove``/``os.unlink`` (``Path.unlink``, ``shutil.rmtree``) when the
  source or the target is held -- raising ``PermissionError`` with WinError 32's text and
  recording the refusal.

Files GDAL opens in C (pyogrio, fiona) are not seen; GDAL closes them before
``read_dataframe``/``write_dataframe`` return.  An LD_PRELOAD shim would see them too but
needs a compiler and is fragile; in-process patching needs neither.
"""

from __future__ import annotations

import builtins
import io
import os
import sqlite3
import urllib.parse
import weakref
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any


def _key(path: Any) -> str | None:
    if isinstance(path, int) or path is None:
        return None
    try:
        text = os.fsdecode(os.fspath(path))
    except TypeError:
        return None
    return os.path.normcase(os.path.abspath(text))


def _sqlite_path(database: Any, uri: bool) -> str | None:
    text = os.fsdecode(os.fspath(database)) if not isinstance(database, str) else database
    if text in ("", ":memory:"):
        return None
    if uri or text.startswith("file:"):
        if not text.startswith("file:"):
            return None
        text = urllib.parse.unquote(text[5:].split("?", 1)[0])
        if text.startswith("///"):
            text = text[2:]
        if "mode=memory" in database:
            return None
    return _key(text)


def _same_file(fd: int, key: str) -> bool:
    try:
        a, b = os.fstat(fd), os.stat(key)
    except OSError:
        return False
    return (a.st_dev, a.st_ino) == (b.st_dev, b.st_ino)


@dataclass
class FileRules:
    """What the patched functions saw: refusals, and how many operations were checked."""

    refused: list[str] = field(default_factory=list)
    checked: dict[str, int] = field(default_factory=dict)
    _files: list[tuple[weakref.ref[Any], str]] = field(default_factory=list)
    _fds: dict[int, str] = field(default_factory=dict)
    _connections: list[tuple[weakref.ref[Any], str]] = field(default_factory=list)

    def held(self) -> set[str]:
        """Paths this process holds open now."""
        live_files = [(r, k) for r, k in self._files if r() is not None and not r().closed]
        self._files[:] = live_files
        live_cons = [(r, k) for r, k in self._connections
                     if r() is not None and not getattr(r(), "_rules_closed", False)]
        self._connections[:] = live_cons
        for fd, key in list(self._fds.items()):
            if not _same_file(fd, key):  # closed by a file object that wrapped it, or reused
                del self._fds[fd]
        return {k for _, k in live_files} | set(self._fds.values()) | {k for _, k in live_cons}

    def check(self, op: str, *paths: Any) -> None:
        self.checked[op] = self.checked.get(op, 0) + 1
        held = self.held()
        for p in paths:
            k = _key(p)
            if k is not None and k in held:
                what = f"{op}({', '.join(os.fsdecode(os.fspath(x)) for x in paths)}): " \
                       f"{os.fsdecode(os.fspath(p))} is open in this process"
                self.refused.append(what)
                raise PermissionError(13, "The process cannot access the file because it is "
                                          "being used by another process (WinError 32): " + what)


class _TrackedConnection(sqlite3.Connection):
    def close(self) -> None:
        self._rules_closed = True
        super().close()


@contextmanager
def windows_file_rules() -> Iterator[FileRules]:
    """Within the block, this process follows Windows' rule for open files."""
    rules = FileRules()
    orig = {"open": builtins.open, "io_open": io.open, "os_open": os.open,
            "os_close": os.close, "replace": os.replace, "rename": os.rename,
            "remove": os.remove, "unlink": os.unlink, "connect": sqlite3.connect}

    def tracked_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        fh = orig["open"](file, *args, **kwargs)
        if isinstance(file, int):
            key = rules._fds.pop(file, None)
            closefd = kwargs.get("closefd", args[5] if len(args) > 5 else True)
            if key is not None and not closefd:
                rules._fds[file] = key
        elif "opener" in kwargs:  # tempfile: ``file`` is the folder, the opener os.open's
            key = None
        else:
            key = _key(file)
        if key is not None:
            rules._files.append((weakref.ref(fh), key))
        return fh

    def tracked_os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: Any = None
                        ) -> int:
        fd = orig["os_open"](path, flags, mode, dir_fd=dir_fd)
        key = _key(path) if dir_fd is None else None
        if key is not None:
            rules._fds[fd] = key
        return fd

    def tracked_close(fd: int) -> None:
        rules._fds.pop(fd, None)
        orig["os_close"](fd)

    def guarded(name: str, n_paths: int) -> Any:
        def call(*args: Any, **kwargs: Any) -> Any:
            rules.check(name, *args[:n_paths])
            return orig[name](*args, **kwargs)

        return call

    def tracked_connect(database: Any, *args: Any, **kwargs: Any) -> Any:
        uri = bool(kwargs.get("uri", False))
        factory = kwargs.pop("factory", sqlite3.Connection)
        cls = _TrackedConnection if factory is sqlite3.Connection else \
            type("Tracked" + factory.__name__, (factory,), {"close": _TrackedConnection.close})
        con = orig["connect"](database, *args, factory=cls, **kwargs)
        key = _sqlite_path(database, uri)
        if key is not None:
            rules._connections.append((weakref.ref(con), key))
        return con

    builtins.open = io.open = tracked_open  # type: ignore[assignment]
    os.open = tracked_os_open  # type: ignore[assignment]
    os.close = tracked_close
    os.replace = guarded("replace", 2)  # type: ignore[assignment]
    os.rename = guarded("rename", 2)  # type: ignore[assignment]
    os.remove = guarded("remove", 1)  # type: ignore[assignment]
    os.unlink = guarded("unlink", 1)  # type: ignore[assignment]
    sqlite3.connect = tracked_connect  # type: ignore[assignment]
    try:
        yield rules
    finally:
        builtins.open = orig["open"]
        io.open = orig["io_open"]
        os.open = orig["os_open"]
        os.close = orig["os_close"]
        os.replace = orig["replace"]
        os.rename = orig["rename"]
        os.remove = orig["remove"]
        os.unlink = orig["unlink"]
        sqlite3.connect = orig["connect"]
