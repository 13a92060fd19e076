"""The recovery journal: edits made but not yet saved to the workspace, on disk.

An edit is journaled (one JSON line, written to the file) before the workspace save is
attempted, and the journal is trimmed once the save has committed.  The line is in the
operating system's hands when ``append`` returns, so it survives the program's crash or
kill; its ``fsync`` (against the machine's own crash or power loss) follows on a thread of
its own a moment later.  ``append`` runs on the window's GUI thread, and an fsync there
stopped it 30 ms after an undo at 1M outfalls (``bench/bench_gaps.py``); a Windows
laptop's FlushFileBuffers, with its antivirus, is often slower.  So after a crash, a
kill, or a save refused by a read-only file or a full disk, the journal still holds every
edit the GeoPackage does not; on the next open the caller offers to replay them.  Each entry
carries its batch id, which is also written to the audit rows, so an entry that *was*
committed just before a crash is recognised and not replayed twice.

The journal lives beside the workspace (``<name>.gpkg.recovery.jsonl``) or, when that folder
is not writable, in the user data folder under ``recovery/``.  Qt-free.
"""

from __future__ import annotations

import hashlib
import json
import os
import queue
import threading
from pathlib import Path
from typing import Any

from geodata import store
from geodata.daemon_queue import DaemonQueue


def _fallback_path(workspace: Path) -> Path:
    digest = hashlib.sha1(str(workspace.resolve()).encode("utf-8")).hexdigest()[:12]
    return store.user_data_dir() / "recovery" / f"{workspace.stem}-{digest}.recovery.jsonl"


def _beside_path(workspace: Path) -> Path:
    return workspace.with_name(workspace.name + ".recovery.jsonl")


def candidate_paths(workspace: Path | str) -> tuple[Path, Path]:
    """Where a journal for ``workspace`` may be: beside it, and in the user data folder."""
    ws = Path(workspace)
    return _beside_path(ws), _fallback_path(ws)


class RecoveryJournal:
    """Append-only JSON-lines journal of unsaved edits for one workspace."""

    def __init__(self, workspace: Path | str) -> None:
        self.workspace = Path(workspace)
        beside, fallback = candidate_paths(self.workspace)
        writable = os.access(self.workspace.parent, os.W_OK)
        self.path = beside if writable else fallback
        # the window trims the journal in the worker that saved (``drop``) while its GUI
        # thread may append the next edit: one writer at a time, or an entry could be lost
        self._lock = threading.RLock()
        # the fsyncs that follow the appends (:func:`_sync_loop`)
        self._sync = threading.Condition()
        self._asked = self._synced = 0
        self._sync_error: OSError | None = None

    # -- writing --------------------------------------------------------------------------
    def append(self, entry: dict[str, Any]) -> Path:
        """Add one entry; returns the file written.  Written when this returns, fsync'd a
        moment later (:meth:`synced`).  Raises OSError if impossible -- also when the fsync
        of an earlier entry failed (that entry may not survive a power loss)."""
        line = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode()
        with self._sync:
            failed, self._sync_error = self._sync_error, None
        if failed is not None:
            raise failed
        with self._lock:
            try:
                self._append_to(self.path, line)
            except OSError:
                fallback = _fallback_path(self.workspace)
                if fallback == self.path:
                    raise
                self._append_to(fallback, line)  # e.g. the workspace folder became read-only
                self.path = fallback
            path = self.path
        with self._sync:
            self._asked += 1
            _sync_later(self, path, self._asked)
        return path

    def synced(self, timeout: float = 10.0) -> bool:
        """Wait until every entry appended so far is fsync'd (or its fsync failed);
        False if ``timeout`` seconds passed first."""
        with self._sync:
            return self._sync.wait_for(lambda: self._synced >= self._asked, timeout)

    def _fsync(self, path: Path, upto: int) -> None:
        """(the sync thread) fsync ``path`` for the appends up to number ``upto``."""
        error: OSError | None = None
        # under the writers' lock: ``drop`` replaces the file, which Windows refuses while
        # any handle to it is open
        with self._lock:
            try:
                fd = os.open(path, os.O_WRONLY | os.O_APPEND)
            except FileNotFoundError:
                fd = -1  # trimmed away meanwhile: saved, nothing left to keep
            except OSError as exc:
                fd, error = -1, exc
            if fd >= 0:
                try:
                    os.fsync(fd)
                except OSError as exc:
                    error = exc
                finally:
                    os.close(fd)
        with self._sync:
            if error is not None:
                self._sync_error = error
            self._synced = max(self._synced, upto)
            self._sync.notify_all()

    @staticmethod
    def _append_to(path: Path, line: bytes) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        try:
            os.write(fd, line)
        finally:
            os.close(fd)

    def keep_only(self, batch_ids: set[str]) -> None:
        """Rewrite the journal with only the entries whose batch is in ``batch_ids``."""
        with self._lock:
            self._rewrite(lambda e: e.get("batch") in batch_ids)

    def drop(self, batch_ids: set[str]) -> None:
        """Rewrite the journal without the entries whose batch is in ``batch_ids`` (saved
        ones), keeping any appended meanwhile."""
        with self._lock:
            self._rewrite(lambda e: e.get("batch") not in batch_ids)

    def _rewrite(self, keep: Any) -> None:
        for path in candidate_paths(self.workspace):
            if not path.exists():
                continue
            # the kept entries' lines as they are: encoding a 1 000-move entry again was
            # ~5 ms holding the GIL in the saving worker (the window's turns waited)
            lines = [line for line, e in _lines(path) if keep(e)]
            if not lines:
                path.unlink(missing_ok=True)
                continue
            tmp = path.with_suffix(".tmp")
            data = b"".join(line + b"\n" for line in lines)
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, data)
                os.fsync(fd)
            finally:
                os.close(fd)
            os.replace(tmp, path)

    def clear(self) -> None:
        self.keep_only(set())

    # -- reading --------------------------------------------------------------------------
    def entries(self) -> list[dict[str, Any]]:
        """All journaled entries, beside-file first, de-duplicated by batch id."""
        seen: set[str] = set()
        out: list[dict[str, Any]] = []
        for path in candidate_paths(self.workspace):
            for e in _read(path):
                b = str(e.get("batch", ""))
                if b and b not in seen:
                    seen.add(b)
                    out.append(e)
        return out

    def exists(self) -> bool:
        return any(p.exists() and p.stat().st_size > 0 for p in candidate_paths(self.workspace))


def _sync_later(journal: RecoveryJournal, path: Path, upto: int) -> None:
    """Have the one sync thread fsync ``path`` of ``journal``."""
    _syncs.put((journal, path, upto))


def _sync_loop(syncs: queue.SimpleQueue[tuple[RecoveryJournal, Path, int]]) -> None:
    while True:
        asked = [syncs.get()]
        while not syncs.empty():  # several appends meanwhile: one fsync a file
            asked.append(syncs.get())
        last: dict[tuple[int, Path], tuple[RecoveryJournal, Path, int]] = {}
        for journal, path, upto in asked:
            last[(id(journal), path)] = (journal, path, upto)
        for journal, path, upto in last.values():
            journal._fsync(path, upto)
        del asked, last  # (a journal is not kept alive here between syncs)


_syncs = DaemonQueue("ecozone-journal-sync", _sync_loop)


def _read(path: Path) -> list[dict[str, Any]]:
    return [e for _line, e in _lines(path)]


def _lines(path: Path) -> list[tuple[bytes, dict[str, Any]]]:
    """The journal's entries with their lines (a torn or foreign line left out)."""
    try:
        raw = path.read_bytes()
    except OSError:
        return []
    out: list[tuple[bytes, dict[str, Any]]] = []
    for line in raw.splitlines():
        try:
            e = json.loads(line)
        except ValueError:
            continue  # a line torn by a crash mid-write: the edit was never acknowledged
        if isinstance(e, dict):
            out.append((line, e))
    return out
